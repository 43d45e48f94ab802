package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.testng.annotations.Test;

/**
 * OpenOCD never outlives a real `starbench run`: not on SIGTERM, not even on SIGKILL. To catch it
 * running, the fixture names a wrapper that execs the real OpenOCD with a `sleep 5000` ahead of the
 * bench's configuration, so it is up for five seconds before it opens its Tcl port.
 */
public class JtagAbortTest {
    private static final String CHECK = "debug.jtag-swd";

    @Test(timeOut = 120_000)
    public void sigtermEndsOpenOcdClosesTheProbeAndPowersOff() throws Exception {
        Path dir = Files.createTempDirectory("starbench-jtag-term");
        Process run = startRun(dir);
        ProcessHandle openocd = awaitOpenOcd(run, dir);

        run.destroy();  // SIGTERM
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "starbench did not exit after SIGTERM");
        assertEnded(openocd);

        Path runDir;
        try (Stream<Path> dirs = Files.list(dir.resolve("out"))) {
            runDir = dirs.findFirst().orElseThrow();
        }
        List<JsonNode> events = VirtualRunTest.journal(runDir);
        List<String> kinds = events.stream().map(e -> e.get("event").asText()).toList();
        assertTrue(kinds.contains("run-aborted"), kinds.toString());
        assertEquals(kinds.get(kinds.size() - 1), "run-ended", kinds.toString());
        assertTrue(events.stream().anyMatch(e -> e.get("event").asText().equals("service")
                && e.get("name").asText().equals("debug-probe") && e.get("outcome").asText().equals("closed")),
                "the run closed the probe: " + kinds);
        assertEquals(events.get(kinds.lastIndexOf("finaliser")).get("outcome").asText(), "powered-off");
    }

    @Test(timeOut = 120_000)
    public void sigkillLeavesNoOpenOcdEither() throws Exception {
        Path dir = Files.createTempDirectory("starbench-jtag-kill");
        Process run = startRun(dir);
        ProcessHandle openocd = awaitOpenOcd(run, dir);

        run.destroyForcibly();  // SIGKILL: no shutdown hook runs, the parent-death signal does the work
        assertTrue(run.waitFor(30, TimeUnit.SECONDS));
        assertEnded(openocd);
    }

    private static Process startRun(Path dir) throws Exception {
        Path wrapper = dir.resolve("slow-openocd");
        Files.writeString(wrapper, "#!/bin/sh\nexec openocd -c \"sleep 5000\" \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        Path fixture = VirtualBench.fixtureWith(dir, "virtual-slow-openocd.yaml", "");
        Files.writeString(fixture, Files.readString(fixture).replace("  port: 21871\n", "  port: 21871\n  openocd: " + wrapper + "\n"));
        return VirtualBench.startRun(dir, fixture, VirtualBench.profile("virtual-hardened"), "--check", CHECK);
    }

    /** The check boots the device first; OpenOCD then stays up five seconds before it listens. */
    private static ProcessHandle awaitOpenOcd(Process run, Path dir) throws Exception {
        VirtualBench.awaitCheckStart(run, dir, CHECK);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            List<ProcessHandle> found = run.descendants()
                    .filter(h -> h.info().command().orElse("").endsWith("/openocd")).toList();
            if (!found.isEmpty()) {
                return found.get(0);
            }
            Thread.sleep(50);  // no event tells another process that a grandchild started
        }
        throw new AssertionError("no OpenOCD among " + VirtualBench.describe(run.descendants().toList()));
    }

    private static void assertEnded(ProcessHandle h) throws Exception {
        assertTrue(h.onExit().thenApply(x -> true).completeOnTimeout(false, 10, TimeUnit.SECONDS).get(),
                "still running after the run: " + VirtualBench.describe(List.of(h)));
    }
}
