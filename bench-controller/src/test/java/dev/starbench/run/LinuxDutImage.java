package dev.starbench.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real-Linux DUT as scripts/build-linux-dut makes it, in the tester's ~/.starbench/linux-dut, where
 * the script and the shipped fixture put it: built once, shared with the tester's own runs, and kept by
 * CI between runs (the tests' user.home is a directory under target/, which a clean checkout lacks). Maven
 * builds it before the tests (bench-controller's pom), because a test fork's network namespace has no
 * route to Debian's archive; here the script only confirms it is up to date.
 */
final class LinuxDutImage {
    /** STARBENCH_LINUX_DUT names another directory: a build of changed sources that must not replace the shared one. */
    static final Path DIR = System.getenv("STARBENCH_LINUX_DUT") != null ? Path.of(System.getenv("STARBENCH_LINUX_DUT"))
            : Path.of(System.getenv().getOrDefault("HOME", System.getProperty("user.home")), ".starbench", "linux-dut");
    private static final long BUILD_TIMEOUT_MIN = 20;

    private LinuxDutImage() {
    }

    /** Builds the image unless it is up to date; returns its directory. */
    static Path ensure() throws IOException, InterruptedException {
        build(DIR);
        return DIR;
    }

    /** Runs the build script on {@code dir}; returns what it printed, or fails the test with it. */
    static String build(Path dir) throws IOException, InterruptedException {
        Path log = Files.createTempFile("build-linux-dut", ".log");
        try {
            Process p = new ProcessBuilder(VirtualBench.root().resolve("scripts/build-linux-dut").toString(),
                    dir.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(BUILD_TIMEOUT_MIN, TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("scripts/build-linux-dut " + dir + " took over " + BUILD_TIMEOUT_MIN
                        + " min: " + Files.readString(log, StandardCharsets.UTF_8));
            }
            String printed = Files.readString(log, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new AssertionError("scripts/build-linux-dut " + dir + " failed (exit " + p.exitValue() + ";"
                        + " a test fork cannot download, so run the tests through Maven, which builds it first):\n"
                        + printed);
            }
            return printed;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    static String read(String name) throws IOException {
        return Files.readString(DIR.resolve(name), StandardCharsets.UTF_8);
    }
}
