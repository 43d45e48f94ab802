package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.testng.annotations.Test;

/** QEMU and socat never outlive a real `starbench run`: not on SIGTERM, not even on SIGKILL. */
public class QemuAbortTest {

    @Test(timeOut = 120_000)
    public void sigtermQuitsQemuAndSocatAndPowersOff() throws Exception {
        Path dir = Files.createTempDirectory("starbench-qemu-abort");
        Process run = startRun(dir);
        List<ProcessHandle> family = awaitQemuAndSocat(run, dir);

        run.destroy();  // SIGTERM
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "starbench did not exit after SIGTERM");
        assertAllEnded(family);

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
        assertTrue(kinds.contains("run-aborted"), kinds.toString());
        assertEquals(kinds.get(kinds.size() - 1), "run-ended", kinds.toString());
        JsonNode finaliser = events.get(kinds.lastIndexOf("finaliser"));
        assertEquals(finaliser.get("outcome").asText(), "powered-off");
        assertEquals(finaliser.get("detail").asText(), "QEMU switched off: no QEMU process runs the board");
        assertEquals(finaliser.get("state").asText(), "off");
        assertEquals(finaliser.get("confirmation").asText(), "confirmed");
        JsonNode record = json.readTree(runDir.resolve("record.json").toFile());
        assertEquals(record.get("run").get("outcome").asText(), "aborted");
    }

    @Test(timeOut = 120_000)
    public void sigkillLeavesNoQemuOrSocatEither() throws Exception {
        Path dir = Files.createTempDirectory("starbench-qemu-kill");
        Process run = startRun(dir);
        List<ProcessHandle> family = awaitQemuAndSocat(run, dir);

        run.destroyForcibly();  // SIGKILL: no shutdown hook runs, the parent-death signal does the work
        assertTrue(run.waitFor(30, TimeUnit.SECONDS));
        assertAllEnded(family);
    }

    private static Process startRun(Path dir) throws Exception {
        return VirtualBench.startRun(dir, QemuBench.fixture(dir), QemuBench.profile(), "--check", "debug.uart-console");
    }

    /** Once the uart check runs, it waits several seconds on U-Boot's prompt with QEMU and socat up. */
    private static List<ProcessHandle> awaitQemuAndSocat(Process run, Path dir) throws Exception {
        VirtualBench.awaitCheckStart(run, dir, "debug.uart-console");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<ProcessHandle> family = List.of();
        while (family.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);  // no event tells another process that a grandchild started
            family = QemuBench.qemuAndSocat(run.descendants().toList());
        }
        assertEquals(family.size(), 2, "expected QEMU and socat, got " + VirtualBench.describe(run.descendants().toList()));
        return family;
    }

    private static void assertAllEnded(List<ProcessHandle> family) throws Exception {
        for (ProcessHandle h : family) {
            assertTrue(h.onExit().thenApply(x -> true).completeOnTimeout(false, 10, TimeUnit.SECONDS).get(),
                    "still running after the run: " + VirtualBench.describe(List.of(h)));
        }
    }
}
