package dev.starbench.checks.debug;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.debug.Attachment;
import dev.starbench.bench.debug.OpenOcdDriver;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.CheckId;
import dev.starbench.checks.Evidence;
import dev.starbench.checks.NotApplicable;
import dev.starbench.config.DebugPort;
import dev.starbench.config.DebugProbe;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * EN 303 645 5.6-4, JC-STAR S1.1-13/14: the JTAG/SWD port is disabled (fused) or locked, so it reads
 * no memory. A real OpenOCD attaches through the fixture's probe, after a fresh boot with the
 * production firmware running, and only reads; the states are OPEN, LOCKED and DEAD.
 */
public class JtagSwdCheck {

    @Test
    @CheckId("debug.jtag-swd")
    public void debugPortReadsNoMemory(ITestContext testContext) throws BenchIoException {
        CheckContext ctx = CheckContext.of(testContext);
        DebugProbe probe = ctx.fixture().debugProbe();
        DebugPort port = ctx.profile().debugPort();
        if (probe == null) {
            throw new NotApplicable("the fixture wires no debug probe (`debug-probe`): this bench cannot reach a JTAG/SWD port");
        }
        if (port == null) {
            throw new NotApplicable("the profile declares no JTAG/SWD port (`debug-port`)");
        }
        if (!probe.transport().equals(port.transport())) {
            throw new BenchFault("the fixture's probe speaks " + probe.transport() + " but the profile's port is "
                    + port.transport() + ": this bench cannot test this port as wired");
        }
        Evidence evidence = ctx.evidence();
        // Some parts re-arm their lock at every reset (nRF52 rev 3): what counts is the port as the
        // production firmware leaves it after a boot, not as an earlier check left it.
        ctx.dut().freshBoot("debug.jtag-swd: the production firmware running, as after any reset");
        OpenOcdDriver.Attach attach = ctx.services().debugProbe().attach(evidence::step);
        evidence.file("OpenOCD's whole log", attach.log());
        evidence.file("the requests the bench sent OpenOCD, with its answers", attach.requests());
        Attachment a = attach.attachment();
        a.notes().forEach(evidence::note);
        a.accessPorts().forEach(ap -> evidence.note(ap.toString()));
        a.reads().forEach(r -> evidence.note("memory " + r));
        a.lockEvidence().forEach(evidence::note);
        switch (a.state()) {
            case OPEN -> {
                a.reads().stream().filter(Attachment.MemoryRead::ok).forEach(r -> evidence.finding("readable through the"
                        + " debug port: " + r));
                throw new AssertionError("OPEN: " + a.reason());
            }
            case LOCKED -> evidence.finding("LOCKED: " + a.reason());
            case DEAD -> dead(a, probe, port, evidence);
            case UNKNOWN -> throw new BenchFault(a.reason());
        }
    }

    /**
     * Nothing answered. Fused off and a loose wire look the same, unless the maker declares the port
     * fused and a reference board of the same type answered through this very probe.
     */
    private static void dead(Attachment a, DebugProbe probe, DebugPort port, Evidence evidence) {
        String what = "DEAD: " + a.reason();
        DebugProbe.Reference ref = probe.reference();
        if (!port.fused()) {
            throw new BenchFault(what + "; the maker does not declare the port fused off, so this is a wiring or"
                    + " power fault until shown otherwise");
        }
        if (ref == null) {
            throw new BenchFault(what + "; the maker declares the port fused off, but no reference board's ID is recorded"
                    + " for this bench (`debug-probe.reference`), so fused cannot be told from miswired");
        }
        if (port.expectedId() != null && ref.id() != port.expectedId()) {
            throw new BenchFault(String.format("%s; the fixture's reference board (%s) answered with 0x%08x, but this part"
                    + " answers 0x%08x: it is not a reference for this DUT", what, ref.board(), ref.id(), port.expectedId()));
        }
        evidence.finding(String.format("%s; as the maker declares, the port is fused off: the same probe read ID 0x%08x"
                + " from the reference board %s on this bench (recorded %s)", what, ref.id(), ref.board(), ref.recorded()));
    }
}
