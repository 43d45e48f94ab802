package dev.starbench.run;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.starbench.report.Text;

/**
 * Log lines reach the technician's terminal on stderr, and what is logged may carry a device's words
 * (a client id, a host name, an exception's message): the message is one clean line, as progress
 * output is ({@link Text#terminal}), so it cannot fake another log line; the stack trace keeps its
 * lines but loses its control sequences ({@link Text#log}). Named in logback.xml.
 */
public final class CleanLog {
    private CleanLog() {
    }

    /** {@code %cleanMsg}: the formatted message. */
    public static final class Message extends ClassicConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return Text.terminal(event.getFormattedMessage());
        }
    }

    /** {@code %cleanEx}: the stack trace, if any. */
    public static final class Throwable extends ThrowableProxyConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return Text.log(super.convert(event));
        }
    }
}
