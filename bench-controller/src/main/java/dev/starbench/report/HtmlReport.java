package dev.starbench.report;

import static dev.starbench.report.Text.html;

import dev.starbench.report.RunRecord.CheckResult;
import dev.starbench.report.RunRecord.Evidence;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * report.html: one self-contained file an engineer can mail on (inline CSS, no script, no network).
 * Every string passes through {@link Text#html}, since device names, reasons and transcripts may
 * all carry DUT output; the Content-Security-Policy forbids scripts should escaping ever miss.
 */
final class HtmlReport {

    private HtmlReport() {}

    /** Per evidence text, in UTF-8 bytes of the cleaned text; the rest stays in the file or record.json. */
    static final int MAX_TEXT_BYTES = 16 * 1024;
    /**
     * All inline excerpts together; past it each text shows only its start. With 200 checks and
     * 50 MB of transcripts the page stays under 5 MB, and the full texts stay linked.
     */
    static final int TEXT_BUDGET_BYTES = 3 * 1024 * 1024;
    static final int OVER_BUDGET_TEXT_BYTES = 1024;

    /** Shared with the history page, so both look alike. */
    static final String CSS = loadCss();

    private static String loadCss() {
        try (InputStream in = HtmlReport.class.getResourceAsStream("report.css")) {
            if (in == null) {
                throw new IllegalStateException("report.css missing from the classpath");
            }
            // A checkout with autocrlf must not change the report's bytes.
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What is left of {@link #TEXT_BUDGET_BYTES}; one per render, so the output depends only on the record. */
    private static final class Budget {
        long left = TEXT_BUDGET_BYTES;
    }

    static byte[] render(RunRecord r) {
        StringBuilder h = new StringBuilder(16 * 1024);
        Budget budget = new Budget();
        Checklist.Sheet sheet = Checklist.of(r);
        RunRecord.Run run = r.run();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("style-src 'unsafe-inline'\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>StarBench report: ").append(html(run.deviceName())).append(' ')
                .append(html(run.firmwareVersion())).append(" (").append(html(run.id())).append(")</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        header(h, r, sheet);
        h.append("<section id=\"plots\">\n<h2>Run timeline</h2>\n");
        Plots.timeline(h, r);
        h.append("<h2>Boot time per power cycle</h2>\n");
        Plots.bootTimes(h, r);
        Plots.loginAnswers(h, r);
        h.append("</section>\n");
        table(h, r.checks());
        ChecklistExport.section(h, sheet);
        for (int i = 0; i < r.checks().size(); i++) {
            section(h, r.checks().get(i), i + 1, budget);
        }
        files(h, r);
        h.append("<footer>Rendered from the run journal by StarBench controller ")
                .append(html(run.controllerVersion())).append(" (").append(html(run.gitCommit()))
                .append("). Evidence files are linked relative to this report's directory.</footer>\n")
                .append("</body>\n</html>\n");
        return h.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void header(StringBuilder h, RunRecord r, Checklist.Sheet sheet) {
        RunRecord.Run run = r.run();
        h.append("<header>\n<h1>StarBench report</h1>\n");
        h.append("<p class=\"outcome\">Outcome: <span class=\"badge o-").append(cssToken(run.outcome())).append("\">")
                .append(html(upper(run.outcome()))).append("</span></p>\n");
        h.append("<p class=\"counts\">");
        for (Verdict v : Verdict.values()) {
            long n = r.checks().stream().filter(c -> c.verdict() == v).count();
            h.append("<span class=\"badge ").append(verdictClass(v)).append("\">").append(label(v)).append(": ")
                    .append(n).append("</span>");
        }
        h.append("</p>\n<p class=\"coverage\"><a href=\"#checklist\">JC-STAR ★1 coverage</a>: ")
                .append(html(ChecklistExport.summary(sheet))).append("</p>\n<dl class=\"meta\">\n");
        meta(h, "Device", join(run.deviceName(), run.deviceModel()));
        meta(h, "Firmware", run.firmwareVersion());
        meta(h, "Bench", run.benchId());
        meta(h, "Run id", run.id());
        meta(h, "Started", str(run.start()));
        meta(h, "Ended", str(run.end()));
        if (run.start() != null && run.end() != null) {
            meta(h, "Duration", duration(Duration.between(run.start(), run.end()).toMillis()));
        }
        if (run.abortReason() != null) {
            meta(h, "Aborted", run.abortReason());
        }
        if (r.finaliser() != null) {
            RunRecord.Finaliser f = r.finaliser();
            meta(h, "Safe state", f.describe() + " at " + str(f.timestamp()));
        } else {
            meta(h, "Safe state", "no finaliser event in the journal");
        }
        if (!r.services().isEmpty()) {
            meta(h, "Lab services", services(r.services()));
        }
        meta(h, "Fixture", join(run.fixturePath(), sha(run.fixtureSha256())));
        meta(h, "Profile", join(run.profilePath(), sha(run.profileSha256())));
        meta(h, "Controller", join(run.controllerVersion(), run.gitCommit()));
        meta(h, "JVM / OS", join(run.jvm(), run.os()));
        meta(h, "Seed", run.seed() == null ? "not recorded" : Long.toString(run.seed()));
        meta(h, "Checks planned", run.plannedChecks().isEmpty() ? "none" : String.join(", ", run.plannedChecks()));
        for (RunRecord.FileHash f : run.firmwareImages()) {
            meta(h, "Firmware image", f.path() + " (sha256 " + f.sha256() + ")");
        }
        h.append("</dl>\n</header>\n");
    }

    private static void table(StringBuilder h, List<CheckResult> checks) {
        h.append("<section>\n<h2>Checks</h2>\n");
        if (checks.isEmpty()) {
            h.append("<p class=\"note\">No check was run.</p>\n</section>\n");
            return;
        }
        h.append("<table>\n<thead><tr><th>Check</th><th>Requirements</th><th>Verdict</th>")
                .append("<th>Duration</th><th>Reason</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < checks.size(); i++) {
            CheckResult c = checks.get(i);
            h.append("<tr><td><a class=\"mono\" href=\"#check-").append(i + 1).append("\">").append(html(c.id()))
                    .append("</a></td><td>").append(html(String.join(", ", c.requirements())))
                    .append("</td><td>").append(badge(c.verdict()))
                    .append("</td><td class=\"num\">").append(duration(c.durationMs()))
                    .append("</td><td>").append(html(c.reason())).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n</section>\n");
    }

    private static void section(StringBuilder h, CheckResult c, int index, Budget budget) {
        h.append("<section class=\"check\" id=\"check-").append(index).append("\">\n<h2>")
                .append(badge(c.verdict())).append(" <span class=\"mono\">").append(html(c.id())).append("</span>");
        if (c.title() != null && !c.title().equals(c.id())) {
            h.append(": ").append(html(c.title()));
        }
        h.append("</h2>\n<dl class=\"meta\">\n");
        meta(h, "Requirements", c.requirements().isEmpty() ? "none recorded" : String.join(", ", c.requirements()));
        meta(h, "Started", c.start() == null ? "not started" : c.start().toString());
        meta(h, "Duration", duration(c.durationMs()));
        meta(h, "Reason", c.reason() == null ? "none given" : c.reason());
        h.append("</dl>\n");
        measurements(h, c);
        Plots.ofCheck(h, c);
        if (c.evidence().isEmpty()) {
            h.append("<p class=\"note\">No evidence recorded.</p>\n</section>\n");
            return;
        }
        h.append("<h3>Steps and evidence</h3>\n<ol class=\"evidence\">\n");
        for (Evidence e : c.evidence()) {
            evidence(h, e, c.start(), budget);
        }
        h.append("</ol>\n</section>\n");
    }

    private static void measurements(StringBuilder h, CheckResult c) {
        if (c.measurements().isEmpty()) {
            return;
        }
        h.append("<h3>Measurements</h3>\n<table class=\"measurements\">\n<thead><tr><th>Name</th><th>Value</th>")
                .append("<th>Unit</th><th>Limits</th><th>Outcome</th><th>At</th></tr></thead>\n<tbody>\n");
        for (RunRecord.MeasurementResult m : c.measurements()) {
            h.append("<tr><td class=\"mono\">").append(html(m.name())).append("</td><td class=\"num\">")
                    .append(Measurement.number(m.value())).append("</td><td>").append(html(m.unit())).append("</td><td>")
                    .append(html(m.measurement().limits())).append("</td><td><span class=\"badge m-")
                    .append(m.outcome().name().toLowerCase(Locale.ROOT)).append("\">").append(m.outcome().name())
                    .append("</span></td><td class=\"mono\">").append(html(relative(c.start(), m.timestamp())))
                    .append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n");
    }

    private static void files(StringBuilder h, RunRecord r) {
        if (r.files().isEmpty()) {
            return;
        }
        h.append("<section id=\"files\">\n<h2>Evidence files</h2>\n<table>\n<thead><tr><th>File</th><th>Bytes</th>")
                .append("<th>SHA-256</th></tr></thead>\n<tbody>\n");
        for (RunRecord.FileHash f : r.files()) {
            String href = Text.relativeHref(f.path());
            h.append("<tr><td>");
            if (href != null) {
                h.append("<a class=\"mono\" href=\"").append(Text.escapeHtml(href)).append("\">").append(html(f.path())).append("</a>");
            } else {
                h.append("<span class=\"mono\">").append(html(f.path())).append("</span>");
            }
            h.append("</td><td class=\"num\">").append(f.bytes()).append("</td><td class=\"mono\">")
                    .append(html(f.sha256())).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n<p class=\"note\">record.json lists these hashes and record.json.sig signs it; ")
                .append("<span class=\"mono\">starbench report verify DIR</span> checks both.</p>\n</section>\n");
    }

    /** "+1.234 s" from the check's start; the absolute time stays in the title. */
    static String relative(Instant from, Instant at) {
        if (from == null || at == null) {
            return str(at);
        }
        long ms = Duration.between(from, at).toMillis();
        return (ms < 0 ? "-" : "+") + duration(Math.abs(ms));
    }

    private static void evidence(StringBuilder h, Evidence e, Instant checkStart, Budget budget) {
        h.append("<li><div class=\"ev-head\"><time class=\"mono\" title=\"").append(html(str(e.timestamp())))
                .append("\">").append(html(relative(checkStart, e.timestamp())))
                .append("</time><span class=\"kind kind-").append(cssToken(e.kind())).append("\">")
                .append(html(e.kind())).append("</span>");
        if (e.file() != null) {
            String href = Text.relativeHref(e.file());
            if (href != null) {
                h.append("<a class=\"mono\" href=\"").append(Text.escapeHtml(href)).append("\">")
                        .append(html(e.file())).append("</a>");
            } else {
                h.append("<span class=\"mono\">").append(html(e.file()))
                        .append("</span> <span class=\"note\">(outside the run directory, not linked)</span>");
            }
        }
        h.append("</div>\n");
        String text = Text.clean(e.text());
        if (!text.isEmpty()) {
            int cap = budget.left >= MAX_TEXT_BYTES ? MAX_TEXT_BYTES : OVER_BUDGET_TEXT_BYTES;
            int keep = Text.prefixFitting(text, cap);
            String shown = text.substring(0, keep);
            budget.left -= Text.utf8Length(shown);
            h.append("<pre>").append(Text.escapeHtml(shown)).append("</pre>\n");
            if (keep < text.length()) {
                h.append("<p class=\"note\">Truncated: showing the first ").append(cap)
                        .append(" bytes of ").append(Text.utf8Length(text)).append(". The full text is in ")
                        .append(e.file() != null ? html(e.file()) : "record.json")
                        .append(".</p>\n");
            }
        }
        h.append("</li>\n");
    }

    /** Each service with the check that opened it and how its teardown went, in the order they opened. */
    private static String services(List<RunRecord.ServiceEvent> events) {
        Map<String, String> lines = new LinkedHashMap<>();
        for (RunRecord.ServiceEvent e : events) {
            String so = lines.getOrDefault(e.name(), e.name() + " (opened before the journal says");
            lines.put(e.name(), "opened".equals(e.outcome())
                    ? e.name() + " (opened" + (e.check() == null ? "" : " for " + e.check())
                    : so + ", " + e.outcome() + " at " + str(e.timestamp()));
        }
        return String.join("; ", lines.values().stream().map(v -> v + ")").toList());
    }

    private static void meta(StringBuilder h, String name, String value) {
        h.append("<dt>").append(name).append("</dt><dd>").append(html(value)).append("</dd>\n");
    }

    private static String badge(Verdict v) {
        return v == null ? "" : "<span class=\"badge " + verdictClass(v) + "\">" + label(v) + "</span>";
    }

    private static String verdictClass(Verdict v) {
        return "v-" + v.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String label(Verdict v) {
        return v.name().replace('_', ' ');
    }

    /** Only [a-z0-9-] reaches a class attribute, whatever kind a caller journalled. */
    private static String cssToken(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "");
    }

    private static String upper(String s) {
        return s == null ? "" : s.toUpperCase(Locale.ROOT);
    }

    private static String str(Instant i) {
        return i == null ? "" : i.toString();
    }

    private static String sha(String sha256) {
        return sha256 == null ? null : "sha256 " + sha256;
    }

    private static String join(String a, String b) {
        if (a == null || a.isEmpty()) {
            return b == null ? "" : b;
        }
        return b == null || b.isEmpty() ? a : a + " (" + b + ")";
    }

    static String duration(long ms) {
        return JunitXml.seconds(ms) + " s";
    }
}
