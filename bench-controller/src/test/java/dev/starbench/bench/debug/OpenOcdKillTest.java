package dev.starbench.bench.debug;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testng.annotations.Test;

/**
 * OpenOCD's log is evidence to its last line: ending the process must leave everything it wrote readable,
 * however late the log's copier gets to it (on a loaded machine, after the process is gone).
 */
public class OpenOcdKillTest {
    /** A copier that has not read yet: its join returns at once, as a late thread's would after the kill. */
    private static final Thread LATE_COPIER = new Thread(() -> { });

    @Test
    public void whatAnExitedProcessWroteIsStillThereToRead() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "echo 'Info : listening'; echo 'shutdown command invoked'")
                .redirectErrorStream(true).start();
        assertEquals(p.waitFor(), 0);

        OpenOcd.kill(p, LATE_COPIER);

        assertEquals(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                "Info : listening\nshutdown command invoked\n");
    }

    @Test
    public void whatAHungProcessWroteBeforeItWasKilledIsStillThereToRead() throws Exception {
        Path said = Files.createTempFile("starbench-openocd-kill", ".flag");
        Files.delete(said);
        Process p = new ProcessBuilder("sh", "-c", "echo 'Error: target not halted'; touch '" + said + "'; exec sleep 30")
                .redirectErrorStream(true).start();
        for (int i = 0; i < 1000 && !Files.exists(said); i++) {
            Thread.sleep(10);
        }

        OpenOcd.kill(p, LATE_COPIER);

        assertFalse(p.isAlive());
        assertEquals(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8), "Error: target not halted\n");
        Files.deleteIfExists(said);
    }
}
