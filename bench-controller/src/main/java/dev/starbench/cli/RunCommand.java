package dev.starbench.cli;

import dev.starbench.config.ConfigException;
import dev.starbench.config.ConfigLoader;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Fixture;
import dev.starbench.run.BenchLease;
import dev.starbench.report.DeviceKey;
import dev.starbench.run.LoggingLevels;
import dev.starbench.run.OtherUnits;
import dev.starbench.run.RunHooks;
import dev.starbench.run.Runner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", description = "Run the checks against the DUT and write reports/<run-id>/.")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--fixture", required = true, description = "The bench's wiring (YAML).")
    Path fixture;

    @Option(names = "--device", required = true, description = "The device profile (YAML).")
    Path device;

    @Option(names = "--out", defaultValue = "reports", description = "Where run directories go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--check", description = "Run only this check (repeatable); `list-checks` lists the ids.")
    List<String> checks;

    @Mixin
    LeaseDirOption leases;

    @Option(names = "--history", paramLabel = "JDBC-URL", description = "Record the run in this database "
            + "(default: $STARBENCH_HISTORY_URL, the fixture's history:, or ~/.starbench/history.db).")
    String history;

    @Option(names = "--other-unit", paramLabel = "DIR", description = "The run directory of another unit of this model"
            + " (repeatable): comms.device-identity FAILs when this unit's public key is the one recorded there.")
    List<Path> otherUnits;

    @Override
    public Integer call() {
        Fixture f;
        DeviceProfile p;
        try {
            f = ConfigLoader.loadFixture(fixture);
            p = ConfigLoader.loadProfile(device);
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            return Main.BAD_INPUT;
        }
        List<DeviceKey.OtherUnit> others;
        try {
            others = OtherUnits.read(otherUnits);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return Main.BAD_INPUT;
        }
        LoggingLevels.apply(f.logging());
        return execute(new Runner.Request(f, p, out, leases.dir(), checks, null, others), history);
    }

    /**
     * Runs and maps what can go wrong to the documented exit codes; `rerun` shares it. The run is
     * recorded in the history and announced on the fixture's lab broker.
     */
    static int execute(Runner.Request request, String history) {
        try (RunHooks hooks = new RunHooks(System.out, history, true)) {
            return new Runner(System.out, Clock.systemUTC(), hooks).run(request).exitCode();
        } catch (BenchLease.Busy e) {
            System.err.println("error: " + e.getMessage());
            return Main.BENCH_BUSY;
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return Main.BAD_INPUT;
        } catch (IOException | UncheckedIOException e) {
            System.err.println("error: " + e.getMessage());
            return Main.REPORT_FAILED;
        }
    }
}
