package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starbench.console.Transcript;
import dev.starbench.report.RecordBuilder;
import dev.starbench.report.RunRecord;
import dev.starbench.report.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.testng.annotations.Test;

/**
 * `starbench run` with its outputs on a small tmpfs that fills up, as a real disk does: the journal
 * keeps whole events only, the run stops as an abort, the DUT is switched off and the finaliser is
 * recorded somewhere, "Safe state" is printed, the lease is released, and the run exits 5.
 * Mounting needs root (see {@link Tmpfs}).
 */
public class FullDiskTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The console check and two update checks: about 60 KB of journal and transcript, 240 KB of outputs. */
    private static final List<String> CHECKS = List.of("debug.uart-console", "update.tampered", "update.rollback");

    /** 40 KB: the journal and transcript outgrow the disk in the middle of update.tampered. */
    @Test(timeOut = 240_000)
    public void aDiskThatFillsDuringTheChecksStopsTheRunAsAnAbort() throws Exception {
        Outcome o = runOnTmpfs("40k");
        RunRecord r = o.record();
        assertEquals(r.run().outcome(), "aborted", o.describe());
        RunRecord.CheckResult rollback = check(r, "update.rollback");
        assertEquals(rollback.verdict(), Verdict.INCONCLUSIVE);
        assertEquals(rollback.reason(), "not run", "no check starts once the disk is full: " + o.describe());
        assertTrue(o.stdout().contains("not run: the run is stopping: "), o.stdout());
        assertTrue(o.stdout().contains("Run aborted: "), o.stdout());
        assertEquals(check(r, "debug.uart-console").verdict(), Verdict.FAIL, "the check before the disk filled keeps its verdict");
        assertEquals(check(r, "update.tampered").verdict(), Verdict.INCONCLUSIVE, o.describe());
    }

    /** 200 KB: every event fits, but the reports do not. */
    @Test(timeOut = 240_000)
    public void aDiskThatFillsWhileTheReportIsWrittenKeepsACompleteJournal() throws Exception {
        Outcome o = runOnTmpfs("200k");
        RunRecord r = o.record();
        assertEquals(r.run().outcome(), "fail", o.describe());
        assertEquals(o.events().get(o.events().size() - 1).get("event").asText(), "run-ended", o.describe());
        assertTrue(o.unjournalled().isEmpty(), o.describe());
        assertTrue(o.stdout().contains("Summary: 0 PASS, 3 FAIL"), o.stdout());
        assertTrue(o.stderr().contains("cannot write the report into "), o.stderr());
    }

    /**
     * Received lines are written by the transcript's own thread: when that write meets the full disk, the
     * reader thread that hands lines over is never thrown at, {@code failure()} (what stops the run)
     * says why, and the file keeps whole lines only.
     */
    @Test(timeOut = 60_000)
    public void aFullDiskMetByTheTranscriptsWriterThreadIsSeenByFailure() throws Exception {
        Path dir = Files.createTempDirectory("starbench-full-transcript");
        try (Tmpfs disk = Tmpfs.mount(dir.resolve("out"), "16k")) {
            Path file = disk.dir().resolve("console.transcript");
            Transcript t = new Transcript(file);
            Set<Thread> before = writers();
            byte[] line = "[    1.000000] a kernel line of a boot that outgrows the disk\r\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 4000; i++) {
                t.append(Transcript.Direction.RX, line, line.length, Instant.now());
            }
            t.hurry();
            Set<Thread> ours = writers();
            ours.removeAll(before);
            assertEquals(ours.size(), 1, "the transcript's own writer thread");
            Thread writer = ours.iterator().next();
            // It waits without a deadline only when nothing is held: it has written (or dropped) it all.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (writer.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            IOException failure = t.failure();
            assertNotNull(failure, "a 16 KiB disk cannot take 300 KB of lines");
            assertTrue(failure.getMessage().contains("No space left on device"), failure.toString());
            assertTrue(Arrays.stream(failure.getStackTrace()).anyMatch(f -> f.getMethodName().contains("writeLoop")),
                    "met by the writer thread, not by the caller of failure()");
            t.write(Transcript.Direction.TX, new byte[] {'\r'}, 1, Instant.now());
            t.close();
            byte[] bytes = Files.readAllBytes(file);
            assertTrue(bytes.length == 0 || bytes[bytes.length - 1] == '\n', "whole lines only");
            assertEquals(Transcript.read(file).size(), new String(bytes, StandardCharsets.US_ASCII).lines().count());
        }
    }

    private static Set<Thread> writers() {
        return Thread.getAllStackTraces().keySet().stream().filter(th -> th.getName().equals("transcript-writer"))
                .collect(Collectors.toCollection(HashSet::new));
    }

    private record Outcome(String stdout, String stderr, Path runDir, List<JsonNode> events, List<JsonNode> unjournalled,
                           RunRecord record) {
        String describe() {
            return "stdout:\n" + stdout + "\nstderr:\n" + stderr + "\njournal events: "
                    + events.stream().map(e -> e.get("event").asText()).toList() + "\nunjournalled: " + unjournalled;
        }
    }

    /** What both sizes must show, whichever write the disk refused first. */
    private Outcome runOnTmpfs(String size) throws Exception {
        Path dir = Files.createTempDirectory("starbench-full-disk");
        Path out = dir.resolve("out");
        try (Tmpfs disk = Tmpfs.mount(out, size)) {
            Path profile = dir.resolve("insecure.yaml");
            Files.copy(VirtualBench.profile("virtual-insecure"), profile);
            List<String> more = new ArrayList<>();
            CHECKS.forEach(c -> more.addAll(List.of("--check", c)));
            Process run = VirtualBench.startRun(dir, VirtualBench.fixture(), profile, more.toArray(String[]::new));
            run.getOutputStream().close();
            String stdout = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(run.waitFor(60, TimeUnit.SECONDS), "starbench did not exit");
            String stderr = Files.readString(dir.resolve("stderr.txt"));
            Path runDir;
            try (Stream<Path> dirs = Files.list(out)) {
                runDir = dirs.findFirst().orElseThrow();
            }
            byte[] journal = Files.readAllBytes(runDir.resolve("journal.jsonl"));
            List<JsonNode> events = new ArrayList<>();
            for (String line : new String(journal, StandardCharsets.UTF_8).lines().toList()) {
                events.add(JSON.readTree(line));
            }
            Path fallback = Path.of(System.getProperty("user.home"), ".starbench", "unjournalled",
                    runDir.getFileName() + ".jsonl");
            List<JsonNode> unjournalled = new ArrayList<>();
            if (Files.exists(fallback)) {
                for (String line : Files.readAllLines(fallback)) {
                    unjournalled.add(JSON.readTree(line));
                }
            }
            Outcome o = new Outcome(stdout, stderr, runDir, events, unjournalled, RecordBuilder.fromJournal(runDir.resolve("journal.jsonl")));

            assertEquals(run.exitValue(), 5, o.describe());
            assertTrue(journal.length > 0 && journal[journal.length - 1] == '\n', "no torn last line: " + o.describe());
            for (int i = 0; i < events.size(); i++) {
                assertEquals(events.get(i).get("seq").asLong(), i + 1, "whole events, in order");
            }
            assertTrue(stdout.contains("\nSafe state: powered-off, commanded (power relay on GPIO 17 off: the line reads back high"
                    + " (active-low); no sense input, so the supply itself is not read)\n"), o.describe());
            assertTrue(stderr.contains("No space left on device"), o.describe());
            assertFalse(stderr.contains("\tat "), "no stack trace: " + stderr);
            List<JsonNode> ending = new ArrayList<>(events);
            ending.addAll(unjournalled);
            JsonNode finaliser = ending.stream().filter(e -> e.get("event").asText().equals("finaliser")).reduce((a, b) -> b)
                    .orElse(null);
            assertNotNull(finaliser, "the finaliser is in the journal or in " + fallback + ": " + o.describe());
            assertEquals(finaliser.get("outcome").asText(), "powered-off");
            if (!unjournalled.isEmpty()) {
                assertTrue(stderr.contains("could not take these events"), "and on stderr: " + stderr);
            }
            JsonNode lastPower = ending.stream().filter(e -> e.get("event").asText().equals("power")).reduce((a, b) -> b)
                    .orElseThrow();
            assertEquals(lastPower.get("state").asText(), "off", "the DUT is switched off last");
            try (Stream<Path> leases = Files.list(dir.resolve("leases"))) {
                assertTrue(leases.findAny().isEmpty(), "the bench lease was released");
            }
            return o;
        }
    }

    private static RunRecord.CheckResult check(RunRecord r, String id) {
        return r.checks().stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError(id + " not in the record: " + r.checks()));
    }
}
