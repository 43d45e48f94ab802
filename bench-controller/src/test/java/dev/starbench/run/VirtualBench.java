package dev.starbench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** A profile's text without its {@code network:} section: a console-only device. */
    public static String withoutNetwork(String profile) {
        int start = profile.indexOf("\nnetwork:\n");
        int end = profile.indexOf("\nsimulation:\n");
        if (start < 0 || end < start) {
            throw new IllegalStateException("the profile no longer has network: before simulation:");
        }
        return profile.substring(0, start) + profile.substring(end);
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

    /** Processes started from this JVM that are still alive (the virtual DUT, socat). */
    public static List<ProcessHandle> liveChildren() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
    }

    public static String describe(List<ProcessHandle> handles) {
        return handles.stream().map(h -> h.pid() + " " + h.info().commandLine().orElse("?")).collect(Collectors.joining("; "));
    }
}
