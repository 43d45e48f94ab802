package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starbench.report.Journals;
import dev.starbench.report.RecordBuilder;
import dev.starbench.report.RunRecord;
import dev.starbench.report.StepClock;
import dev.starbench.report.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

public class JournalTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private Path dir;

    @BeforeMethod
    void makeDir() throws IOException {
        dir = Files.createTempDirectory("journal-test");
    }

    @AfterMethod(alwaysRun = true)
    void removeDir() throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        }
    }

    private List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    @Test
    void everyEventIsOneLineWithSeqTimeAndKebabCaseFields() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        try (Journal j = Journal.create(file, StepClock.standard())) {
            j.runStarted(Journals.manifest("debug.uart", "update.downgrade"));
            j.power("on", "boot for debug.uart");
            j.checkStarted("debug.uart", "UART console is locked", List.of("JC-STAR-S1.1", "ETSI-5.6-1"));
            j.evidence("debug.uart", "transcript", "login:\r\nroot\n", "evidence/uart.log");
            j.evidence("debug.uart", "finding", "root shell without password", null);
            j.checkEnded("debug.uart", Verdict.FAIL, "shell reached", 4200);
            j.runAborted("SIGTERM");
            j.finaliser("powered-off", "relay 1 off");
            j.runEnded();
            assertEquals(j.file(), file);
        }
        String raw = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(raw.endsWith("\n"));
        List<JsonNode> events = lines(file);
        assertEquals(events.size(), 9);
        for (int i = 0; i < events.size(); i++) {
            assertEquals(events.get(i).get("seq").asLong(), i + 1);
            Instant.parse(events.get(i).get("t").asText());
        }
        assertEquals(events.get(0).get("t").asText(), "2025-05-01T09:00:00Z");
        assertEquals(events.get(1).get("t").asText(), "2025-05-01T09:00:01.500Z");

        JsonNode manifest = events.get(0).get("manifest");
        assertEquals(events.get(0).get("event").asText(), "run-started");
        assertEquals(manifest.get("run-id").asText(), "run-20250501-0900");
        assertEquals(manifest.get("fixture-sha256").asText(), "f".repeat(64));
        assertEquals(manifest.get("checks").get(1).asText(), "update.downgrade");

        assertEquals(events.get(1).get("event").asText(), "power");
        assertEquals(events.get(1).get("state").asText(), "on");
        assertEquals(events.get(1).get("cause").asText(), "boot for debug.uart");

        assertEquals(events.get(2).get("event").asText(), "check-started");
        assertEquals(events.get(2).get("requirements").get(1).asText(), "ETSI-5.6-1");
        assertEquals(events.get(3).get("text").asText(), "login:\r\nroot\n");
        assertEquals(events.get(3).get("file").asText(), "evidence/uart.log");
        assertTrue(events.get(4).get("file").isNull());
        assertEquals(events.get(5).get("verdict").asText(), "FAIL");
        assertEquals(events.get(5).get("duration-ms").asLong(), 4200);
        assertEquals(events.get(6).get("reason").asText(), "SIGTERM");
        assertEquals(events.get(7).get("outcome").asText(), "powered-off");
        assertEquals(events.get(8).get("event").asText(), "run-ended");
    }

    @Test
    void aJournalReadsBackIntoTheSameRun() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        try (Journal j = Journal.create(file, StepClock.standard())) {
            j.runStarted(Journals.manifest("debug.uart"));
            j.checkStarted("debug.uart", "UART console is locked", List.of("JC-STAR-S1.1"));
            j.evidence("debug.uart", "step", "sent break", null);
            j.checkEnded("debug.uart", Verdict.PASS, null, 1500);
            j.finaliser("powered-off", "relay off");
            j.runEnded();
        }
        RunRecord r = RecordBuilder.fromJournal(file);
        assertEquals(r.run().id(), "run-20250501-0900");
        assertEquals(r.run().deviceName(), "Acme Cam");
        assertEquals(r.run().start(), Instant.parse("2025-05-01T09:00:00Z"));
        assertEquals(r.run().end(), Instant.parse("2025-05-01T09:00:07.500Z"));
        assertEquals(r.run().outcome(), "pass");
        assertNull(r.run().abortReason());
        assertEquals(r.checks().size(), 1);
        RunRecord.CheckResult c = r.checks().get(0);
        assertEquals(c.id(), "debug.uart");
        assertEquals(c.title(), "UART console is locked");
        assertEquals(c.requirements(), List.of("JC-STAR-S1.1"));
        assertEquals(c.verdict(), Verdict.PASS);
        assertEquals(c.durationMs(), 1500);
        assertEquals(c.evidence(), List.of(new RunRecord.Evidence("step", "sent break", null,
                Instant.parse("2025-05-01T09:00:03Z"))));
        assertEquals(r.finaliser().outcome(), "powered-off");
    }

    @Test
    void refusesAnExistingFile() throws IOException {
        Path file = Files.writeString(dir.resolve("journal.jsonl"), "earlier run\n");
        assertThrows(FileAlreadyExistsException.class, () -> Journal.create(file, StepClock.standard()));
        assertEquals(Files.readString(file), "earlier run\n");
    }

    @Test
    void callsAfterCloseAreIgnored() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        Journal j = Journal.create(file, StepClock.standard());
        j.runStarted(Journals.manifest());
        j.runEnded();
        j.close();
        j.runAborted("SIGTERM");
        j.finaliser("powered-off", "late hook");
        j.close();
        assertEquals(lines(file).size(), 2);
    }

    @Test
    void concurrentWritersGetDistinctConsecutiveSeqs() throws Exception {
        Path file = dir.resolve("journal.jsonl");
        int threads = 8;
        int perThread = 50;
        try (Journal j = Journal.create(file, StepClock.standard())) {
            j.runStarted(Journals.manifest("a"));
            j.checkStarted("a", "a", List.of());
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        j.evidence("a", "note", "thread " + id + " line " + i, null);
                    }
                });
                th.start();
                all.add(th);
            }
            go.countDown();
            for (Thread th : all) {
                th.join();
            }
        }
        List<JsonNode> events = lines(file);
        assertEquals(events.size(), 2 + threads * perThread);
        for (int i = 0; i < events.size(); i++) {
            assertEquals(events.get(i).get("seq").asLong(), i + 1);
        }
    }

    @Test
    void anInterruptedCallerDoesNotBreakTheJournal() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        try (Journal j = Journal.create(file, StepClock.standard())) {
            j.runStarted(Journals.manifest("a"));
            Thread.currentThread().interrupt();
            try {
                j.power("off", "check timed out");
            } finally {
                assertTrue(Thread.interrupted(), "the interrupt must survive for the caller");
            }
            j.finaliser("powered-off", "relay off");
            j.runEnded();
        }
        assertEquals(lines(file).size(), 4);
    }

    /** On a real full file system: the journal keeps whole events only, however the disk cut the write. */
    @Test
    void aFullDiskLeavesWholeEventsOnlyAndStillTakesSmallEndingEvents() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(dir.resolve("small"), "8k")) {
            Path file = disk.dir().resolve("journal.jsonl");
            try (Journal j = Journal.create(file, StepClock.standard())) {
                j.runStarted(Journals.manifest("a", "b"));
                j.checkStarted("a", "a", List.of());
                // Excerpts of 1000 bytes: the disk's 8 KiB end in the middle of one.
                String excerpt = "x".repeat(1000);
                Journal.WriteFailed failed = null;
                for (int i = 0; i < 20 && failed == null; i++) {
                    try {
                        j.evidence("a", "transcript", excerpt, null);
                    } catch (Journal.WriteFailed e) {
                        failed = e;
                    }
                }
                assertTrue(failed != null, "8 KiB cannot take 20 KB");
                assertTrue(failed.getMessage().contains("No space left on device"), failed.getMessage());
                assertEquals(j.failure(), failed.getCause());
                byte[] bytes = Files.readAllBytes(file);
                assertEquals(bytes[bytes.length - 1], (byte) '\n', "the torn event was cut off again");
                assertThrows(Journal.WriteFailed.class, () -> j.evidence("a", "note", "after the failure", null));
                assertThrows(Journal.WriteFailed.class, () -> j.checkStarted("b", "b", List.of()));
                // What still fits of the ending events is written whole; the rest is kept for elsewhere.
                for (Runnable ending : List.<Runnable>of(() -> j.checkEnded("a", Verdict.INCONCLUSIVE, "disk full", 1),
                        () -> j.runAborted("disk full"), () -> j.finaliser("powered-off", "relay off"), j::runEnded)) {
                    try {
                        ending.run();
                    } catch (Journal.WriteFailed keptForElsewhere) {
                        // in unwritten()
                    }
                }
                List<String> written = new ArrayList<>();
                lines(file).forEach(e -> written.add(e.get("event").asText()));
                List<String> kept = new ArrayList<>();
                for (String line : j.unwritten()) {
                    kept.add(JSON.readTree(line).get("event").asText());
                }
                List<String> ending = new ArrayList<>(written.subList(written.lastIndexOf("evidence") + 1, written.size()));
                ending.addAll(kept);
                assertEquals(ending.stream().sorted().toList(),
                        List.of("check-ended", "finaliser", "run-aborted", "run-ended"),
                        "every ending event is in the journal or kept: " + written + " / " + kept);
            }
            List<JsonNode> events = lines(file);
            for (int i = 0; i < events.size(); i++) {
                assertEquals(events.get(i).get("seq").asLong(), i + 1, "whole events, numbered without a gap");
            }
            RecordBuilder.fromJournal(file);
        }
    }

    @Test
    void afterTheChecksOnlyHowTheRunEndedIsJournalled() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        try (Journal j = Journal.create(file, StepClock.standard())) {
            j.runStarted(Journals.manifest("a"));
            j.checkStarted("a", "a", List.of());
            j.endChecks();
            j.evidence("a", "note", "a check thread still unwinding", null);
            j.checkEnded("a", Verdict.PASS, null, 1);
            j.power("off", "finaliser");
            j.finaliser("powered-off", "relay off");
            j.runEnded();
        }
        assertEquals(lines(file).stream().map(e -> e.get("event").asText()).toList(),
                List.of("run-started", "check-started", "power", "finaliser", "run-ended"));
    }

    @Test
    void nowReadsTheInjectedClock() throws IOException {
        try (Journal j = Journal.create(dir.resolve("j.jsonl"), StepClock.standard())) {
            assertEquals(j.now(), Instant.parse("2025-05-01T09:00:00Z"));
        }
    }

    @Test
    void aMissingVerdictIsAProgrammingError() throws IOException {
        try (Journal j = Journal.create(dir.resolve("j.jsonl"), StepClock.standard())) {
            assertThrows(NullPointerException.class, () -> j.checkEnded("a", null, "x", 0));
            assertFalse(Files.readString(j.file()).contains("check-ended"));
        }
    }
}
