package dev.starbench.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import dev.starbench.report.Journals;
import dev.starbench.report.Verdict;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * Files that are not what a command expects, given to the real command line: a FIFO (opening one
 * blocks until a writer comes), /dev/zero (never ends), a symbolic link to it, a sparse file past a
 * size limit, and one very long line. Each must fail at once with exit 3 and a message that names the
 * file, never hang, fill the heap or print a stack trace.
 */
public class HostileFilesTest {
    /** A hang guard: every case here ends in milliseconds; a blocked open would never end. */
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final Cli cli = new Cli();
    private Path dir;
    private Path fifo;

    @BeforeClass
    public void files() throws Exception {
        dir = Files.createTempDirectory("starbench-hostile");
        fifo = dir.resolve("pipe.yaml");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(mkfifo.waitFor(), 0, "mkfifo");
    }

    @AfterClass(alwaysRun = true)
    public void close() {
        cli.close();
    }

    private void refused(String expected, String... args) throws Exception {
        Cli.Result r = cli.run(DEADLINE, args);
        assertEquals(r.exit(), 3, r.output());
        assertTrue(r.clean(), r.output());
        assertTrue(r.output().contains(expected), "expected '" + expected + "' in:\n" + r.output());
    }

    @Test
    public void validateRefusesWhatIsNotARegularFileBeforeOpeningIt() throws Exception {
        refused(fifo + ":0:0: not a regular file (a device, FIFO or socket)", "validate", fifo.toString());
        refused("/dev/zero:0:0: not a regular file (a device, FIFO or socket)", "validate", "/dev/zero");
        Path link = Files.createSymbolicLink(dir.resolve("fixture.yaml"), Path.of("/dev/zero"));
        refused(link + ":0:0: not a regular file (a device, FIFO or socket)", "validate", link.toString());
        refused(dir + ":0:0: not a regular file (a directory)", "validate", dir.toString());
    }

    @Test
    public void validateRefusesAFileOverTheLimitWithoutReadingIt() throws Exception {
        Path big = dir.resolve("big.yaml");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(8L << 20);
        }
        refused(big + ":0:0: too large: 8388608 bytes, more than the 1 MiB a fixture or profile may have",
                "validate", big.toString());
    }

    /** One 1 MiB comment line took SnakeYAML 0.5 s here (8 MB: 50 s): its reader is quadratic in a line's length. */
    @Test
    public void aLongLineIsRefusedWithItsPlace() throws Exception {
        Path file = Files.writeString(dir.resolve("long-line.yaml"), "bench-id: b1\n# " + "x".repeat(1_000_000) + "\n");
        refused(file + ":2:16385: line too long: 1000002 bytes, at most 16384 (write long text over several lines)",
                "validate", file.toString());
    }

    @Test
    public void checklistAnswersAndRecordsAreCheckedBeforeTheyAreOpened() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        Cli.Result rendered = cli.run(DEADLINE, "report", "render",
                Journals.withVerdicts(run, true, Verdict.PASS).toString(), "--out", run.toString());
        assertEquals(rendered.exit(), 0, rendered.output());
        refused(fifo + ":0:0: not a regular file (a device, FIFO or socket)",
                "checklist", "--record", run.toString(), "--answers", fifo.toString());
        refused("/dev/zero:0:0: not a regular file (a device, FIFO or socket)",
                "checklist", "--record", run.toString(), "--answers", "/dev/zero");
        refused("/dev/zero: not a regular file (a device, FIFO or socket)", "checklist", "--record", "/dev/zero");
    }

    @Test
    public void verifyReadsOnlyRegularFilesInTheRunDirectory() throws Exception {
        Path run = Files.createDirectories(dir.resolve("linked-record"));
        Files.createSymbolicLink(run.resolve("record.json"), Path.of("/dev/zero"));
        refused("record.json: not a regular file (a symbolic link)", "report", "verify", run.toString());
        Path signed = Files.createDirectories(dir.resolve("linked-signature"));
        Files.writeString(signed.resolve("record.json"), "{}");
        Files.createSymbolicLink(signed.resolve("record.json.sig"), Path.of("/dev/zero"));
        refused("record.json.sig: not a regular file (a symbolic link)", "report", "verify", signed.toString());
    }

    @Test
    public void imageCommandsRefuseFifosDevicesAndHugeFilesAtOnce() throws Exception {
        refused("error: " + fifo + ": not a regular file (a device, FIFO or socket)", "image", "inspect", fifo.toString());
        refused("error: /dev/zero: not a regular file (a device, FIFO or socket)", "image", "inspect", "/dev/zero");
        refused("error: --trust /dev/zero: not a regular file", "image", "inspect", "--trust", "/dev/zero", "/dev/null");
        refused("error: --trust " + fifo + ": not a regular file", "image", "inspect", "--trust", fifo.toString(), "/dev/null");
        Path huge = dir.resolve("huge.bin");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(3L << 30);
        }
        refused("error: " + huge + ": too large: 3221225472 bytes, more than the 1 GiB an image may have",
                "image", "inspect", huge.toString());
        refused("error: " + huge + ": too large", "image", "sign", "-o", dir.resolve("out.bin").toString(), huge.toString());
        Files.delete(huge);
    }
}
