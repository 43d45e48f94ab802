package dev.starbench.report;

import static dev.starbench.report.Text.html;

import dev.starbench.report.RunRecord.CheckResult;
import dev.starbench.report.RunRecord.MeasurementResult;
import dev.starbench.report.RunRecord.PowerEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's inline SVG plots, drawn from the record alone: numbers in the root locale and
 * rounded to 0.1 px, so the same record always gives the same bytes.
 */
final class Plots {

    private Plots() {}

    static final String BOOT_TIME = "boot-time";
    /** The prefix of the auth checks' per-attempt answer times: {@code login.ssh-22}. */
    static final String LOGIN = "login.";
    private static final int WIDTH = 960;
    private static final int LEFT = 190;
    private static final int RIGHT = 16;

    /** Checks on a time axis over green bands where the DUT was powered. */
    static void timeline(StringBuilder h, RunRecord r) {
        RunRecord.Run run = r.run();
        List<CheckResult> checks = r.checks().stream().filter(c -> c.start() != null).toList();
        if (run.start() == null || run.end() == null) {
            h.append("<p class=\"note\">No timeline: the journal has no start or end.</p>\n");
            return;
        }
        Instant t0 = run.start();
        double span = Math.max(1, Duration.between(t0, run.end()).toMillis());
        int n = Math.max(1, checks.size());
        double lane = n <= 30 ? 18 : Math.max(3, 540.0 / n);
        boolean labels = lane >= 14;
        double top = 8;
        double plotH = lane * n;
        int height = (int) Math.ceil(top + plotH + 44);
        double plotW = WIDTH - LEFT - RIGHT;
        h.append("<svg class=\"plot timeline\" role=\"img\" aria-label=\"Run timeline\" viewBox=\"0 0 ").append(WIDTH)
                .append(' ').append(height).append("\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\">\n");
        // Power bands first, so the check bars lie on top of them.
        Instant on = null;
        List<Instant[]> bands = new ArrayList<>();
        for (PowerEvent p : r.power()) {
            if ("on".equals(p.state()) && on == null) {
                on = p.timestamp();
            } else if (("off".equals(p.state()) || "unknown".equals(p.state())) && on != null) {
                // the band shows only what the switch confirmed
                bands.add(new Instant[] {on, p.timestamp()});
                on = null;
            }
        }
        if (on != null) {
            bands.add(new Instant[] {on, run.end()});
        }
        for (Instant[] b : bands) {
            double x0 = LEFT + plotW * ms(t0, b[0]) / span;
            double x1 = LEFT + plotW * ms(t0, b[1]) / span;
            h.append("<rect class=\"power-on\" x=\"").append(f(x0)).append("\" y=\"").append(f(top))
                    .append("\" width=\"").append(f(Math.max(0.5, x1 - x0))).append("\" height=\"").append(f(plotH))
                    .append("\"><title>DUT powered ").append(html(b[0].toString())).append(" to ")
                    .append(html(b[1].toString())).append("</title></rect>\n");
        }
        for (int i = 0; i < checks.size(); i++) {
            CheckResult c = checks.get(i);
            double y = top + i * lane;
            double x0 = LEFT + plotW * ms(t0, c.start()) / span;
            double w = Math.max(1.5, plotW * c.durationMs() / span);
            if (labels) {
                h.append("<text class=\"lane-label\" x=\"").append(LEFT - 6).append("\" y=\"").append(f(y + lane * 0.7))
                        .append("\" text-anchor=\"end\">").append(html(ellipsis(c.id(), 28))).append("</text>\n");
            }
            h.append("<rect class=\"bar ").append(verdictClass(c.verdict())).append("\" x=\"").append(f(x0))
                    .append("\" y=\"").append(f(y + lane * 0.15)).append("\" width=\"").append(f(w))
                    .append("\" height=\"").append(f(lane * 0.7)).append("\"><title>").append(html(c.id())).append(": ")
                    .append(c.verdict() == null ? "" : c.verdict().name()).append(", ")
                    .append(HtmlReport.duration(c.durationMs())).append("</title></rect>\n");
        }
        axis(h, top + plotH, plotW, span);
        double ly = top + plotH + 38;
        h.append("<rect class=\"power-on\" x=\"").append(LEFT).append("\" y=\"").append(f(ly - 9))
                .append("\" width=\"14\" height=\"10\"/><text class=\"legend\" x=\"").append(LEFT + 18).append("\" y=\"")
                .append(f(ly)).append("\">DUT powered</text>\n");
        int lx = LEFT + 120;
        for (Verdict v : Verdict.values()) {
            h.append("<rect class=\"bar ").append(verdictClass(v)).append("\" x=\"").append(lx).append("\" y=\"")
                    .append(f(ly - 9)).append("\" width=\"14\" height=\"10\"/><text class=\"legend\" x=\"").append(lx + 18)
                    .append("\" y=\"").append(f(ly)).append("\">").append(v.name().replace('_', ' ')).append("</text>\n");
            lx += 130;
        }
        h.append("</svg>\n");
    }

    /**
     * Power-on to prompt for every power cycle that has a {@code boot-time} measurement: the cycle
     * is the count of power-on events up to the measurement, so the bars line up with the journal.
     */
    static void bootTimes(StringBuilder h, RunRecord r) {
        List<double[]> points = new ArrayList<>();
        Double limit = null;
        List<MeasurementResult> all = new ArrayList<>();
        for (CheckResult c : r.checks()) {
            all.addAll(c.measurements());
        }
        all.sort((a, b) -> a.timestamp().compareTo(b.timestamp()));
        for (MeasurementResult m : all) {
            Double seconds = seconds(m.value(), m.unit());
            if (!BOOT_TIME.equals(m.name()) || seconds == null) {
                continue;
            }
            int cycle = 0;
            for (PowerEvent p : r.power()) {
                if ("on".equals(p.state()) && !p.timestamp().isAfter(m.timestamp())) {
                    cycle++;
                }
            }
            points.add(new double[] {cycle, seconds, m.outcome() == Measurement.Outcome.FAIL ? 1 : 0});
            if (m.high() != null) {
                limit = seconds(m.high(), m.unit());
            }
        }
        if (points.isEmpty()) {
            h.append("<p class=\"note\">No boot-time measurement in this run (a check records one when it ")
                    .append("power-cycles the DUT and reaches a prompt).</p>\n");
            return;
        }
        double max = points.stream().mapToDouble(p -> p[1]).max().orElse(1);
        if (limit != null && limit <= max * 1.5) {
            max = Math.max(max, limit);
        } else {
            limit = null;
        }
        max = nice(max * 1.1);
        int height = 240;
        double top = 10;
        double plotH = 180;
        double plotW = WIDTH - LEFT - RIGHT;
        h.append("<svg class=\"plot boot-times\" role=\"img\" aria-label=\"Boot time per power cycle\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(height).append("\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\">\n");
        yGrid(h, top, plotH, max, "s");
        double slot = plotW / points.size();
        double bar = Math.min(48, slot * 0.7);
        for (int i = 0; i < points.size(); i++) {
            double[] p = points.get(i);
            double bh = plotH * p[1] / max;
            double x = LEFT + slot * i + (slot - bar) / 2;
            h.append("<rect class=\"boot").append(p[2] > 0 ? " over" : "").append("\" x=\"").append(f(x)).append("\" y=\"")
                    .append(f(top + plotH - bh)).append("\" width=\"").append(f(bar)).append("\" height=\"").append(f(bh))
                    .append("\"><title>power cycle ").append((long) p[0]).append(": ").append(num(p[1]))
                    .append(" s</title></rect>\n");
            if (points.size() <= 40) {
                h.append("<text class=\"tick\" x=\"").append(f(x + bar / 2)).append("\" y=\"").append(f(top + plotH + 16))
                        .append("\" text-anchor=\"middle\">#").append((long) p[0]).append("</text>\n");
            }
        }
        limitLine(h, top, plotH, max, limit, "limit " + (limit == null ? "" : num(limit) + " s"));
        h.append("<text class=\"legend\" x=\"").append(LEFT).append("\" y=\"").append(height - 8)
                .append("\">power cycle (count of power-on events in the journal); bar: power-on to prompt</text>\n");
        h.append("</svg>\n");
    }

    /**
     * Every login attempt's answer time, one panel per surface ({@code login.<surface>} measurements, in
     * the order they were taken, across checks): a dot per attempt, red when a failure came back faster
     * than the surface's minimum failure delay (its limit line), green when it did not. Nothing when the
     * run tried no login.
     */
    static void loginAnswers(StringBuilder h, RunRecord r) {
        java.util.Map<String, List<MeasurementResult>> bySurface = new java.util.TreeMap<>();
        List<MeasurementResult> all = new ArrayList<>();
        for (CheckResult c : r.checks()) {
            all.addAll(c.measurements());
        }
        all.sort((a, b) -> a.timestamp().compareTo(b.timestamp()));
        for (MeasurementResult m : all) {
            if (m.name().startsWith(LOGIN) && seconds(m.value(), m.unit()) != null) {
                bySurface.computeIfAbsent(m.name().substring(LOGIN.length()), k -> new ArrayList<>()).add(m);
            }
        }
        if (bySurface.isEmpty()) {
            return;
        }
        h.append("<h2>Login answer times per surface</h2>\n");
        double panel = 110;
        double gap = 28;
        int height = (int) Math.ceil(bySurface.size() * (panel + gap) + 24);
        double plotW = WIDTH - LEFT - RIGHT;
        h.append("<svg class=\"plot logins\" role=\"img\" aria-label=\"Login answer times per surface\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(height).append("\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\">\n");
        double top = 8;
        for (var e : bySurface.entrySet()) {
            List<MeasurementResult> ms = e.getValue();
            double max = 0;
            Double limit = null;
            for (MeasurementResult m : ms) {
                max = Math.max(max, seconds(m.value(), m.unit()));
                if (m.low() != null) {
                    limit = seconds(m.low(), m.unit());
                }
            }
            if (limit != null) {
                max = Math.max(max, limit);
            }
            max = nice(max * 1.1);
            h.append("<text class=\"lane-label\" x=\"").append(LEFT - 6).append("\" y=\"").append(f(top + panel / 2))
                    .append("\" text-anchor=\"end\">").append(html(e.getKey())).append("</text>\n");
            for (int k = 0; k <= 2; k++) {
                double y = top + panel - panel * k / 2;
                h.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                        .append(f(y)).append("\" y2=\"").append(f(y)).append("\"/><text class=\"tick\" x=\"").append(LEFT + 4)
                        .append("\" y=\"").append(f(y - 3)).append("\">").append(num(max * k / 2)).append(" s</text>\n");
            }
            if (limit != null) {
                double y = top + panel - panel * limit / max;
                h.append("<line class=\"limit\" x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT)
                        .append("\" y1=\"").append(f(y)).append("\" y2=\"").append(f(y)).append("\"><title>minimum failure delay ")
                        .append(num(limit)).append(" s</title></line>\n");
            }
            double slot = plotW / Math.max(1, ms.size());
            for (int i = 0; i < ms.size(); i++) {
                MeasurementResult m = ms.get(i);
                double v = seconds(m.value(), m.unit());
                String kind = m.outcome() == Measurement.Outcome.FAIL ? " fast" : m.outcome() == Measurement.Outcome.PASS ? " slow" : "";
                h.append("<circle class=\"attempt").append(kind).append("\" cx=\"").append(f(LEFT + slot * i + slot / 2))
                        .append("\" cy=\"").append(f(top + panel - panel * v / max)).append("\" r=\"2.5\"><title>attempt ")
                        .append(i + 1).append(": ").append(num(v)).append(" s</title></circle>\n");
            }
            h.append("<text class=\"legend\" x=\"").append(WIDTH - RIGHT).append("\" y=\"").append(f(top + panel + 14))
                    .append("\" text-anchor=\"end\">").append(ms.size()).append(" attempts, in order</text>\n");
            top += panel + gap;
        }
        h.append("<text class=\"legend\" x=\"").append(LEFT).append("\" y=\"").append(height - 6)
                .append("\">dot: one login attempt's answer time; dashed: the minimum failure delay; red: a failure answered"
                        + " faster than it</text>\n");
        h.append("</svg>\n");
    }

    /**
     * One value per run over runs, oldest left: the median as a line with dots, and the range of a
     * run's values (several boots in one run) as a whisker. A null entry is a run without a value.
     *
     * @param runs  x-axis labels, oldest first
     * @param spans per run {min, median, max}, or null
     */
    static void trend(StringBuilder h, String title, String unit, List<String> runs, List<double[]> spans) {
        double max = 0;
        for (double[] s : spans) {
            if (s != null) {
                max = Math.max(max, s[2]);
            }
        }
        max = nice(max <= 0 ? 1 : max * 1.1);
        int height = 200;
        double top = 10;
        double plotH = 140;
        double plotW = WIDTH - LEFT - RIGHT;
        double slot = plotW / Math.max(1, runs.size());
        h.append("<svg class=\"plot trend\" role=\"img\" aria-label=\"").append(html(title)).append("\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(height).append("\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\">\n");
        yGrid(h, top, plotH, max, html(unit));
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < runs.size(); i++) {
            double[] s = spans.get(i);
            double x = LEFT + slot * i + slot / 2;
            if (runs.size() <= 30) {
                h.append("<text class=\"tick\" x=\"").append(f(x)).append("\" y=\"").append(f(top + plotH + 16))
                        .append("\" text-anchor=\"middle\">#").append(runs.size() - i).append("</text>\n");
            }
            if (s == null) {
                continue;
            }
            double y = top + plotH - plotH * s[1] / max;
            line.append(line.length() == 0 ? "M" : " L").append(f(x)).append(' ').append(f(y));
            if (s[2] > s[0]) {
                h.append("<line class=\"whisker\" x1=\"").append(f(x)).append("\" x2=\"").append(f(x)).append("\" y1=\"")
                        .append(f(top + plotH - plotH * s[0] / max)).append("\" y2=\"")
                        .append(f(top + plotH - plotH * s[2] / max)).append("\"/>\n");
            }
            h.append("<circle class=\"dot\" cx=\"").append(f(x)).append("\" cy=\"").append(f(y)).append("\" r=\"3\"><title>")
                    .append(html(runs.get(i))).append(": ").append(num(s[1])).append(' ').append(html(unit))
                    .append(s[2] > s[0] ? " (" + num(s[0]) + " to " + num(s[2]) + ")" : "").append("</title></circle>\n");
        }
        if (line.length() > 0) {
            h.append("<path class=\"trend-line\" d=\"").append(line).append("\"/>\n");
        }
        h.append("<text class=\"legend\" x=\"").append(LEFT).append("\" y=\"").append(height - 8)
                .append("\">run (#1 newest); dot: median of the run, whisker: its range</text>\n</svg>\n");
    }

    /** A check's measurement of the power-cut soak: where a cut fell, ms after power-on. */
    static final String CUT_POINT = "cut-point";
    /** Power-on to the cloud CONNECT, for a soak whose normal state is its cloud connection. */
    static final String CONNECT_TIME = "connect-time";
    /** A device's wait between two connection attempts during a cloud outage, per how the cloud answered the next. */
    static final String RETRY_GAP = "retry-gap.";
    static final String MIN_RETRY_INTERVAL = "min-retry-interval";

    /** The plots a check's own measurements call for, in its section; nothing when it has none of them. */
    static void ofCheck(StringBuilder h, CheckResult c) {
        if (c.measurements().stream().anyMatch(m -> m.name().equals(CUT_POINT))) {
            h.append("<h3>Boot time after each power cut</h3>\n");
            soak(h, c);
        }
        if (c.measurements().stream().anyMatch(m -> m.name().startsWith(RETRY_GAP))) {
            h.append("<h3>Waits between reconnection attempts</h3>\n");
            retryGaps(h, c);
        }
    }

    /**
     * Per cut: the cut point (a tick, ms after power-on) and the time the next boot took to its normal
     * state (a bar, red over its limit); a cut after which no boot came is marked "no boot". A boot
     * belongs to the cut before it: the first boot-time or connect-time after a cut-point.
     */
    private static void soak(StringBuilder h, CheckResult c) {
        List<MeasurementResult> all = new ArrayList<>(c.measurements());
        all.sort((a, b) -> a.timestamp().compareTo(b.timestamp()));
        List<double[]> cuts = new ArrayList<>();
        Double limit = null;
        for (MeasurementResult m : all) {
            Double sec = seconds(m.value(), m.unit());
            if (sec == null) {
                continue;
            }
            if (m.name().equals(CUT_POINT)) {
                cuts.add(new double[] {sec, Double.NaN, 0});
            } else if ((m.name().equals(BOOT_TIME) || m.name().equals(CONNECT_TIME)) && !cuts.isEmpty()
                    && Double.isNaN(cuts.get(cuts.size() - 1)[1])) {
                double[] last = cuts.get(cuts.size() - 1);
                last[1] = sec;
                last[2] = m.outcome() == Measurement.Outcome.FAIL ? 1 : 0;
                if (m.high() != null) {
                    limit = seconds(m.high(), m.unit());
                }
            }
        }
        double max = 0;
        for (double[] p : cuts) {
            max = Math.max(max, Math.max(p[0], Double.isNaN(p[1]) ? 0 : p[1]));
        }
        if (limit != null && limit <= max * 1.5) {
            max = Math.max(max, limit);
        } else {
            limit = null;
        }
        max = nice(max * 1.1);
        int height = 250;
        double top = 10;
        double plotH = 180;
        double plotW = WIDTH - LEFT - RIGHT;
        h.append("<svg class=\"plot soak\" role=\"img\" aria-label=\"Boot time after each power cut\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(height).append("\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\">\n");
        yGrid(h, top, plotH, max, "s");
        double slot = plotW / cuts.size();
        double bar = Math.min(40, slot * 0.6);
        for (int i = 0; i < cuts.size(); i++) {
            double[] p = cuts.get(i);
            double x = LEFT + slot * i + (slot - bar) / 2;
            if (Double.isNaN(p[1])) {
                h.append("<text class=\"no-boot\" x=\"").append(f(x + bar / 2)).append("\" y=\"").append(f(top + plotH - 4))
                        .append("\" text-anchor=\"middle\">no boot<title>cut ").append(i + 1).append(" at ").append(num(p[0]))
                        .append(" s: the device did not come back</title></text>\n");
            } else {
                double bh = plotH * p[1] / max;
                h.append("<rect class=\"boot").append(p[2] > 0 ? " over" : "").append("\" x=\"").append(f(x)).append("\" y=\"")
                        .append(f(top + plotH - bh)).append("\" width=\"").append(f(bar)).append("\" height=\"").append(f(bh))
                        .append("\"><title>cut ").append(i + 1).append(" at ").append(num(p[0])).append(" s; boot after it: ")
                        .append(num(p[1])).append(" s</title></rect>\n");
            }
            double y = top + plotH - plotH * p[0] / max;
            h.append("<line class=\"cut\" x1=\"").append(f(x - 4)).append("\" x2=\"").append(f(x + bar + 4)).append("\" y1=\"")
                    .append(f(y)).append("\" y2=\"").append(f(y)).append("\"><title>cut ").append(i + 1).append(" at ")
                    .append(num(p[0])).append(" s after power-on</title></line>\n");
            if (cuts.size() <= 40) {
                h.append("<text class=\"tick\" x=\"").append(f(x + bar / 2)).append("\" y=\"").append(f(top + plotH + 16))
                        .append("\" text-anchor=\"middle\">#").append(i + 1).append("</text>\n");
            }
        }
        limitLine(h, top, plotH, max, limit, "limit " + (limit == null ? "" : num(limit) + " s"));
        h.append("<text class=\"legend\" x=\"").append(LEFT).append("\" y=\"").append(height - 8)
                .append("\">cut (in order); black tick: when power was cut after power-on; bar: the boot after it, power-on to normal state</text>\n");
        h.append("</svg>\n");
    }

    /** Each wait between two attempts, in order, coloured by how the cloud answered the attempt that ended it. */
    private static void retryGaps(StringBuilder h, CheckResult c) {
        List<MeasurementResult> gaps = new ArrayList<>();
        Double floor = null;
        for (MeasurementResult m : c.measurements()) {
            if (m.name().startsWith(RETRY_GAP) && seconds(m.value(), m.unit()) != null) {
                gaps.add(m);
            } else if (m.name().equals(MIN_RETRY_INTERVAL)) {
                floor = seconds(m.value(), m.unit());
            }
        }
        gaps.sort((a, b) -> a.timestamp().compareTo(b.timestamp()));
        double max = 0;
        for (MeasurementResult m : gaps) {
            max = Math.max(max, seconds(m.value(), m.unit()));
        }
        if (floor != null) {
            max = Math.max(max, floor);
        }
        max = nice(max * 1.1);
        int height = 250;
        double top = 10;
        double plotH = 180;
        double plotW = WIDTH - LEFT - RIGHT;
        h.append("<svg class=\"plot retry-gaps\" role=\"img\" aria-label=\"Waits between reconnection attempts\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(height).append("\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\">\n");
        yGrid(h, top, plotH, max, "s");
        double slot = plotW / Math.max(1, gaps.size());
        double bar = Math.max(1, Math.min(40, slot * 0.7));
        for (int i = 0; i < gaps.size(); i++) {
            MeasurementResult m = gaps.get(i);
            double sec = seconds(m.value(), m.unit());
            double bh = plotH * sec / max;
            String phase = m.name().substring(RETRY_GAP.length()).replaceAll("[^a-z0-9-]", "");
            double x = LEFT + slot * i + (slot - bar) / 2;
            h.append("<rect class=\"gap gap-").append(phase).append("\" x=\"").append(f(x)).append("\" y=\"")
                    .append(f(top + plotH - bh)).append("\" width=\"").append(f(bar)).append("\" height=\"").append(f(Math.max(0.5, bh)))
                    .append("\"><title>wait ").append(i + 1).append(": ").append(num(sec)).append(" s, then an attempt the cloud ")
                    .append(phase.equals("refused") ? "refused" : phase.equals("black-holed") ? "black-holed" : "served")
                    .append("</title></rect>\n");
        }
        limitLine(h, top, plotH, max, floor, "minimum retry interval " + (floor == null ? "" : num(floor) + " s"));
        double ly = height - 8;
        h.append("<rect class=\"gap gap-refused\" x=\"").append(LEFT).append("\" y=\"").append(f(ly - 9))
                .append("\" width=\"14\" height=\"10\"/><text class=\"legend\" x=\"").append(LEFT + 18).append("\" y=\"")
                .append(f(ly)).append("\">before a refused attempt (TCP reset)</text>\n<rect class=\"gap gap-black-holed\" x=\"")
                .append(LEFT + 260).append("\" y=\"").append(f(ly - 9)).append("\" width=\"14\" height=\"10\"/><text class=\"legend\" x=\"")
                .append(LEFT + 278).append("\" y=\"").append(f(ly)).append("\">before a black-holed attempt (never answered)</text>\n");
        h.append("</svg>\n");
    }

    private static void yGrid(StringBuilder h, double top, double plotH, double max, String unit) {
        for (int k = 0; k <= 4; k++) {
            double v = max * k / 4;
            double y = top + plotH - plotH * k / 4;
            h.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                    .append(f(y)).append("\" y2=\"").append(f(y)).append("\"/><text class=\"tick\" x=\"").append(LEFT - 6)
                    .append("\" y=\"").append(f(y + 4)).append("\" text-anchor=\"end\">").append(num(v)).append(' ')
                    .append(unit).append("</text>\n");
        }
    }

    private static void limitLine(StringBuilder h, double top, double plotH, double max, Double value, String label) {
        if (value == null) {
            return;
        }
        double y = top + plotH - plotH * value / max;
        h.append("<line class=\"limit\" x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                .append(f(y)).append("\" y2=\"").append(f(y)).append("\"/><text class=\"legend\" x=\"")
                .append(WIDTH - RIGHT).append("\" y=\"").append(f(y - 4)).append("\" text-anchor=\"end\">")
                .append(html(label)).append("</text>\n");
    }

    private static void axis(StringBuilder h, double y, double plotW, double spanMs) {
        h.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                .append(f(y)).append("\" y2=\"").append(f(y)).append("\"/>\n");
        double step = nice(spanMs / 6);
        for (double t = 0; t <= spanMs + 1e-9; t += step) {
            double x = LEFT + plotW * t / spanMs;
            h.append("<line class=\"axis\" x1=\"").append(f(x)).append("\" x2=\"").append(f(x)).append("\" y1=\"")
                    .append(f(y)).append("\" y2=\"").append(f(y + 4)).append("\"/><text class=\"tick\" x=\"").append(f(x))
                    .append("\" y=\"").append(f(y + 16)).append("\" text-anchor=\"middle\">").append(num(t / 1000))
                    .append(" s</text>\n");
        }
    }

    /** 1, 2 or 5 times a power of ten, at least v. */
    static double nice(double v) {
        if (v <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static Double seconds(double value, String unit) {
        return switch (unit) {
            case "s" -> value;
            case "ms" -> value / 1000;
            default -> null;
        };
    }

    private static long ms(Instant t0, Instant t) {
        return Math.max(0, Duration.between(t0, t).toMillis());
    }

    private static String verdictClass(Verdict v) {
        return v == null ? "" : "v-" + v.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String ellipsis(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String num(double v) {
        return Measurement.number(Math.round(v * 1000) / 1000.0);
    }
}
