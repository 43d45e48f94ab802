package dev.starbench.run;

import dev.starbench.bench.Bench;
import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.update.UpdatePath;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Firmware;
import dev.starbench.config.Fixture;
import dev.starbench.console.BoundedPattern;
import dev.starbench.console.Console;
import dev.starbench.console.ExpectTimeout;
import dev.starbench.console.Prompts;
import dev.starbench.console.Transcript;
import dev.starbench.dut.Dut;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A plan entry's "install these images first": each image is pushed through the profile's update
 * path (the same {@link UpdatePath} the update checks use) with the device booted, then the device is
 * power-cycled and the version it boots is read from its console. Runs before the entry's run, with
 * the bench to itself, and keeps its console transcript next to the runs.
 *
 * <p>It boots the device by hand (power-cycle, wait for a login or shell) because the Dut has no
 * strategy yet; when it gets one, this is the one class to change.
 */
final class InstallFirst {
    /** @param version the version the device boots afterwards, or null when the profile's pattern found none */
    record Outcome(boolean installed, String version, String detail) {
    }

    private InstallFirst() {
    }

    static Outcome install(Fixture fixture, DeviceProfile profile, List<Path> images, Path transcript, PrintStream out)
            throws InterruptedException {
        Firmware fw = profile.firmware();
        if (fw == null || fw.update() == null) {
            return new Outcome(false, null, "the profile declares no firmware.update path to install through");
        }
        Duration boot = Duration.ofMillis(profile.timeouts().bootMs());
        Bench bench = null;
        Console console = null;
        try (UpdatePath path = UpdatePath.of(fw.update(), profile.network() == null ? null : profile.network().cloud())) {
            console = new Console(new Transcript(transcript));
            bench = Bench.open(fixture, profile);
            console.attach(bench.openSerial(console));
            Dut dut = new Dut(bench.power(), bench.buttons(), console, bench, profile, (state, cause) -> { });
            try {
                for (Path image : images) {
                    bootToLogin(dut, console, boot, "install-first: boot before pushing " + image.getFileName());
                    path.awaitReady();
                    UpdatePath.Answer answer = path.push(Files.readAllBytes(image), image.getFileName().toString(),
                            Duration.ofMillis(fw.installTimeoutMs()));
                    out.printf("  install %s via %s: %s%n", image.getFileName(), path.describe(), answer.describe());
                    if (!Boolean.TRUE.equals(answer.accepted())) {
                        return new Outcome(false, null, "the device did not install " + image + ": " + answer.describe());
                    }
                }
                long from = dut.powerCycle("install-first: boot the installed image");
                String version = null;
                try {
                    version = console.expect(boot, BoundedPattern.compile(fw.versionPattern())).group(1);
                } catch (ExpectTimeout e) {
                    if (console.position() == from) {
                        return new Outcome(false, null, "the console sent no byte within " + boot.toMillis()
                                + " ms of power-on after the install");
                    }
                }
                return new Outcome(true, version, version == null ? "installed; the boot shows no version the profile's "
                        + "firmware.version-pattern matches" : "installed; the device boots " + version);
            } finally {
                dut.powerOff("install-first: done");
            }
        } catch (BenchIoException | ExpectTimeout | IOException e) {
            return new Outcome(false, null, "install-first failed: " + e.getMessage());
        } finally {
            if (console != null) {
                console.close();
            }
            if (bench != null) {
                bench.close();
            }
        }
    }

    private static void bootToLogin(Dut dut, Console console, Duration boot, String cause)
            throws BenchIoException, ExpectTimeout {
        dut.powerCycle(cause);
        console.expect(boot, Prompts.LOGIN, Prompts.SHELL);
    }
}
