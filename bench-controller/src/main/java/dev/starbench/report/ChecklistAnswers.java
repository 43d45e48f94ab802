package dev.starbench.report;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A technician's answers to the ★1 items the bench cannot decide, read from YAML and validated
 * with the place of every error ({@code FILE:LINE:COLUMN: FIELD: problem}, as fixture errors are):
 *
 * <pre>
 * technician: A. Tanaka
 * answers:
 *   S1.1-05:
 *     document: "https://example.com/security (rev 3, 2025-04-01)"
 *     verdict: pass          # pass | fail | not-applicable
 *     note: reviewed with the maker
 * </pre>
 *
 * Read with Jackson's streaming YAML parser, because a bound tree forgets where its values were. The
 * caller opens it (config's StrictYaml), so answers meet the same YAML rules and size limit as fixtures.
 */
public final class ChecklistAnswers {

    /** @param verdict null when the technician has filled fields but not decided */
    record Answer(Map<String, String> values, Verdict verdict, String note) {}

    /** An answers file that cannot be used, with the place to fix it. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(Path file, JsonLocation at, String field, String problem) {
            super(file + ":" + (at == null ? 0 : at.getLineNr()) + ":" + (at == null ? 0 : at.getColumnNr()) + ": "
                    + (field.isEmpty() ? "" : field + ": ") + problem);
        }
    }

    private static final Map<String, Verdict> VERDICTS = Map.of("pass", Verdict.PASS, "fail", Verdict.FAIL,
            "not-applicable", Verdict.NOT_APPLICABLE);

    private ChecklistAnswers() {}

    /**
     * The record's checklist with the answers in {@code file} merged in.
     *
     * @param yaml a parser over {@code file}, with duplicate keys refused; closed here
     */
    public static Checklist.Sheet merge(RunRecord record, Path file, JsonParser yaml) throws Invalid {
        String technician = null;
        Map<String, Answer> answers = new LinkedHashMap<>();
        try (JsonParser p = yaml) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new Invalid(file, p.currentTokenLocation(), "", "the file is empty; expected `answers:`");
            }
            expect(file, p, JsonToken.START_OBJECT, "", "a mapping with `technician:` and `answers:`");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonLocation at = p.currentTokenLocation();
                p.nextToken();
                switch (key) {
                    case "technician", "date" -> {
                        String v = scalar(file, p, key);
                        if (key.equals("technician")) {
                            technician = v;
                        }
                    }
                    case "answers" -> answers(file, p, answers);
                    default -> throw new Invalid(file, at, key, "unknown field (known: answers, date, technician)");
                }
            }
        } catch (JsonProcessingException e) {
            throw new Invalid(file, e.getLocation(), "", e.getOriginalMessage());
        } catch (IOException e) {
            throw new Invalid(file, null, "", "cannot read: " + e);
        }
        return Checklist.merge(record, answers, technician, file.toString());
    }

    private static void answers(Path file, JsonParser p, Map<String, Answer> out) throws IOException, Invalid {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return;
        }
        expect(file, p, JsonToken.START_OBJECT, "answers", "a mapping from requirement id (S1.1-01 …) to its answers");
        Map<String, Checklist.Row> rows = Checklist.rowsById();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String id = p.currentName();
            String where = "answers." + id;
            Checklist.Row row = rows.get(id);
            if (row == null) {
                throw new Invalid(file, p.currentTokenLocation(), where, "unknown requirement id (known: "
                        + ids(rows) + ")");
            }
            p.nextToken();
            expect(file, p, JsonToken.START_OBJECT, where, "a mapping of field names to values");
            Map<String, String> values = new LinkedHashMap<>();
            Verdict verdict = null;
            JsonLocation verdictAt = null;
            String note = null;
            List<String> known = row.fields().stream().map(Checklist.Field::name).collect(Collectors.toList());
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonLocation at = p.currentTokenLocation();
                p.nextToken();
                String v = scalar(file, p, where + "." + key);
                if (key.equals("verdict")) {
                    verdict = VERDICTS.get(v == null ? "" : v.toLowerCase(Locale.ROOT));
                    if (verdict == null) {
                        throw new Invalid(file, p.currentTokenLocation(), where + ".verdict",
                                "unknown value '" + v + "' (allowed: pass, fail, not-applicable)");
                    }
                    verdictAt = at;
                } else if (key.equals("note")) {
                    note = v;
                } else if (known.contains(key)) {
                    if (v != null && !v.isBlank()) {
                        values.put(key, v);
                    }
                } else {
                    throw new Invalid(file, at, where + "." + key, "unknown field (known: "
                            + String.join(", ", known) + (known.isEmpty() ? "" : ", ") + "note, verdict)");
                }
            }
            if (verdict == Verdict.PASS) {
                List<String> missing = known.stream().filter(k -> !values.containsKey(k)).toList();
                if (!missing.isEmpty()) {
                    throw new Invalid(file, verdictAt, where + ".verdict",
                            "pass needs every field filled; missing: " + String.join(", ", missing));
                }
            }
            Map<String, String> ordered = new LinkedHashMap<>();
            for (String k : known) {
                if (values.containsKey(k)) {
                    ordered.put(k, values.get(k));
                }
            }
            out.put(id, new Answer(ordered, verdict, note));
        }
    }

    private static String ids(Map<String, Checklist.Row> rows) {
        List<String> ids = List.copyOf(rows.keySet());
        return ids.get(0) + " … " + ids.get(ids.size() - 1);
    }

    private static String scalar(Path file, JsonParser p, String where) throws IOException, Invalid {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t == null || !t.isScalarValue()) {
            throw new Invalid(file, p.currentTokenLocation(), where, "expected a single value, got a "
                    + (t == JsonToken.START_ARRAY ? "list" : "mapping"));
        }
        return p.getText();
    }

    private static void expect(Path file, JsonParser p, JsonToken want, String where, String what) throws Invalid {
        if (p.currentToken() != want) {
            throw new Invalid(file, p.currentTokenLocation(), where, "expected " + what);
        }
    }
}
