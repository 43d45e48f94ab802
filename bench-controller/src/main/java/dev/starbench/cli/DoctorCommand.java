package dev.starbench.cli;

import dev.starbench.doctor.Doctor;
import dev.starbench.doctor.Host;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "doctor", description = {"Check the bench before a run: Java, GPIO chip and lines, the console adapter,"
        + " the programs the fixture needs, the clock, the bench key and the space for reports.",
        "Each check says PASS, WARN or FAIL, and how to fix the last two. Only --exercise switches anything."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:nothing failed (warnings allowed)", "1:some check failed", "3:the fixture or profile does not load"})
final class DoctorCommand implements Callable<Integer> {
    @Option(names = "--fixture", required = true, description = "The bench's wiring (YAML).")
    Path fixture;

    @Option(names = "--device", description = "The device profile (YAML); the virtual fixture needs it for --exercise.")
    Path device;

    @Option(names = "--exercise", description = "Switch the power line on and off once (under the bench's lease)"
            + " and see the DUT's console answer.")
    boolean exercise;

    @Option(names = "--out", defaultValue = "reports", description = "Where runs will write reports (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    LeaseDirOption leases;

    @Override
    public Integer call() {
        Doctor.Result result = new Doctor(Host.system()).examine(new Doctor.Request(fixture, device, exercise, out,
                leases.dir()));
        PrintStream o = System.out;
        int[] counts = new int[Doctor.Status.values().length];
        for (Doctor.Finding f : result.findings()) {
            counts[f.status().ordinal()]++;
            o.printf("%-5s %-11s %s%n", f.status(), f.check(), f.detail());
            if (f.fix() != null) {
                o.printf("%-17s fix: %s%n", "", f.fix());
            }
        }
        o.printf("Summary: %d PASS, %d WARN, %d FAIL%s%n", counts[0], counts[1], counts[2],
                exercise ? "" : " (--exercise also switches the power line once and watches the DUT answer)");
        if (result.badInput()) {
            return Main.BAD_INPUT;
        }
        return result.failed() ? 1 : 0;
    }
}
