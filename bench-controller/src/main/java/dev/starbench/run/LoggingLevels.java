package dev.starbench.run;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** Applies the fixture's logger levels (e.g. quiets Pi4J's board detection on a PC) for this run only. */
public final class LoggingLevels {
    private LoggingLevels() {
    }

    public static void apply(Map<String, String> levels) {
        levels.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.toLevel(level, Level.INFO)));
    }
}
