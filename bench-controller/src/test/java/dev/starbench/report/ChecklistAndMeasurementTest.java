package dev.starbench.report;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import dev.starbench.config.InputFile;
import dev.starbench.config.StrictYaml;
import dev.starbench.run.Journal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

public class ChecklistAndMeasurementTest {
    private Path dir;

    @BeforeMethod
    void makeDir() throws IOException {
        dir = Files.createTempDirectory("checklist-test");
    }

    @AfterMethod(alwaysRun = true)
    void removeDir() throws IOException {
        TestDirs.delete(dir);
    }

    @Test
    void measurementsAreValidatedWhenMade() {
        assertEquals(Measurement.atMost("boot-time", 2412, "ms", 20000).outcome(), Measurement.Outcome.PASS);
        assertEquals(Measurement.within("rssi", -90, "dBm", -80, -20).outcome(), Measurement.Outcome.FAIL);
        assertEquals(Measurement.of("guesses", 12, "1").outcome(), Measurement.Outcome.INFO);
        assertEquals(Measurement.atMost("boot-time", 2412, "ms", 20000).describe(), "boot-time = 2412 ms (≤ 20000): PASS");
        assertTrue(expectThrows(IllegalArgumentException.class, () -> Measurement.of("t", Double.NaN, "s"))
                .getMessage().contains("t value must be a finite number"));
        assertTrue(expectThrows(IllegalArgumentException.class, () -> Measurement.within("t", 1, "s", 5, 2))
                .getMessage().contains("low limit 5.0 is above high limit 2.0"));
        assertTrue(expectThrows(IllegalArgumentException.class, () -> Measurement.of("Boot Time", 1, "s"))
                .getMessage().contains("measurement name"));
        assertTrue(expectThrows(IllegalArgumentException.class, () -> Measurement.of("t", 1, " "))
                .getMessage().contains("unit"));
    }

    @Test
    void measurementsReachTheRecordWithTheirOutcome() throws IOException {
        RunRecord r = RecordBuilder.fromJournal(journal());
        RunRecord.MeasurementResult m = r.checks().get(0).measurements().get(0);
        assertEquals(m.name(), "boot-time");
        assertEquals(m.value(), 2500.0);
        assertEquals(m.high(), 2000.0);
        assertEquals(m.outcome(), Measurement.Outcome.FAIL);
        assertEquals(r.power().size(), 2);
        String html = new String(ReportWriter.render(r).get("report.html"), StandardCharsets.UTF_8);
        assertTrue(html.contains("<td class=\"mono\">boot-time</td><td class=\"num\">2500</td><td>ms</td><td>≤ 2000</td>"), html);
        assertTrue(html.contains("class=\"boot over\""), "the over-limit boot is marked in the plot");
    }

    @Test
    void aJournalCannotCarryAnInvalidMeasurement() throws IOException {
        Path file = journal();
        String text = Files.readString(file).replace("\"value\":2500.0", "\"value\":\"fast\"");
        Files.writeString(file, text);
        IOException e = expectThrows(IOException.class, () -> RecordBuilder.fromJournal(file));
        assertTrue(e.getMessage().contains("journal.jsonl:4: value is not a number"), e.getMessage());
    }

    @Test
    void everyItemHasAStatusAndAnswersCloseTheOpenOnes() throws Exception {
        RunRecord r = RecordBuilder.fromJournal(journal());
        Checklist.Sheet before = Checklist.of(r);
        assertEquals(before.items().stream().map(Checklist.Item::id).toList(), Checklist.ids());
        assertEquals(before.items().size(), 16);
        assertEquals(status(before, "S1.1-13"), Checklist.Status.PASS);
        assertEquals(status(before, "S1.1-05"), Checklist.Status.DOCUMENT_REVIEW);
        assertEquals(status(before, "S1.1-02"), Checklist.Status.NEEDS_EVIDENCE);

        Path answers = dir.resolve("answers.yaml");
        Files.writeString(answers, """
                technician: A. Tanaka
                answers:
                  S1.1-05:
                    document: https://acme.example/security rev 3
                    verdict: pass
                    note: "=HYPERLINK(\\"https://evil.example\\")"
                  S1.1-02:
                    unit-1-serial: SN-0001
                    unit-1-label-password: Qx7-vd2K-unit0001
                    unit-2-serial: SN-0002
                    unit-2-label-password: Lm3-pp9Z-unit0002
                    verdict: pass
                    note: labels differ
                """);
        Checklist.Sheet after = merge(r, answers);
        assertEquals(status(after, "S1.1-05"), Checklist.Status.PASS);
        assertEquals(status(after, "S1.1-02"), Checklist.Status.PASS);
        String csv = new String(ChecklistExport.csv(after), StandardCharsets.UTF_8);
        String md = new String(ChecklistExport.markdown(after), StandardCharsets.UTF_8);
        for (String out : List.of(csv, md)) {
            assertFalse(out.contains("Qx7-vd2K"), "a label password is never written out");
            assertTrue(out.contains(ChecklistExport.PROVIDED), out);
        }
        assertTrue(csv.contains(",\"PASS\",\"'=HYPERLINK(\"\"https://evil.example\"\")\"\r\n"), "formula defused: " + csv);
        assertTrue(md.contains("Technician answers: A. Tanaka"), md);
    }

    /** A device name and a technician's note that a Markdown renderer or a spreadsheet would run. */
    @Test
    void markupAndFormulasInTheDeviceNameAndNotesStayText() throws Exception {
        Path file = dir.resolve("hostile.jsonl");
        try (Journal j = Journal.create(file, StepClock.standard())) {
            j.runStarted(new RunManifest("run-1", "0.1.0", "abc1234", "bench-7", "f.yaml", "f".repeat(64), "p.yaml",
                    "e".repeat(64), "<img src=x onerror=alert(1)>Cam", "<script>alert(2)</script>", "1.0", List.of(),
                    "17", "Linux"));
            j.runEnded();
        }
        Path answers = dir.resolve("answers.yaml");
        Files.writeString(answers, """
                technician: "<b onmouseover=alert(3)>A. Tanaka</b>"
                answers:
                  S1.1-05:
                    document: "<script>alert(4)</script> [click](javascript:alert(5))"
                    verdict: pass
                    note: "\\t=HYPERLINK(\\"https://evil.example\\")"
                """);
        Checklist.Sheet sheet = ChecklistAnswers.merge(RecordBuilder.fromJournal(file), answers,
                StrictYaml.open(answers, InputFile.Kind.ANSWERS));
        String md = new String(ChecklistExport.markdown(sheet), StandardCharsets.UTF_8);
        for (String raw : List.of("<img", "<script", "<b ", "[click](javascript:")) {
            assertFalse(md.contains(raw), raw + " in:\n" + md);
        }
        assertTrue(md.contains("- Device: &lt;img src=x onerror=alert(1)&gt;Cam (&lt;script&gt;alert(2)&lt;/script&gt;)"), md);
        assertTrue(md.contains("(`document`): &lt;script&gt;alert(4)&lt;/script&gt; \\[click\\](javascript:alert(5))"), md);
        String csv = new String(ChecklistExport.csv(sheet), StandardCharsets.UTF_8);
        assertTrue(csv.contains(",\"'\t=HYPERLINK(\"\"https://evil.example\"\")\"\r\n"), "the tab-led formula is defused: " + csv);
    }

    @Test
    void badAnswersNameTheirLineAndField() throws Exception {
        RunRecord r = RecordBuilder.fromJournal(journal());
        assertError(r, "answers:\n  S1.1-99:\n    verdict: pass\n", ":2:3: answers.S1.1-99: unknown requirement id (known: S1.1-01 … S1.1-16)");
        assertError(r, "answers:\n  S1.1-05:\n    documnet: x\n", ":3:5: answers.S1.1-05.documnet: unknown field (known: document, note, verdict)");
        assertError(r, "answers:\n  S1.1-05:\n    document: x\n    verdict: passed\n", ":4:14: answers.S1.1-05.verdict: unknown value 'passed' (allowed: pass, fail, not-applicable)");
        assertError(r, "answers:\n  S1.1-02:\n    unit-1-serial: a\n    verdict: pass\n", ":4:5: answers.S1.1-02.verdict: pass needs every field filled; missing: unit-1-label-password, unit-2-serial, unit-2-label-password");
        assertError(r, "answers:\n  S1.1-05:\n    document: [a, b]\n", ":3:15: answers.S1.1-05.document: expected a single value, got a list");
        assertError(r, "technican: x\n", ":1:1: technican: unknown field (known: answers, date, technician)");
    }

    @Test
    void answersMeetTheSameYamlRulesAsProfiles() throws Exception {
        RunRecord r = RecordBuilder.fromJournal(journal());
        // Read as YAML 1.1 reads it, `*t` was the document "t" and S1.1-05 passed on it.
        assertError(r, "technician: &t x\nanswers:\n  S1.1-05:\n    document: *t\n    verdict: pass\n",
                ":1:13: technician: an anchor (&t): anchors and aliases are not allowed; write each value out in full");
        assertError(r, "answers:\n  S1.1-05:\n    document: *t\n    verdict: pass\n",
                ":3:15: answers.S1.1-05.document: an alias (*t): anchors and aliases are not allowed; write the value out in full");
        assertError(r, "answers:\n  S1.1-05:\n    document: \"x\\e]0;owned\\a\"\n",
                ":3:15: answers.S1.1-05.document: contains the control character U+001B (ESC) at position 2; control"
                        + " characters (escape sequences, NUL, carriage return) are not allowed");
        assertError(r, "answers:\n  S1.1-05:\n    document: x\n    document: y\n",
                ":4:13: Duplicate field 'document'");
    }

    private static Checklist.Sheet merge(RunRecord r, Path answers) throws Exception {
        return ChecklistAnswers.merge(r, answers, StrictYaml.open(answers, InputFile.Kind.ANSWERS));
    }

    private void assertError(RunRecord r, String yaml, String expected) throws IOException {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, yaml);
        ChecklistAnswers.Invalid e = expectThrows(ChecklistAnswers.Invalid.class, () -> merge(r, f));
        assertEquals(e.getMessage(), f + expected);
    }

    private static Checklist.Status status(Checklist.Sheet s, String id) {
        return s.items().stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow().status();
    }

    private Path journal() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        try (Journal j = Journal.create(file, StepClock.standard())) {
            j.runStarted(Journals.manifest("debug.uart"));
            j.checkStarted("debug.uart", "UART", List.of("S1.1-13", "S1.1-02"));
            j.power("on", "boot");
            j.measurement("debug.uart", Measurement.atMost("boot-time", 2500, "ms", 2000));
            j.power("off", "done");
            j.checkEnded("debug.uart", Verdict.PASS, null, 10);
            j.runEnded();
        }
        return file;
    }
}
