package dev.starbench.report;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;

import dev.starbench.bench.power.PowerState;
import dev.starbench.report.RunRecord.CheckResult;
import dev.starbench.run.Journal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

public class RecordBuilderTest {

    private Path dir;

    @BeforeMethod
    void makeDir() throws IOException {
        dir = Files.createTempDirectory("record-test");
    }

    @AfterMethod(alwaysRun = true)
    void removeDir() throws IOException {
        TestDirs.delete(dir);
    }

    @DataProvider
    Object[][] outcomes() {
        return new Object[][] {
            {new Verdict[] {Verdict.PASS, Verdict.PASS}, "pass"},
            {new Verdict[] {Verdict.PASS, Verdict.NOT_APPLICABLE}, "pass"},
            {new Verdict[] {}, "pass"},
            {new Verdict[] {Verdict.PASS, Verdict.INCONCLUSIVE, Verdict.NOT_APPLICABLE}, "inconclusive"},
            {new Verdict[] {Verdict.INCONCLUSIVE, Verdict.FAIL, Verdict.PASS}, "fail"},
        };
    }

    @Test(dataProvider = "outcomes")
    void outcomeFollowsTheWorstVerdict(Verdict[] verdicts, String outcome) throws IOException {
        RunRecord r = RecordBuilder.fromJournal(Journals.withVerdicts(dir, true, verdicts));
        assertEquals(r.run().outcome(), outcome);
        assertEquals(r.checks().stream().map(CheckResult::verdict).toList(), List.of(verdicts));
        assertNull(r.run().abortReason());
    }

    @Test
    void aTornLastLineIsDroppedAndEverythingBeforeKept() throws IOException {
        Path file = Journals.withVerdicts(dir, false, Verdict.PASS, Verdict.FAIL);
        Files.write(file, "{\"seq\":8,\"t\":\"2025-05-01T09:00:12Z\",\"event\":\"evid".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);
        RunRecord r = RecordBuilder.fromJournal(file);
        assertEquals(r.checks().size(), 2);
        assertEquals(r.checks().get(1).verdict(), Verdict.FAIL);
        assertEquals(r.run().outcome(), "aborted");
        assertEquals(r.run().end(), Instant.parse("2025-05-01T09:00:09Z"));
    }

    @Test
    void aLineTornInsideAMultiByteCharacterIsDroppedToo() throws IOException {
        Path file = Journals.withVerdicts(dir, false, Verdict.PASS);
        byte[] euro = "{\"seq\":5,\"event\":\"evidence\",\"text\":\"\u20ac".getBytes(StandardCharsets.UTF_8);
        Files.write(file, java.util.Arrays.copyOf(euro, euro.length - 1), StandardOpenOption.APPEND);
        assertEquals(RecordBuilder.fromJournal(file).checks().size(), 1);
    }

    @Test
    void aCorruptLineInTheMiddleIsAnErrorNamingTheLine() throws IOException {
        Path file = Journals.withVerdicts(dir, true, Verdict.PASS);
        List<String> lines = Files.readAllLines(file);
        lines.set(2, lines.get(2).substring(0, 10));
        Files.write(file, lines);
        IOException e = expectThrows(() -> RecordBuilder.fromJournal(file));
        assertTrue(e.getMessage().contains("journal.jsonl:3"), e.getMessage());
    }

    @Test
    void aGapInSeqIsAnError() throws IOException {
        Path file = Journals.withVerdicts(dir, true, Verdict.PASS);
        List<String> lines = Files.readAllLines(file);
        lines.remove(2);
        Files.write(file, lines);
        IOException e = expectThrows(() -> RecordBuilder.fromJournal(file));
        assertTrue(e.getMessage().contains("expected seq 3"), e.getMessage());
    }

    @Test
    void aJournalWithoutRunStartedIsAnError() throws IOException {
        Path file = Files.writeString(dir.resolve("journal.jsonl"), "");
        assertThrows(IOException.class, () -> RecordBuilder.fromJournal(file));
    }

    @Test
    void labServicesAreRecordedWithTheCheckThatOpenedThemAndShownInTheReport() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        try (Journal j = Journal.create(file, StepClock.standard())) {
            j.runStarted(Journals.manifest("comms.replay"));
            j.checkStarted("comms.replay", "Replay", List.of("R1"));
            j.service("cloud", "opened");
            j.checkEnded("comms.replay", Verdict.PASS, null, 10);
            j.service("cloud", "closed");
            j.finaliser("powered-off", "relay off");
            j.runEnded();
        }
        RunRecord r = RecordBuilder.fromJournal(file);
        assertEquals(r.services().stream().map(e -> e.name() + " " + e.outcome() + " " + e.check()).toList(),
                List.of("cloud opened comms.replay", "cloud closed null"));
        String html = new String(ReportWriter.render(r).get("report.html"), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(html.contains("Lab services") && html.contains("cloud (opened for comms.replay, closed at "), html);
    }

    @Test
    void aCheckThatNeverEndedIsInconclusiveAndTheRunAborted() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        try (Journal j = Journal.create(file, StepClock.standard())) {
            j.runStarted(Journals.manifest("debug.uart", "update.downgrade", "auth.default"));
            j.checkStarted("debug.uart", "UART", List.of("R1"));
            j.checkEnded("debug.uart", Verdict.PASS, null, 10);
            j.checkStarted("update.downgrade", "Downgrade", List.of("R2"));
            j.power("cycle", "boot into the old image");
            j.evidence("update.downgrade", "step", "flashed 1.0.0", null);
            // the process dies here
        }
        RunRecord r = RecordBuilder.fromJournal(file);
        assertEquals(r.run().outcome(), "aborted");
        assertTrue(r.run().abortReason().contains("without run-ended"), r.run().abortReason());
        assertEquals(r.run().end(), Instant.parse("2025-05-01T09:00:07.500Z"));
        assertNull(r.finaliser());

        CheckResult open = r.checks().get(1);
        assertEquals(open.id(), "update.downgrade");
        assertEquals(open.verdict(), Verdict.INCONCLUSIVE);
        assertEquals(open.reason(), "run aborted before the check ended");
        assertEquals(open.durationMs(), 3000);
        assertEquals(open.evidence().stream().map(RunRecord.Evidence::text).toList(),
                List.of("power cycle: boot into the old image", "flashed 1.0.0"));

        CheckResult notRun = r.checks().get(2);
        assertEquals(notRun.id(), "auth.default");
        assertEquals(notRun.verdict(), Verdict.INCONCLUSIVE);
        assertEquals(notRun.reason(), "not run");
        assertNull(notRun.start());
    }

    @Test
    void anAbortedRunIsAbortedEvenIfItEndedAndEverythingPassed() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        try (Journal j = Journal.create(file, StepClock.standard())) {
            j.runStarted(Journals.manifest("a.one"));
            j.checkStarted("a.one", "one", List.of());
            j.checkEnded("a.one", Verdict.PASS, null, 5);
            j.runAborted("SIGTERM");
            j.finaliser("powered-off", "relay off");
            j.runEnded();
        }
        RunRecord r = RecordBuilder.fromJournal(file);
        assertEquals(r.run().outcome(), "aborted");
        assertEquals(r.run().abortReason(), "SIGTERM");
        assertEquals(r.run().end(), Instant.parse("2025-05-01T09:00:07.500Z"));
        assertEquals(r.finaliser().outcome(), "powered-off");
    }

    @Test
    void aFinalStateTheSwitchDidNotConfirmMakesAPassingRunInconclusive() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        String why = "switching power failed: the plug did not confirm OFF within 5000 ms";
        try (Journal j = Journal.create(file, StepClock.standard())) {
            j.runStarted(Journals.manifest("a.one"));
            j.checkStarted("a.one", "one", List.of());
            j.power("on", "boot", PowerState.confirmed(true, "the plug reported stat/p/RESULT {\"POWER\":\"ON\"}"));
            j.checkEnded("a.one", Verdict.PASS, null, 5);
            j.power("unknown", "finaliser: end of run", PowerState.unknown(why));
            j.finaliser("failed", why, PowerState.unknown(why));
            j.runEnded();
        }
        RunRecord r = RecordBuilder.fromJournal(file);
        assertEquals(r.run().outcome(), "inconclusive");
        assertEquals(r.finaliser().state(), "unknown");
        assertNull(r.finaliser().confirmation());
        assertEquals(r.finaliser().describe(), "UNKNOWN (" + why + ")");
        assertEquals(r.power().get(0), new RunRecord.PowerEvent("on", "boot", r.power().get(0).timestamp(), "confirmed",
                "the plug reported stat/p/RESULT {\"POWER\":\"ON\"}"));
        assertEquals(r.checks().get(0).evidence().get(0).text(),
                "power on: boot (confirmed: the plug reported stat/p/RESULT {\"POWER\":\"ON\"})");
        assertEquals(r.power().get(1).state(), "unknown");
        assertTrue(new String(HtmlReport.render(r), StandardCharsets.UTF_8).contains("UNKNOWN (" + why + ")"), "the report's Safe state line says so");
    }

    @Test
    void aConfirmedOrCommandedFinalStateIsSaidAsSuch() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        try (Journal j = Journal.create(file, StepClock.standard())) {
            j.runStarted(Journals.manifest("a.one"));
            j.checkStarted("a.one", "one", List.of());
            j.checkEnded("a.one", Verdict.PASS, null, 5);
            PowerState off = PowerState.commanded(false, "power relay on GPIO 17 off: the line reads back high");
            j.finaliser("powered-off", off.detail(), off);
            j.runEnded();
        }
        RunRecord r = RecordBuilder.fromJournal(file);
        assertEquals(r.run().outcome(), "pass");
        assertEquals(r.finaliser().describe(), "powered-off, commanded (power relay on GPIO 17 off: the line reads back high)");
    }

    @Test
    void aFinaliserFromBeforeStatesWereJournalledIsReadFromItsOutcome() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        try (Journal j = Journal.create(file, StepClock.standard())) {
            j.runStarted(Journals.manifest("a.one"));
            j.finaliser("powered-off", "relay off");
            j.runEnded();
        }
        RunRecord.Finaliser f = RecordBuilder.fromJournal(file).finaliser();
        assertEquals(f.state(), "off");
        assertEquals(f.describe(), "powered-off (relay off)");
    }

    @Test
    void aPlannedCheckThatWasNotStartedInANormalRunIsOmitted() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        try (Journal j = Journal.create(file, StepClock.standard())) {
            j.runStarted(Journals.manifest("a.one", "a.two"));
            j.checkStarted("a.one", "one", List.of());
            j.checkEnded("a.one", Verdict.PASS, null, 5);
            j.runEnded();
        }
        RunRecord r = RecordBuilder.fromJournal(file);
        assertEquals(r.checks().size(), 1);
        assertEquals(r.run().outcome(), "pass");
    }

    @Test
    void evidenceForACheckThatNeverStartedIsAnError() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        try (Journal j = Journal.create(file, StepClock.standard())) {
            j.runStarted(Journals.manifest("a.one"));
            j.evidence("a.one", "note", "early", null);
        }
        IOException e = expectThrows(() -> RecordBuilder.fromJournal(file));
        assertTrue(e.getMessage().contains("never started"), e.getMessage());
    }

    @Test
    void unknownEventsAreSkipped() throws IOException {
        Path file = Journals.withVerdicts(dir, false, Verdict.PASS);
        Files.writeString(file, "{\"seq\":5,\"t\":\"2025-05-01T09:01:00Z\",\"event\":\"from-the-future\"}\n"
                + "{\"seq\":6,\"t\":\"2025-05-01T09:01:01Z\",\"event\":\"run-ended\"}\n", StandardOpenOption.APPEND);
        RunRecord r = RecordBuilder.fromJournal(file);
        assertEquals(r.run().outcome(), "pass");
        assertEquals(r.run().end(), Instant.parse("2025-05-01T09:01:01Z"));
    }

    private static IOException expectThrows(org.testng.Assert.ThrowingRunnable r) {
        return org.testng.Assert.expectThrows(IOException.class, r);
    }
}
