package dev.starbench.cli;

import dev.starbench.config.ConfigException;
import dev.starbench.config.ConfigLoader;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Fixture;
import dev.starbench.report.DeviceKey;
import dev.starbench.report.Hashes;
import dev.starbench.report.RecordReader;
import dev.starbench.report.RunRecord;
import dev.starbench.run.LoggingLevels;
import dev.starbench.run.OtherUnits;
import dev.starbench.run.Runner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rerun", description = {"Repeat a run with the same fixture, profile, checks, order and seed.",
        "Refuses (exit 3) when the fixture, profile or a firmware image no longer has the hash the run recorded."})
final class RerunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The run directory to repeat.")
    Path dir;

    @Option(names = "--force", description = "Rerun even if an input changed (the new manifest records the new hashes).")
    boolean force;

    @Option(names = "--out", description = "Where the new run directory goes (default: next to DIR).")
    Path out;

    @Mixin
    LeaseDirOption leases;

    @Option(names = "--other-unit", paramLabel = "DIR", description = "As for `run`: another unit's run directory"
            + " (repeatable); the run's own comparisons are not repeated unless given again.")
    List<Path> otherUnits;

    @Override
    public Integer call() {
        RunRecord.Run was;
        Fixture f;
        DeviceProfile p;
        List<DeviceKey.OtherUnit> others;
        try {
            was = RecordReader.read(dir).run();
            f = ConfigLoader.loadFixture(Path.of(was.fixturePath()));
            p = ConfigLoader.loadProfile(Path.of(was.profilePath()));
            others = OtherUnits.read(otherUnits);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return Main.BAD_INPUT;
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            return Main.BAD_INPUT;
        }
        List<String> changed = new ArrayList<>();
        compare(changed, "fixture " + was.fixturePath(), was.fixtureSha256(), f.sha256());
        compare(changed, "profile " + was.profilePath(), was.profileSha256(), p.sha256());
        for (RunRecord.FileHash image : was.firmwareImages()) {
            String now;
            try {
                now = Files.isRegularFile(Path.of(image.path())) ? Hashes.sha256(Path.of(image.path())) : "missing";
            } catch (IOException e) {
                now = "unreadable";
            }
            compare(changed, "firmware image " + image.path(), image.sha256(), now);
        }
        changed.forEach(c -> System.err.println((force ? "warning: " : "error: ") + c));
        if (!changed.isEmpty() && !force) {
            System.err.println("refusing to rerun " + was.id() + " with different inputs; --force reruns anyway");
            return Main.BAD_INPUT;
        }
        if (was.seed() == null) {
            System.err.println("warning: " + was.id() + " recorded no seed; this run draws a new one");
        }
        LoggingLevels.apply(f.logging());
        Path outDir = out != null ? out : dir.toAbsolutePath().normalize().getParent();
        System.out.println("Rerun of " + was.id() + " (seed " + was.seed() + ", checks " + String.join(", ", was.plannedChecks()) + ")");
        return RunCommand.execute(new Runner.Request(f, p, outDir, leases.dir(), was.plannedChecks(), was.seed(), others), null);
    }

    private static void compare(List<String> changed, String what, String recorded, String now) {
        if (recorded != null && !recorded.equals(now)) {
            changed.add(what + " changed since the run (sha256 now " + now + ", recorded " + recorded + ")");
        }
    }
}
