package dev.starbench.run;

import dev.starbench.bench.Bench;
import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.update.UpdatePath;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Firmware;
import dev.starbench.config.Fixture;
import dev.starbench.console.BoundedPattern;
import dev.starbench.console.Console;
import dev.starbench.console.Transcript;
import dev.starbench.dut.Boot;
import dev.starbench.dut.Dut;
import dev.starbench.dut.TransitionFailed;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;

/**
 * A plan entry's "install these images first": each image is pushed through the profile's update
 * path (the same {@link UpdatePath} the update checks use) with the device booted to its OS by the
 * Dut's strategy, then the device boots again and the version it runs is read from that boot's log.
 * Runs before the entry's run, with the bench to itself, and keeps its console transcript next to the runs.
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
        Bench bench = null;
        Console console = null;
        // Outside any run, so no run seed: offer ids need only be fresh.
        try (UpdatePath path = UpdatePath.of(fw.update(), profile.network() == null ? null : profile.network().cloud(),
                new SecureRandom())) {
            console = new Console(new Transcript(transcript));
            bench = Bench.open(fixture, profile);
            console.attach(bench.openSerial(console));
            Dut dut = new Dut(bench.power(), bench.buttons(), console, bench, profile, (state, cause, reached) -> { });
            try {
                for (Path image : images) {
                    dut.transition(Dut.State.LOGIN, "install-first: boot before pushing " + image.getFileName());
                    path.awaitReady();
                    UpdatePath.Answer answer = path.push(Files.readAllBytes(image), image.getFileName().toString(),
                            Duration.ofMillis(fw.installTimeoutMs()));
                    out.printf("  install %s via %s: %s%n", image.getFileName(), path.describe(), answer.describe());
                    if (!Boolean.TRUE.equals(answer.accepted())) {
                        return new Outcome(false, null, "the device did not install " + image + ": " + answer.describe());
                    }
                }
                Boot boot = dut.freshBoot("install-first: boot the installed image");
                String log = boot.log(console);
                Matcher m = log == null ? null : BoundedPattern.compile(fw.versionPattern()).matcher(log);
                String version = m != null && m.find() ? m.group(1) : null;
                return new Outcome(true, version, version == null ? "installed; the boot shows no version the profile's "
                        + "firmware.version-pattern matches" : "installed; the device boots " + version);
            } finally {
                dut.powerOff("install-first: done");
            }
        } catch (BenchIoException | TransitionFailed | IOException e) {
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
}
