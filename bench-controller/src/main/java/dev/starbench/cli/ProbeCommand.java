package dev.starbench.cli;

import dev.starbench.bench.Bench;
import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.debug.Attachment;
import dev.starbench.bench.debug.OpenOcdDriver;
import dev.starbench.config.ConfigException;
import dev.starbench.config.ConfigLoader;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Fixture;
import dev.starbench.console.Console;
import dev.starbench.console.Transcript;
import dev.starbench.dut.Boot;
import dev.starbench.dut.Dut;
import dev.starbench.run.BenchLease;
import dev.starbench.run.LoggingLevels;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "probe", description = "Attach the fixture's debug probe to the DUT's JTAG/SWD port once, after a fresh"
        + " boot, and print what it found: OPEN, LOCKED or DEAD, with the IDs, AP IDRs, memory reads and lock registers.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:LOCKED: the port answers and denies memory", "1:OPEN: memory is readable through the port",
                "2:DEAD or the bench could not tell", "3:bad input (no debug-probe or debug-port section)", "4:bench busy"})
final class ProbeCommand implements Callable<Integer> {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    @Option(names = "--fixture", required = true, description = "The bench's wiring (YAML) with a debug-probe section.")
    Path fixture;

    @Option(names = "--device", required = true, description = "The device profile (YAML) with a debug-port section.")
    Path device;

    @Option(names = "--out", defaultValue = "reports", description = "Where the probe's directory goes (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    LeaseDirOption leases;

    @Override
    public Integer call() {
        PrintStream stdout = System.out;
        Fixture f;
        DeviceProfile p;
        try {
            f = ConfigLoader.loadFixture(fixture);
            p = ConfigLoader.loadProfile(device);
            if (f.debugProbe() == null) {
                throw ConfigLoader.problemAt(fixture, "the fixture wires no debug probe (add a debug-probe section)");
            }
            if (p.debugPort() == null) {
                throw ConfigLoader.problemAt(device, "the profile declares no debug port (add a debug-port section)");
            }
            if (!f.debugProbe().transport().equals(p.debugPort().transport())) {
                throw ConfigLoader.problemAt(fixture, "the probe speaks " + f.debugProbe().transport() + ", the profile's port is "
                        + p.debugPort().transport(), "debug-probe", "transport");
            }
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            return Main.BAD_INPUT;
        }
        LoggingLevels.apply(f.logging());
        Clock clock = Clock.systemUTC();
        String id = "probe-" + STAMP.format(clock.instant());
        Path dir = out.resolve(id);
        try (BenchLease lease = BenchLease.acquire(leases.dir(), f.benchId(), id, Duration.ofHours(1), clock)) {
            Files.createDirectories(dir);
            Console console = new Console(new Transcript(dir.resolve("console.transcript")));
            try (Bench bench = Bench.open(f, p); console; OpenOcdDriver driver = new OpenOcdDriver(f.debugProbe(), p.debugPort(), dir)) {
                console.attach(bench.openSerial(console));
                Dut dut = new Dut(bench.power(), bench.buttons(), console, bench, p,
                        (state, cause, reached) -> stdout.printf("  power %s (%s)%n", state, cause));
                stdout.printf("Probe on bench %s: %s over %s%n", f.benchId(), f.debugProbe().driver(), f.debugProbe().transport());
                // Production firmware running: some parts re-arm their lock at every reset.
                Boot boot = dut.freshBoot("probe: a fresh boot");
                stdout.printf("  the firmware booted to %s%s%n", boot.stage(), boot.reachedOs()
                        ? String.format(" in %.1f s", boot.bootTime().toMillis() / 1000.0) : " (no OS prompt; attaching anyway)");
                OpenOcdDriver.Attach a = driver.attach(step -> stdout.printf("  %s%n", step));
                dut.powerOff("probe: done");
                print(stdout, a);
                return switch (a.attachment().state()) {
                    case LOCKED -> 0;
                    case OPEN -> 1;
                    case DEAD, UNKNOWN -> 2;
                };
            }
        } catch (BenchLease.Busy e) {
            System.err.println("error: " + e.getMessage());
            return Main.BENCH_BUSY;
        } catch (BenchIoException e) {
            System.err.println("error: the bench failed: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }

    private static void print(PrintStream out, OpenOcdDriver.Attach a) {
        Attachment at = a.attachment();
        out.printf("%n%s%n", at.describe());
        if (at.id() != null) {
            out.printf("  ID         0x%08x%n", at.id());
        }
        if (at.dpidr() != null) {
            out.printf("  DPIDR      0x%08x%n", at.dpidr());
        }
        at.accessPorts().forEach(ap -> out.printf("  %s%n", ap));
        at.reads().forEach(r -> out.printf("  memory     %s%n", r));
        at.lockEvidence().forEach(l -> out.printf("  lock       %s%n", l));
        at.notes().forEach(n -> out.printf("  note       %s%n", n));
        out.printf("OpenOCD's log: %s%nRequests:      %s%n", a.log(), a.requests());
    }
}
