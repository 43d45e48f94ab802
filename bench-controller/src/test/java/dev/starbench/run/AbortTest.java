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

        run.destroy();  // SIGTERM
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "starbench did not exit after SIGTERM");
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
}
