package dev.starbench.report;

import dev.starbench.report.RunRecord.CheckResult;
import dev.starbench.report.RunRecord.Evidence;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * junit.xml in the Ant/Jenkins dialect: one testsuite "starbench", one testcase per check, so CI
 * can chart a bench like a test run. INCONCLUSIVE maps to error (the bench, not the device, could
 * not tell) and NOT_APPLICABLE to skipped.
 */
final class JunitXml {

    private JunitXml() {}

    // The Ant schema's timestamp has no zone; it is UTC here.
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    static byte[] render(RunRecord r) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            // The JDK's own writer, not whatever StAX provider the classpath brings, so the bytes
            // stay the same.
            XMLStreamWriter x = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(bytes, "UTF-8");
            write(x, r);
            x.close();
        } catch (XMLStreamException e) {
            throw new IOException("cannot render junit.xml: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    private static void write(XMLStreamWriter x, RunRecord r) throws XMLStreamException {
        RunRecord.Run run = r.run();
        List<CheckResult> checks = r.checks();
        x.writeStartDocument("UTF-8", "1.0");
        x.writeCharacters("\n");
        x.writeStartElement("testsuite");
        attr(x, "name", "starbench");
        attr(x, "tests", Integer.toString(checks.size()));
        attr(x, "failures", Long.toString(count(checks, Verdict.FAIL)));
        attr(x, "errors", Long.toString(count(checks, Verdict.INCONCLUSIVE)));
        attr(x, "skipped", Long.toString(count(checks, Verdict.NOT_APPLICABLE)));
        attr(x, "time", seconds(run.start() == null || run.end() == null ? 0
                : Math.max(0, Duration.between(run.start(), run.end()).toMillis())));
        attr(x, "timestamp", run.start() == null ? ""
                : TIMESTAMP.format(LocalDateTime.ofInstant(run.start().truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC)));
        attr(x, "hostname", run.benchId());

        x.writeCharacters("\n  ");
        x.writeStartElement("properties");
        for (Map.Entry<String, String> p : properties(r)) {
            x.writeCharacters("\n    ");
            x.writeEmptyElement("property");
            attr(x, "name", p.getKey());
            attr(x, "value", p.getValue());
        }
        x.writeCharacters("\n  ");
        x.writeEndElement();

        for (CheckResult c : checks) {
            x.writeCharacters("\n  ");
            x.writeStartElement("testcase");
            attr(x, "classname", family(c.id()));
            attr(x, "name", c.id());
            attr(x, "time", seconds(c.durationMs()));
            String reason = c.reason() == null ? "" : c.reason();
            switch (c.verdict()) {
                case FAIL -> outcome(x, "failure", reason, "FAIL");
                case INCONCLUSIVE -> outcome(x, "error", reason, "INCONCLUSIVE");
                case NOT_APPLICABLE -> {
                    x.writeCharacters("\n    ");
                    x.writeEmptyElement("skipped");
                    attr(x, "message", reason);
                }
                case PASS -> { }
            }
            if (!c.evidence().isEmpty()) {
                x.writeCharacters("\n    ");
                x.writeStartElement("system-out");
                x.writeCharacters(clean(systemOut(c)));
                x.writeEndElement();
            }
            x.writeCharacters("\n  ");
            x.writeEndElement();
        }
        x.writeCharacters("\n");
        x.writeEndElement();
        x.writeCharacters("\n");
        x.writeEndDocument();
    }

    private static void outcome(XMLStreamWriter x, String element, String reason, String type)
            throws XMLStreamException {
        x.writeCharacters("\n    ");
        x.writeStartElement(element);
        attr(x, "message", reason);
        attr(x, "type", type);
        x.writeCharacters(clean(reason));
        x.writeEndElement();
    }

    private static String systemOut(CheckResult c) {
        StringBuilder out = new StringBuilder("\n");
        for (Evidence e : c.evidence()) {
            out.append(e.timestamp()).append(" [").append(e.kind()).append("]");
            if (e.file() != null) {
                out.append(" file: ").append(e.file());
            }
            out.append('\n');
            if (e.text() != null && !e.text().isEmpty()) {
                out.append(e.text());
                if (!e.text().endsWith("\n")) {
                    out.append('\n');
                }
            }
        }
        return out.toString();
    }

    private static List<Map.Entry<String, String>> properties(RunRecord r) {
        RunRecord.Run run = r.run();
        List<Map.Entry<String, String>> p = new ArrayList<>();
        add(p, "run-id", run.id());
        add(p, "outcome", run.outcome());
        add(p, "abort-reason", run.abortReason());
        add(p, "start", run.start());
        add(p, "end", run.end());
        add(p, "controller-version", run.controllerVersion());
        add(p, "git-commit", run.gitCommit());
        add(p, "bench-id", run.benchId());
        add(p, "fixture-path", run.fixturePath());
        add(p, "fixture-sha256", run.fixtureSha256());
        add(p, "profile-path", run.profilePath());
        add(p, "profile-sha256", run.profileSha256());
        add(p, "device-name", run.deviceName());
        add(p, "device-model", run.deviceModel());
        add(p, "firmware-version", run.firmwareVersion());
        add(p, "jvm", run.jvm());
        add(p, "os", run.os());
        if (r.finaliser() != null) {
            add(p, "finaliser-outcome", r.finaliser().outcome());
            add(p, "finaliser-detail", r.finaliser().detail());
            add(p, "finaliser-state", r.finaliser().state());
            add(p, "finaliser-confirmation", r.finaliser().confirmation());
        }
        return p;
    }

    private static void add(List<Map.Entry<String, String>> p, String name, Object value) {
        if (value != null) {
            p.add(Map.entry(name, value.toString()));
        }
    }

    /** The check family is the id up to its first '.', '/' or ':' ("debug.uart-shell" is in "debug"). */
    static String family(String checkId) {
        for (int i = 0; i < checkId.length(); i++) {
            char c = checkId.charAt(i);
            if ((c == '.' || c == '/' || c == ':') && i > 0) {
                return checkId.substring(0, i);
            }
        }
        return checkId;
    }

    private static long count(List<CheckResult> checks, Verdict v) {
        return checks.stream().filter(c -> c.verdict() == v).count();
    }

    // BigDecimal, not String.format: a German locale would write "1,234".
    static String seconds(long ms) {
        return BigDecimal.valueOf(ms, 3).toPlainString();
    }

    private static void attr(XMLStreamWriter x, String name, String value) throws XMLStreamException {
        x.writeAttribute(name, clean(value));
    }

    // XML 1.0 cannot carry most control bytes at all, not even escaped; DUT output is full of them.
    private static String clean(String s) {
        return Text.clean(s);
    }
}
