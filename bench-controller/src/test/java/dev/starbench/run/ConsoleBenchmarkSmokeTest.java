package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import org.testng.annotations.Test;

/** The benchmark at a tiny size, Console and the raw pty pair only (pexpect is not a test dependency): it runs and prints its figures. */
public class ConsoleBenchmarkSmokeTest {
    @Test
    public void theBenchmarkPrintsLatencyFloodAndHeapFigures() {
        CliTest.Captured c = CliTest.cli("benchmark", "console", "--trials", "20", "--megabytes", "1", "--no-pexpect");
        assertEquals(c.exit(), 0, c.out() + c.err());
        assertTrue(c.out().matches("(?s).*Console.expect  latency: median [0-9.]+ ms, p99 [0-9.]+ ms \\(20 trials after \\d+ warm-up ones; \\d+ GCs during them;.*"),
                c.out());
        assertTrue(c.out().matches("(?s).*Raw pty pair    flood:   1 MiB in [0-9.]+ s .*"), c.out());
        assertTrue(c.out().matches("(?s).*Console.expect  flood:   1 MiB in [0-9.]+ s .*, [0-9.]+x the raw pty pair's time;"
                + " peak heap [0-9.]+ MiB.*"), c.out());
    }
}
