package dev.starbench.cli;

import dev.starbench.bench.Bench;
import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.power.PowerProtocol;
import dev.starbench.bench.power.PowerState;
import dev.starbench.config.ConfigException;
import dev.starbench.config.ConfigLoader;
import dev.starbench.config.Fixture;
import dev.starbench.run.BenchLease;
import dev.starbench.run.LoggingLevels;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A technician's power switch: the same drivers a run uses, under the bench's lease, and the state
 * the switch confirmed (or why it is unknown). The supply stays where the command put it.
 */
@Command(name = "power", description = "Switches or reads the DUT's power through the fixture's driver, under the bench's lease.")
final class PowerCommand implements Callable<Integer> {
    enum Action { on, off, cycle, status }

    @Parameters(index = "0", description = "on, off, cycle or status")
    Action action;

    @Option(names = "--fixture", required = true, description = "The bench's wiring (YAML).")
    Path fixturePath;

    @Mixin
    LeaseDirOption leases;

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        Fixture fixture;
        try {
            fixture = ConfigLoader.loadFixture(fixturePath);
        } catch (ConfigException e) {
            err.println("error: " + e.getMessage());
            return Main.BAD_INPUT;
        }
        if (fixture.qemu() != null || fixture.virtualDut() != null) {
            err.println("error: " + fixturePath + " runs its DUT inside the bench (QEMU or the virtual DUT): it exists only"
                    + " while a run or `starbench console` holds the bench, so there is no supply to switch from here");
            return Main.BAD_INPUT;
        }
        if (action == Action.status && fixture.power().pin() != null) {
            // Claiming the line to read it would drive it: a relay bench has no state to read from outside a run.
            out.println("DUT power: " + describe(PowerState.unknown("the gpio-relay driver cannot read a relay line"
                    + " without driving it, and nothing senses the supply")));
            return 2;
        }
        LoggingLevels.apply(fixture.logging());
        String holder = "power-" + action + "-" + ProcessHandle.current().pid();
        try (BenchLease lease = BenchLease.acquire(leases.dir(), fixture.benchId(),
                holder, Duration.ofMinutes(10), Clock.systemUTC());
             Bench bench = Bench.openPower(fixture, action == Action.on || action == Action.cycle)) {
            PowerState reached = apply(bench.power());
            out.println("DUT power: " + describe(reached));
            return reached.isKnown() ? 0 : 2;
        } catch (BenchLease.Busy e) {
            err.println("error: " + e.getMessage());
            return Main.BENCH_BUSY;
        } catch (BenchIoException e) {
            out.println("DUT power: " + describe(PowerState.unknown(e.getMessage())));
            err.println("bench fault: " + e.getMessage());
            return 2;
        }
    }

    private PowerState apply(PowerProtocol power) throws BenchIoException {
        return switch (action) {
            case on -> power.on();
            case off -> power.off();
            case cycle -> power.cycle();
            case status -> power.status();
        };
    }

    /** "on, confirmed (the plug reported ...)", "UNKNOWN (why)". */
    static String describe(PowerState s) {
        return (s.isKnown() ? s.word() + ", " + s.basisWord() : "UNKNOWN") + " (" + s.detail() + ")";
    }
}
