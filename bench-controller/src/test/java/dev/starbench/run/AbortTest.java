package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.testng.annotations.Test;

/** SIGTERM in the middle of a run, sent to a real `starbench run` process. */
public class AbortTest {

    @Test(timeOut = 120_000)
    public void sigtermPowersTheDutOffAndLeavesACompleteJournal() throws Exception {
        Path dir = Files.createTempDirectory("starbench-abort");
        Process run = VirtualBench.startRun(dir, VirtualBench.fixture(), VirtualBench.profile("virtual-hardened"));
        VirtualBench.awaitCheckStart(run, dir, "debug.uart-console");
        List<ProcessHandle> family = new ArrayList<>();
        run.descendants().forEach(family::add);
        assertTrue(family.size() >= 2, "expected the virtual DUT and its socat, got " + VirtualBench.describe(family));

        CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return e.toString();
            }
        });
        run.toHandle().destroy();  // SIGTERM; Process.destroy() would also close our end of its stdout
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "starbench did not exit after SIGTERM");
        String after = rest.get(10, TimeUnit.SECONDS);
        assertEquals(run.exitValue(), 143, "128 + SIGTERM, as the README's table says: " + after);
        assertTrue(after.contains("Run aborted: interrupted by a signal (SIGTERM or Ctrl-C)"), after);
        assertTrue(after.contains("\nSafe state: powered-off, commanded (power relay on GPIO 17 off: the line reads back high"
                    + " (active-low); no sense input, so the supply itself is not read)\n"), after);
        for (ProcessHandle h : family) {
            assertTrue(h.onExit().thenApply(x -> true).completeOnTimeout(false, 10, TimeUnit.SECONDS).get(),
                    "still running after the run: " + VirtualBench.describe(List.of(h)));
        }

        Path runDir;
        try (Stream<Path> dirs = Files.list(dir.resolve("out"))) {
            runDir = dirs.findFirst().orElseThrow();
        }
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(runDir.resolve("journal.jsonl"))) {
            events.add(json.readTree(line));
        }
        List<String> kinds = events.stream().map(e -> e.get("event").asText()).toList();
        assertEquals(kinds.get(0), "run-started");
        assertTrue(kinds.contains("run-aborted"), kinds.toString());
        assertEquals(kinds.get(kinds.size() - 1), "run-ended", kinds.toString());
        JsonNode finaliser = events.get(kinds.lastIndexOf("finaliser"));
        assertEquals(finaliser.get("outcome").asText(), "powered-off");
        JsonNode lastPower = events.get(kinds.lastIndexOf("power"));
        assertEquals(lastPower.get("state").asText(), "off", "the last power event switches the DUT off");

        JsonNode record = json.readTree(runDir.resolve("record.json").toFile());
        assertEquals(record.get("run").get("outcome").asText(), "aborted");
        JsonNode interrupted = null;
        for (JsonNode check : record.get("checks")) {
            if (check.get("id").asText().equals("debug.uart-console")) {
                interrupted = check;
            }
        }
        assertEquals(interrupted.get("verdict").asText(), "INCONCLUSIVE");
        assertTrue(Files.exists(runDir.resolve("report.html")));
        assertTrue(Files.list(dir.resolve("leases")).findAny().isEmpty(), "the bench lease was released");
    }

    /**
     * The simulated device's settings hold the profile's passwords: they reach the virtual DUT through
     * its stdin, so not even a SIGKILL of the controller, which leaves the work dir behind, leaves them
     * on disk.
     */
    @Test(timeOut = 120_000)
    public void sigkillLeavesNoPasswordOfTheProfileOnDisk() throws Exception {
        Path dir = Files.createTempDirectory("starbench-kill");
        Path profile = VirtualBench.profile("virtual-hardened");
        String password = "Qx7-vd2K-unit0001";
        assertTrue(Files.readString(profile).contains("password: \"" + password + "\""), "the profile's unit password");
        Process run = VirtualBench.startRun(dir, VirtualBench.fixture(), profile);
        VirtualBench.awaitCheckStart(run, dir, "debug.uart-console");
        List<ProcessHandle> family = new ArrayList<>();
        run.descendants().forEach(family::add);
        Path workDir = family.stream().map(h -> h.info().arguments().orElse(new String[0]))
                .map(List::of).filter(args -> args.contains("--work-dir"))
                .map(args -> Path.of(args.get(args.indexOf("--work-dir") + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no virtual DUT in " + VirtualBench.describe(family)));
        try {
            run.destroyForcibly();  // SIGKILL: no shutdown hook, nothing of ours cleans up
            assertTrue(run.waitFor(30, TimeUnit.SECONDS));
            for (ProcessHandle h : family) {
                assertTrue(h.onExit().thenApply(x -> true).completeOnTimeout(false, 10, TimeUnit.SECONDS).get(),
                        "still running after the run: " + VirtualBench.describe(List.of(h)));
            }
            assertTrue(Files.isDirectory(workDir), "the virtual DUT's work dir stays after SIGKILL: " + workDir);
            assertFalse(Files.exists(workDir.resolve("simulation.json")), "simulation.json outlived the run");
            for (Path root : List.of(workDir, dir)) {
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(password),
                                f + " holds the profile's password");
                    }
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(workDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
