package dev.starbench.report;

import dev.starbench.report.RunRecord.CheckResult;
import dev.starbench.report.RunRecord.Run;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a lab learns from many runs: the verdict matrix, regressions (and their reversals), flaky
 * checks and each bench's health. A pure function of the records, so the text and the page say
 * the same thing whichever database they came from.
 */
public final class History {

    /** The INCONCLUSIVE share above which a bench is named, unless the caller sets another. */
    public static final double DEFAULT_HEALTH_THRESHOLD = 0.2;

    /**
     * A check whose verdict changed between two consecutive runs of the same device model that ran it.
     *
     * @param previous the latest earlier run of the model that ran the check
     */
    public record Change(String checkId, String model, Run previous, Verdict was, Run now, Verdict is) {}

    /**
     * A check with different verdicts under the same firmware, fixture and profile.
     *
     * @param likely "bench", "device" or "check": where the instability most likely lies
     * @param why    the evidence for {@code likely}, in a sentence
     */
    public record Flaky(String checkId, String model, String firmware, String fixtureSha256, String profileSha256,
                        List<String> benches, Map<Verdict, List<String>> runsByVerdict, String likely, String why) {}

    /**
     * @param inconclusive INCONCLUSIVE verdicts of the bench in the window
     * @param verdicts     verdicts that said something about a device or the bench (NOT_APPLICABLE excluded)
     */
    public record BenchHealth(String benchId, int runs, int inconclusive, int verdicts, double rate, boolean suspect) {}

    /**
     * @param runs   newest first
     * @param checks every check id seen, in the order the newest runs list them
     */
    public record Analysis(List<RunRecord> runs, List<String> checks, List<Change> regressions, List<Change> fixes,
                           List<Flaky> flaky, List<BenchHealth> health, double threshold) {}

    private static final Comparator<RunRecord> OLDEST_FIRST = Comparator
            .comparing((RunRecord r) -> r.run().start(), Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(r -> r.run().id());

    private History() {}

    public static Analysis analyse(List<RunRecord> records, double threshold) {
        List<RunRecord> oldest = new ArrayList<>(records);
        oldest.sort(OLDEST_FIRST);
        List<RunRecord> newest = new ArrayList<>(oldest);
        java.util.Collections.reverse(newest);
        Set<String> checks = new LinkedHashSet<>();
        newest.forEach(r -> r.checks().forEach(c -> checks.add(c.id())));
        List<Change> regressions = new ArrayList<>();
        List<Change> fixes = new ArrayList<>();
        changes(oldest, regressions, fixes);
        java.util.Collections.reverse(regressions);
        java.util.Collections.reverse(fixes);
        return new Analysis(List.copyOf(newest), List.copyOf(checks), List.copyOf(regressions), List.copyOf(fixes),
                flaky(oldest), health(oldest, threshold), threshold);
    }

    /** Walks each model's runs in time order, keeping the last verdict of each check. */
    private static void changes(List<RunRecord> oldest, List<Change> regressions, List<Change> fixes) {
        Map<String, Map<String, RunRecord>> lastRunOfCheck = new HashMap<>();
        for (RunRecord r : oldest) {
            String model = model(r.run());
            Map<String, RunRecord> last = lastRunOfCheck.computeIfAbsent(model, m -> new HashMap<>());
            for (CheckResult c : r.checks()) {
                RunRecord before = last.get(c.id());
                if (before != null) {
                    Verdict was = verdictOf(before, c.id());
                    Change change = new Change(c.id(), model, before.run(), was, r.run(), c.verdict());
                    if (was == Verdict.PASS && c.verdict() == Verdict.FAIL) {
                        regressions.add(change);
                    } else if (was == Verdict.FAIL && c.verdict() == Verdict.PASS) {
                        fixes.add(change);
                    }
                }
                last.put(c.id(), r);
            }
        }
    }

    private static List<Flaky> flaky(List<RunRecord> oldest) {
        Map<List<String>, List<RunRecord>> groups = new LinkedHashMap<>();
        for (RunRecord r : oldest) {
            Run run = r.run();
            groups.computeIfAbsent(java.util.Arrays.asList(model(run), run.firmwareVersion(), run.fixtureSha256(),
                    run.profileSha256()), k -> new ArrayList<>()).add(r);
        }
        List<Flaky> out = new ArrayList<>();
        groups.forEach((key, runs) -> {
            Set<String> ids = new LinkedHashSet<>();
            runs.forEach(r -> r.checks().forEach(c -> ids.add(c.id())));
            for (String id : ids) {
                Map<Verdict, List<String>> byVerdict = new EnumMap<>(Verdict.class);
                List<CheckResult> results = new ArrayList<>();
                Map<String, Set<Verdict>> verdictsByBench = new HashMap<>();
                for (RunRecord r : runs) {
                    for (CheckResult c : r.checks()) {
                        if (c.id().equals(id) && c.verdict() != null) {
                            byVerdict.computeIfAbsent(c.verdict(), v -> new ArrayList<>()).add(r.run().id());
                            results.add(c);
                            verdictsByBench.computeIfAbsent(r.run().benchId(), b -> new LinkedHashSet<>()).add(c.verdict());
                        }
                    }
                }
                if (byVerdict.size() > 1) {
                    String[] cause = cause(byVerdict, results, verdictsByBench);
                    out.add(new Flaky(id, key.get(0), key.get(1), key.get(2), key.get(3),
                            verdictsByBench.keySet().stream().sorted().toList(), byVerdict, cause[0], cause[1]));
                }
            }
        });
        return List.copyOf(out);
    }

    /**
     * The INCONCLUSIVE reasons tell bench from device: the run listener writes "bench could not ..."
     * for a bench fault, "the check could not finish" when the device died (a death string), and
     * "check error" for a bug in the check. Without any INCONCLUSIVE, the same inputs gave PASS and
     * FAIL: the device answered differently.
     */
    private static String[] cause(Map<Verdict, List<String>> byVerdict, List<CheckResult> results,
                                  Map<String, Set<Verdict>> verdictsByBench) {
        List<CheckResult> inconclusive = results.stream().filter(c -> c.verdict() == Verdict.INCONCLUSIVE).toList();
        if (inconclusive.isEmpty()) {
            return new String[] {"device", "PASS and FAIL under the same firmware, fixture and profile, and no bench "
                    + "fault in between: the device answers differently from run to run"};
        }
        int bench = 0;
        int device = 0;
        int check = 0;
        String example = null;
        for (CheckResult c : inconclusive) {
            String reason = Objects.requireNonNullElse(c.reason(), "");
            if (reason.startsWith("check error")) {
                check++;
            } else if (reason.startsWith("the check could not finish")) {
                device++;
            } else {
                // "bench could not tell/be opened", "not run", an abort: the bench's side
                bench++;
            }
            if (example == null) {
                example = reason;
            }
        }
        String counts = inconclusive.size() + " INCONCLUSIVE: " + bench + " bench fault(s), " + device
                + " device death(s), " + check + " check error(s)";
        List<String> onlySomeBenches = verdictsByBench.entrySet().stream()
                .filter(e -> e.getValue().contains(Verdict.INCONCLUSIVE) && e.getValue().size() == 1)
                .map(Map.Entry::getKey).sorted().toList();
        String where = verdictsByBench.size() > 1 && !onlySomeBenches.isEmpty()
                && onlySomeBenches.size() < verdictsByBench.size()
                ? "; only bench " + String.join(", ", onlySomeBenches) + " could not tell" : "";
        String first = example == null || example.isEmpty() ? "" : " (e.g. \"" + shorten(example, 120) + "\")";
        if (check > bench && check > device) {
            return new String[] {"check", counts + first + where};
        }
        if (device > bench) {
            return new String[] {"device", counts + first + where};
        }
        return new String[] {"bench", counts + first + where};
    }

    private static List<BenchHealth> health(List<RunRecord> oldest, double threshold) {
        Map<String, int[]> byBench = new java.util.TreeMap<>();
        for (RunRecord r : oldest) {
            int[] n = byBench.computeIfAbsent(r.run().benchId(), b -> new int[3]);
            n[0]++;
            for (CheckResult c : r.checks()) {
                if (c.verdict() != Verdict.NOT_APPLICABLE) {
                    n[2]++;
                    if (c.verdict() == Verdict.INCONCLUSIVE) {
                        n[1]++;
                    }
                }
            }
        }
        List<BenchHealth> out = new ArrayList<>();
        byBench.forEach((bench, n) -> {
            double rate = n[2] == 0 ? 0 : (double) n[1] / n[2];
            out.add(new BenchHealth(bench, n[0], n[1], n[2], rate, rate > threshold));
        });
        return List.copyOf(out);
    }

    static Verdict verdictOf(RunRecord r, String checkId) {
        for (CheckResult c : r.checks()) {
            if (c.id().equals(checkId)) {
                return c.verdict();
            }
        }
        return null;
    }

    /** The model names a device line; without one, the device name stands in. */
    static String model(Run run) {
        return run.deviceModel() != null && !run.deviceModel().isBlank() ? run.deviceModel()
                : Objects.requireNonNullElse(run.deviceName(), "(unnamed device)");
    }

    static String letter(Verdict v) {
        if (v == null) {
            return " ";
        }
        return switch (v) {
            case PASS -> "P";
            case FAIL -> "F";
            case INCONCLUSIVE -> "I";
            case NOT_APPLICABLE -> "-";
        };
    }

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    static String when(Run run) {
        return run.start() == null ? "?" : WHEN.format(run.start());
    }

    static String percent(double rate) {
        return String.format(Locale.ROOT, "%.0f %%", rate * 100);
    }

    static String describe(Run run) {
        return "run " + run.id() + " (firmware " + Objects.requireNonNullElse(run.firmwareVersion(), "?") + ", bench "
                + run.benchId() + ", " + when(run) + ")";
    }

    /** The terminal's view: DUT-supplied names are cleaned of terminal controls. */
    public static String text(Analysis a, int maxRuns) {
        StringBuilder t = new StringBuilder();
        if (a.runs().isEmpty()) {
            return "No run in the history for this selection.\n";
        }
        List<RunRecord> shown = a.runs().subList(0, Math.min(maxRuns, a.runs().size()));
        t.append("Verdict matrix (").append(a.runs().size()).append(" run(s), newest first")
                .append(shown.size() < a.runs().size() ? ", the newest " + shown.size() + " shown" : "")
                .append("; P PASS, F FAIL, I INCONCLUSIVE, - NOT APPLICABLE, blank: not run)\n");
        int width = Math.max(12, a.checks().stream().mapToInt(String::length).max().orElse(0));
        t.append(String.format(Locale.ROOT, "  %-" + width + "s", "check"));
        for (int i = 0; i < shown.size(); i++) {
            t.append(String.format(Locale.ROOT, " %3s", "#" + (i + 1)));
        }
        t.append('\n');
        for (String id : a.checks()) {
            t.append(String.format(Locale.ROOT, "  %-" + width + "s", clean(id)));
            for (RunRecord r : shown) {
                t.append(String.format(Locale.ROOT, " %3s", letter(verdictOf(r, id))));
            }
            t.append('\n');
        }
        for (int i = 0; i < shown.size(); i++) {
            Run run = shown.get(i).run();
            t.append(String.format(Locale.ROOT, "  #%-3d %s  %s  bench %s  %s %s  %s%n", i + 1, clean(run.id()), when(run),
                    clean(run.benchId()), clean(model(run)), clean(Objects.requireNonNullElse(run.firmwareVersion(), "?")),
                    Objects.requireNonNullElse(run.outcome(), "?").toUpperCase(Locale.ROOT)));
        }
        t.append("\nRegressions (PASS on the previous run of the same model, FAIL now): ")
                .append(a.regressions().isEmpty() ? "none\n" : a.regressions().size() + "\n");
        a.regressions().forEach(c -> t.append("  REGRESSION ").append(change(c)).append('\n'));
        t.append("Fixed (FAIL on the previous run of the same model, PASS now): ")
                .append(a.fixes().isEmpty() ? "none\n" : a.fixes().size() + "\n");
        a.fixes().forEach(c -> t.append("  FIXED ").append(change(c)).append('\n'));
        t.append("Flaky checks (verdicts differ under the same firmware, fixture and profile): ")
                .append(a.flaky().isEmpty() ? "none\n" : a.flaky().size() + "\n");
        for (Flaky f : a.flaky()) {
            t.append("  FLAKY ").append(clean(f.checkId())).append(" on ").append(clean(f.model())).append(' ')
                    .append(clean(Objects.requireNonNullElse(f.firmware(), "?"))).append(" (bench ")
                    .append(clean(String.join(", ", f.benches()))).append("): ");
            List<String> parts = new ArrayList<>();
            f.runsByVerdict().forEach((v, runs) -> parts.add(v + " in " + runs.size()));
            t.append(String.join(", ", parts)).append("; ").append(f.likely()).append(" more likely: ")
                    .append(clean(f.why())).append('\n');
        }
        t.append("Bench health (INCONCLUSIVE share of the verdicts, NOT_APPLICABLE aside; threshold ")
                .append(percent(a.threshold())).append("):\n");
        for (BenchHealth h : a.health()) {
            t.append(String.format(Locale.ROOT, "  %-20s %5s  (%d of %d verdicts, %d run(s))%s%n", clean(h.benchId()),
                    percent(h.rate()), h.inconclusive(), h.verdicts(), h.runs(),
                    h.suspect() ? "  SUSPECT: bench " + clean(h.benchId()) + " is above the threshold; check it before "
                            + "trusting its verdicts" : ""));
        }
        return t.toString();
    }

    private static String change(Change c) {
        return clean(c.checkId()) + " on " + clean(c.model()) + ": " + c.was() + " in " + clean(describe(c.previous()))
                + " -> " + c.is() + " in " + clean(describe(c.now()));
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static String clean(String s) {
        return Text.clean(s);
    }
}
