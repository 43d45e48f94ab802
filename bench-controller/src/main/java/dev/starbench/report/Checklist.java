package dev.starbench.report;

import dev.starbench.report.RunRecord.CheckResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The JC-STAR ★1 self-assessment as the run leaves it: every item of {@code star1-checklist.tsv}
 * (S1.1-01 … S1.1-16) with a status. Checks that name an item give it an automated verdict (the
 * worst of theirs); what the bench cannot see waits for a technician or a document reference,
 * which {@link ChecklistAnswers} merges in.
 */
public final class Checklist {

    public enum Mode { AUTO, ASSISTED, DOCUMENT }

    public enum Status {
        PASS("PASS"), FAIL("FAIL"), INCONCLUSIVE("INCONCLUSIVE"), NOT_APPLICABLE("NOT APPLICABLE"),
        NEEDS_EVIDENCE("needs technician evidence"), DOCUMENT_REVIEW("document review");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        static Status of(Verdict v) {
            return Status.valueOf(v.name());
        }
    }

    /** @param secret a value never shown, only whether it was given */
    public record Field(String name, String label, boolean secret) {}

    /** A check that names the item, with its verdict and its index in the record (1-based). */
    public record CheckRef(String id, Verdict verdict, int index) {}

    /**
     * @param answers    field name to the value a person gave, in field order
     * @param answeredBy the technician's verdict, or null
     */
    public record Item(String id, String requirement, String etsi, Mode mode, List<Field> fields,
                       List<CheckRef> checks, Status status, Map<String, String> answers,
                       Verdict answeredBy, String note) {

        /** The automated verdict: the worst of the checks naming the item; null when none did. */
        public Verdict automated() {
            return worst(checks.stream().map(CheckRef::verdict).toList());
        }

        public String source() {
            boolean auto = !checks.isEmpty();
            boolean person = answeredBy != null;
            return auto && person ? "bench and technician" : auto ? "bench" : person ? "technician" : "open";
        }
    }

    /** @param technician who answered, or null without answers */
    public record Sheet(RunRecord record, List<Item> items, String technician, String answersFile) {
        public long count(Status s) {
            return items.stream().filter(i -> i.status() == s).count();
        }
    }

    record Row(String id, String requirement, String etsi, Mode mode, List<Field> fields) {}

    static final List<Row> ROWS = load();

    private Checklist() {}

    public static List<String> ids() {
        return ROWS.stream().map(Row::id).toList();
    }

    static Row row(String id) {
        return ROWS.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
    }

    /** The checklist as the record alone leaves it. */
    public static Sheet of(RunRecord record) {
        return merge(record, Map.of(), null, null);
    }

    static Sheet merge(RunRecord record, Map<String, ChecklistAnswers.Answer> answers, String technician, String file) {
        List<Item> items = new ArrayList<>();
        for (Row row : ROWS) {
            List<CheckRef> refs = new ArrayList<>();
            List<CheckResult> checks = record.checks();
            for (int i = 0; i < checks.size(); i++) {
                if (checks.get(i).requirements().contains(row.id())) {
                    refs.add(new CheckRef(checks.get(i).id(), checks.get(i).verdict(), i + 1));
                }
            }
            ChecklistAnswers.Answer a = answers.get(row.id());
            Map<String, String> given = a == null ? Map.of() : a.values();
            Verdict person = a == null ? null : a.verdict();
            Verdict auto = worst(refs.stream().map(CheckRef::verdict).toList());
            items.add(new Item(row.id(), row.requirement(), row.etsi(), row.mode(), row.fields(), refs,
                    status(row.mode(), auto, person), given, person, a == null ? null : a.note()));
        }
        return new Sheet(record, items, technician, file);
    }

    private static Status status(Mode mode, Verdict auto, Verdict person) {
        if (auto == Verdict.FAIL) {
            return Status.FAIL;
        }
        if (person != null) {
            return Status.of(auto == null ? person : worst(List.of(auto, person)));
        }
        return switch (mode) {
            case AUTO -> auto != null ? Status.of(auto) : Status.NEEDS_EVIDENCE;
            case ASSISTED -> Status.NEEDS_EVIDENCE;
            case DOCUMENT -> Status.DOCUMENT_REVIEW;
        };
    }

    /** FAIL over INCONCLUSIVE over PASS over NOT_APPLICABLE; null for none. */
    static Verdict worst(List<Verdict> verdicts) {
        Verdict w = null;
        for (Verdict v : verdicts) {
            if (w == null || rank(v) > rank(w)) {
                w = v;
            }
        }
        return w;
    }

    private static int rank(Verdict v) {
        return switch (v) {
            case NOT_APPLICABLE -> 0;
            case PASS -> 1;
            case INCONCLUSIVE -> 2;
            case FAIL -> 3;
        };
    }

    private static List<Row> load() {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = Objects.requireNonNull(Checklist.class.getResourceAsStream("star1-checklist.tsv"),
                "star1-checklist.tsv missing from the classpath");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            int n = 0;
            for (String line; (line = r.readLine()) != null; ) {
                n++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] c = line.split("\t", -1);
                if (c.length != 5) {
                    throw new IllegalStateException("star1-checklist.tsv:" + n + ": expected 5 tab-separated columns, found " + c.length);
                }
                List<Field> fields = new ArrayList<>();
                for (String f : c[4].split(";")) {
                    if (f.isBlank()) {
                        continue;
                    }
                    int eq = f.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalStateException("star1-checklist.tsv:" + n + ": field '" + f + "' is not name=label");
                    }
                    String name = f.substring(0, eq).strip();
                    boolean secret = name.endsWith("!");
                    fields.add(new Field(secret ? name.substring(0, name.length() - 1) : name, f.substring(eq + 1).strip(), secret));
                }
                rows.add(new Row(c[0].strip(), c[1].strip(), c[2].strip(),
                        Mode.valueOf(c[3].strip().toUpperCase(java.util.Locale.ROOT)), List.copyOf(fields)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(rows);
    }

    static Map<String, Row> rowsById() {
        Map<String, Row> m = new LinkedHashMap<>();
        ROWS.forEach(r -> m.put(r.id(), r));
        return m;
    }
}
