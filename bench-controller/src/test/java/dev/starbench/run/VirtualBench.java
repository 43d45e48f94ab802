package dev.starbench.run;

import static org.testng.Assert.assertTrue;

import dev.starbench.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The repository's virtual fixture and profiles, and profile variants with chosen flaws. */
public final class VirtualBench {
    private VirtualBench() {
    }

    public static Path root() {
        String root = System.getProperty("starbench.root");
        return Path.of(root == null ? ".." : root).toAbsolutePath().normalize();
    }

    public static Path fixture() {
        return root().resolve("fixtures/virtual.yaml");
    }

    /** The virtual fixture with more YAML appended, written into {@code dir} (its jar path made absolute). */
    public static Path fixtureWith(Path dir, String name, String more) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, Files.readString(fixture()).replace("../virtual-dut/target/virtual-dut.jar",
                root().resolve("virtual-dut/target/virtual-dut.jar").toString()) + more);
        return file;
    }

    public static Path profile(String name) {
        return root().resolve("device-profiles/" + name + ".yaml");
    }

    /** The hardened profile with exactly these flaws switched on. */
    public static Path profileWithFlaws(Path dir, String... flaws) throws IOException {
        String hardened = Files.readString(profile("virtual-hardened"));
        String list = Arrays.stream(flaws).collect(Collectors.joining(", ", "[", "]"));
        String text = hardened.replace("flaws: []", "flaws: " + list);
        if (text.equals(hardened) && flaws.length > 0) {
            throw new IllegalStateException("virtual-hardened.yaml no longer has `flaws: []`");
        }
        Path file = dir.resolve("virtual-" + (flaws.length == 0 ? "hardened" : String.join("+", flaws)) + ".yaml");
        Files.writeString(file, text);
        return file;
    }

    /**
     * A profile's text without its {@code network:} section (and the unit's cloud identity in
     * {@code simulation.identity}, which needs the network's device CA), the network logins that follow
     * it, and the simulated SSH and web ports: a console-only device.
     */
    public static String withoutNetwork(String profile) {
        int start = profile.indexOf("\nnetwork:\n");
        int end = profile.indexOf("\nsimulation:\n");
        if (start < 0 || end < start) {
            throw new IllegalStateException("the profile no longer has network: before simulation:");
        }
        return withoutIdentity(profile.substring(0, start) + profile.substring(end))
                .replaceAll("\n    (?:ssh|http)-port: \\d+", "");
    }

    /** A profile's text without {@code simulation.identity} (the shipped profiles' block of three lines). */
    public static String withoutIdentity(String profile) {
        return profile.replaceAll("\n  identity:[^\n]*(\n    [^\n]*)*", "");
    }

    /** A profile's text without its OTA agent and {@code firmware:} section (the last things in the shipped profiles). */
    public static String withoutFirmware(String profile) {
        int start = profile.indexOf("\n  ota:\n");
        if (start < 0 || !profile.contains("\nfirmware:\n")) {
            throw new IllegalStateException("the profile no longer ends with simulation.ota and firmware:");
        }
        return profile.substring(0, start + 1);
    }

    /** The hardened profile as a console-only device (no network section). */
    public static Path consoleOnlyProfile(Path dir) throws IOException {
        Path file = dir.resolve("virtual-console-only.yaml");
        Files.writeString(file, withoutNetwork(Files.readString(profile("virtual-hardened"))));
        return file;
    }

    /** Starts `starbench run` as its own process (stderr to DIR/stderr.txt), with this test run's home. */
    public static Process startRun(Path dir, Path fixture, Path profile, String... more) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + System.getProperty("user.home"),
                "-cp", System.getProperty("java.class.path"), "dev.starbench.cli.Main", "run",
                "--fixture", fixture.toString(), "--device", profile.toString(),
                "--out", dir.resolve("out").toString(), "--lease-dir", dir.resolve("leases").toString()));
        cmd.addAll(List.of(more));
        return new ProcessBuilder(cmd).redirectError(dir.resolve("stderr.txt").toFile()).start();
    }

    /** Reads the run's progress until the check starts; fails with what was printed if it never does. */
    public static void awaitCheckStart(Process run, Path dir, String checkId) throws IOException {
        java.io.BufferedReader out = new java.io.BufferedReader(
                new java.io.InputStreamReader(run.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
        StringBuilder printed = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            printed.append(line).append('\n');
            if (line.contains("....  " + checkId)) {
                return;
            }
        }
        throw new AssertionError("the run never started " + checkId + ":\n" + printed + Files.readString(dir.resolve("stderr.txt")));
    }

    /** A whole run made in this JVM, and what it printed as it went. */
    record Run(Runner.Result result, String progress) {
    }

    /** Runs the checks (none: all) with the fixture and profile, outputs and leases under {@code dir}. */
    static Run run(Path dir, Path fixture, Path profile, List<String> checks, Long seed) throws Exception {
        return run(dir, fixture, profile, checks, seed, List.of());
    }

    /** As above, comparing the unit's key with other units' runs ({@code --other-unit}). */
    static Run run(Path dir, Path fixture, Path profile, List<String> checks, Long seed, List<Path> otherUnits)
            throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Runner.Result result = new Runner(new PrintStream(progress, true, StandardCharsets.UTF_8), Clock.systemUTC())
                .run(new Runner.Request(ConfigLoader.loadFixture(fixture), ConfigLoader.loadProfile(profile),
                        dir.resolve("out"), dir.resolve("leases"), checks, seed, OtherUnits.read(otherUnits)));
        return new Run(result, progress.toString(StandardCharsets.UTF_8));
    }

    static void assertNothingLeftRunning() {
        assertTrue(liveChildren().isEmpty(), "left running: " + describe(liveChildren()));
    }

    /** Processes started from this JVM that are still alive (the virtual DUT, socat), but the shared test database. */
    public static List<ProcessHandle> liveChildren() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(h -> !dev.starbench.history.TestDatabases.owns(h)).toList();
    }

    public static String describe(List<ProcessHandle> handles) {
        return handles.stream().map(h -> h.pid() + " " + h.info().commandLine().orElse("?")).collect(Collectors.joining("; "));
    }
}
