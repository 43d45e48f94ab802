package dev.starbench.report;

import static dev.starbench.report.Text.html;

import dev.starbench.report.History.Analysis;
import dev.starbench.report.History.BenchHealth;
import dev.starbench.report.History.Change;
import dev.starbench.report.History.Flaky;
import dev.starbench.report.RunRecord.CheckResult;
import dev.starbench.report.RunRecord.MeasurementResult;
import dev.starbench.report.RunRecord.Run;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code starbench history --html}: one self-contained page like report.html (inline CSS and SVG,
 * no script, a CSP that forbids one): the verdict matrix, regressions, flaky checks, bench health,
 * and trend plots of measurements and check durations over the runs.
 */
public final class HistoryPage {

    private static final String EXTRA_CSS = """
            table.matrix td.cell { text-align: center; font-weight: 600; color: #fff; width: 1.6rem; padding: .2rem; }
            table.matrix td.empty { background: #fff; }
            table.matrix th.run { writing-mode: vertical-rl; transform: rotate(180deg); font-weight: 400; font-size: 11px; }
            .suspect { color: var(--fail); font-weight: 600; }
            svg .whisker { stroke: #0969da; stroke-width: 2; }
            svg .dot { fill: #0969da; }
            svg .trend-line { fill: none; stroke: #0969da; stroke-width: 1.5; }
            """;

    private HistoryPage() {}

    /** Writes the page atomically (a temporary name, then renamed). */
    public static void write(Analysis a, String source, java.nio.file.Path out) throws java.io.IOException {
        AtomicFiles.write(out, render(a, source));
    }

    /** @param source where the runs came from (the database, without credentials) */
    public static byte[] render(Analysis a, String source) {
        StringBuilder h = new StringBuilder(32 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("style-src 'unsafe-inline'\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>StarBench history</title>\n<style>\n").append(HtmlReport.CSS).append(EXTRA_CSS)
                .append("</style>\n</head>\n<body>\n<header>\n<h1>StarBench history</h1>\n<p>")
                .append(a.runs().size()).append(" run(s) from ").append(html(source)).append(", newest first.</p>\n</header>\n");
        matrix(h, a);
        changes(h, "Regressions", "PASS on the previous run of the same model, FAIL now.", a.regressions());
        changes(h, "Fixed", "FAIL on the previous run of the same model, PASS now.", a.fixes());
        flaky(h, a.flaky());
        health(h, a);
        trends(h, a);
        h.append("<footer>Rendered by StarBench from the run history; each run's own report.html has the evidence.</footer>\n")
                .append("</body>\n</html>\n");
        return h.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void matrix(StringBuilder h, Analysis a) {
        h.append("<section id=\"matrix\">\n<h2>Verdict matrix</h2>\n");
        if (a.runs().isEmpty()) {
            h.append("<p class=\"note\">No run in this window.</p>\n</section>\n");
            return;
        }
        h.append("<table class=\"matrix\">\n<thead><tr><th>Check</th>");
        for (int i = 0; i < a.runs().size(); i++) {
            Run run = a.runs().get(i).run();
            h.append("<th class=\"run\" title=\"").append(html(run.id())).append("\">#").append(i + 1).append(' ')
                    .append(html(History.when(run))).append("</th>");
        }
        h.append("</tr></thead>\n<tbody>\n");
        for (String id : a.checks()) {
            h.append("<tr><td class=\"mono\">").append(html(id)).append("</td>");
            for (RunRecord r : a.runs()) {
                Verdict v = History.verdictOf(r, id);
                h.append(v == null ? "<td class=\"cell empty\"></td>" : "<td class=\"cell " + verdictClass(v) + "\" title=\""
                        + html(v.name()) + "\">" + History.letter(v) + "</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table>\n<h3>Runs</h3>\n<table>\n<thead><tr><th>#</th><th>Run</th><th>Started (UTC)</th>")
                .append("<th>Bench</th><th>Device</th><th>Firmware</th><th>Outcome</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < a.runs().size(); i++) {
            Run run = a.runs().get(i).run();
            h.append("<tr><td>#").append(i + 1).append("</td><td class=\"mono\">").append(html(run.id())).append("</td><td>")
                    .append(html(History.when(run))).append("</td><td>").append(html(run.benchId())).append("</td><td>")
                    .append(html(History.model(run))).append("</td><td>").append(html(run.firmwareVersion()))
                    .append("</td><td>").append(html(Objects.requireNonNullElse(run.outcome(), "?").toUpperCase(Locale.ROOT)))
                    .append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n</section>\n");
    }

    private static void changes(StringBuilder h, String title, String what, List<Change> changes) {
        h.append("<section>\n<h2>").append(title).append("</h2>\n<p>").append(what).append("</p>\n");
        if (changes.isEmpty()) {
            h.append("<p class=\"note\">None.</p>\n</section>\n");
            return;
        }
        h.append("<table>\n<thead><tr><th>Check</th><th>Model</th><th>Before</th><th>Now</th></tr></thead>\n<tbody>\n");
        for (Change c : changes) {
            h.append("<tr><td class=\"mono\">").append(html(c.checkId())).append("</td><td>").append(html(c.model()))
                    .append("</td><td>").append(badge(c.was())).append(' ').append(html(History.describe(c.previous())))
                    .append("</td><td>").append(badge(c.is())).append(' ').append(html(History.describe(c.now())))
                    .append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n</section>\n");
    }

    private static void flaky(StringBuilder h, List<Flaky> flaky) {
        h.append("<section>\n<h2>Flaky checks</h2>\n<p>Verdicts that differ between runs with the same firmware, ")
                .append("fixture and profile.</p>\n");
        if (flaky.isEmpty()) {
            h.append("<p class=\"note\">None.</p>\n</section>\n");
            return;
        }
        h.append("<table>\n<thead><tr><th>Check</th><th>Model, firmware, bench</th><th>Verdicts</th><th>More likely</th>")
                .append("<th>Why</th></tr></thead>\n<tbody>\n");
        for (Flaky f : flaky) {
            h.append("<tr><td class=\"mono\">").append(html(f.checkId())).append("</td><td>").append(html(f.model()))
                    .append(' ').append(html(f.firmware())).append(", ").append(html(String.join(", ", f.benches())))
                    .append("</td><td>");
            f.runsByVerdict().forEach((v, runs) -> h.append(badge(v)).append(' ').append(runs.size()).append(' '));
            h.append("</td><td>").append(html(f.likely())).append("</td><td>").append(html(f.why())).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n</section>\n");
    }

    private static void health(StringBuilder h, Analysis a) {
        h.append("<section>\n<h2>Bench health</h2>\n<p>Each bench's INCONCLUSIVE share of its verdicts (NOT APPLICABLE ")
                .append("aside) in this window; above ").append(History.percent(a.threshold()))
                .append(" a bench is suspect.</p>\n<table>\n<thead><tr><th>Bench</th><th>INCONCLUSIVE</th>")
                .append("<th>Verdicts</th><th>Runs</th><th></th></tr></thead>\n<tbody>\n");
        for (BenchHealth b : a.health()) {
            h.append("<tr><td>").append(html(b.benchId())).append("</td><td class=\"num\">")
                    .append(History.percent(b.rate())).append(" (").append(b.inconclusive()).append(")</td><td class=\"num\">")
                    .append(b.verdicts()).append("</td><td class=\"num\">").append(b.runs()).append("</td><td>")
                    .append(b.suspect() ? "<span class=\"suspect\">suspect: above the threshold</span>" : "")
                    .append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n</section>\n");
    }

    /** One plot per measurement (check and name), then one per check's duration, runs oldest left. */
    private static void trends(StringBuilder h, Analysis a) {
        List<RunRecord> oldest = new ArrayList<>(a.runs());
        java.util.Collections.reverse(oldest);
        List<String> labels = oldest.stream().map(r -> r.run().id()).toList();
        Map<String, List<double[]>> measured = new LinkedHashMap<>();
        Map<String, String> units = new LinkedHashMap<>();
        for (int i = 0; i < oldest.size(); i++) {
            Map<String, List<Double>> values = new LinkedHashMap<>();
            for (CheckResult c : oldest.get(i).checks()) {
                for (MeasurementResult m : c.measurements()) {
                    String key = m.name() + " (" + c.id() + ")";
                    units.putIfAbsent(key, m.unit());
                    if (m.unit().equals(units.get(key))) {
                        values.computeIfAbsent(key, k -> new ArrayList<>()).add(m.value());
                    }
                }
            }
            for (Map.Entry<String, List<Double>> e : values.entrySet()) {
                measured.computeIfAbsent(e.getKey(), k -> new ArrayList<>(java.util.Collections.nCopies(oldest.size(), null)))
                        .set(i, span(e.getValue()));
            }
        }
        h.append("<section id=\"trends\">\n<h2>Measurements over runs</h2>\n");
        if (measured.isEmpty()) {
            h.append("<p class=\"note\">No measurement in these runs.</p>\n");
        }
        measured.forEach((key, spans) -> {
            h.append("<h3>").append(html(key)).append("</h3>\n");
            Plots.trend(h, key, units.get(key), labels, spans);
        });
        h.append("<h2>Check durations over runs</h2>\n");
        for (String id : a.checks()) {
            List<double[]> spans = new ArrayList<>();
            for (RunRecord r : oldest) {
                double[] s = null;
                for (CheckResult c : r.checks()) {
                    if (c.id().equals(id) && c.start() != null) {
                        double sec = c.durationMs() / 1000.0;
                        s = new double[] {sec, sec, sec};
                    }
                }
                spans.add(s);
            }
            h.append("<h3>").append(html(id)).append("</h3>\n");
            Plots.trend(h, id + " duration", "s", labels, spans);
        }
        h.append("</section>\n");
    }

    private static double[] span(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new double[] {sorted.get(0), median, sorted.get(n - 1)};
    }

    private static String badge(Verdict v) {
        return v == null ? "" : "<span class=\"badge " + verdictClass(v) + "\">" + v.name().replace('_', ' ') + "</span>";
    }

    private static String verdictClass(Verdict v) {
        return "v-" + v.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
