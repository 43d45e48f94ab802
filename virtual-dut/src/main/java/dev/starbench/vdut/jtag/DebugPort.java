package dev.starbench.vdut.jtag;

import dev.starbench.vdut.contract.DebugPortSettings;
import dev.starbench.vdut.contract.Flaw;
import dev.starbench.vdut.contract.SimulationSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The device's JTAG port as a probe meets it: a TAP with IDCODE and BYPASS in front of an ADIv5 JTAG-DP,
 * AP 0 an AHB-AP over the device's flash and RAM, AP 1 a CTRL-AP after nRF52's. The probe's side of the
 * wires (the remote_bitbang socket) stays connected for the process's life, as a probe stays clipped to
 * a board; what answers depends on the device:
 * <ul>
 * <li>unpowered: nothing drives TDO, and an unpowered target's pins read low (the chain reads all zeroes);</li>
 * <li>{@code jtag-fused}: the TAP is gone; the pull-up holds TDO high (the chain reads all ones);</li>
 * <li>{@code jtag-open}: the AHB-AP reads memory;</li>
 * <li>otherwise the access port protection is on from every power-on (nRF52's APPROTECT, re-armed at
 *     reset as on nRF52 rev 3): CSW.DeviceEn reads 0, memory accesses fault with STICKYERR, and CTRL-AP's
 *     APPROTECTSTATUS reads 0.</li>
 * </ul>
 */
public final class DebugPort implements RemoteBitbang.Wires, AutoCloseable {
    /** DPv1, ARM as designer: what a Cortex-M4's DP answers. */
    static final int DPIDR = 0x2BA01477;
    /** The most a flash image may hold: a microcontroller's flash, not a disk. */
    public static final int MAX_FLASH_IMAGE = 4 * 1024 * 1024;

    private final boolean open;
    private final boolean fused;
    private final TargetMemory memory;
    private final byte[] ramAtBoot;
    private final MemAp memAp;
    private final CtrlAp ctrlAp;
    private final JtagDp dp;
    private final Tap tap;
    private final Consumer<String> log;
    private RemoteBitbang server;
    private boolean powered;
    private boolean locked;
    private boolean tck;
    private boolean deniedLogged;

    private DebugPort(SimulationSettings sim, long idcode, byte[] flashImage, Consumer<String> log) {
        this.open = sim.has(Flaw.JTAG_OPEN);
        this.fused = sim.has(Flaw.JTAG_FUSED);
        this.log = log;
        this.memory = new TargetMemory(flashImage);
        this.ramAtBoot = ("vdut " + sim.hostname() + ": RAM after boot\n").getBytes(StandardCharsets.US_ASCII);
        this.memAp = new MemAp(memory, this::transfersAllowed);
        this.ctrlAp = new CtrlAp(new CtrlAp.Target() {
            @Override
            public boolean protectedNow() {
                return locked;
            }

            @Override
            public void eraseAllAndUnlock() {
                eraseAll();
            }
        });
        this.dp = new JtagDp(idcode, DPIDR, Map.of(0, memAp, 1, ctrlAp), log);
        this.tap = new Tap(dp);
    }

    /**
     * Starts listening for the probe; the device is unpowered until {@link #power(boolean)}.
     *
     * @param flashImage the flash's content from address 0; null: a built-in image
     */
    public static DebugPort start(SimulationSettings sim, byte[] flashImage, Consumer<String> log) throws IOException {
        DebugPortSettings settings = sim.debugPort();
        DebugPort port = new DebugPort(sim, settings.idcode(), flashImage == null ? builtInImage() : flashImage, log);
        port.server = RemoteBitbang.listen(settings.port(), settings.socket(), port, log);
        log.accept(String.format("JTAG IDCODE 0x%08x, flash %d bytes at 0x0, RAM %d bytes at %s; %s", settings.idcode(),
                port.memory.flashSize(), TargetMemory.RAM_SIZE, TargetMemory.RAM_BASE_TEXT,
                port.fused ? "fused off (jtag-fused)" : port.open ? "memory readable (jtag-open)"
                        : "access port protection on from every power-on"));
        return port;
    }

    /** Follows the device's supply: at power-on the TAP, the DP and the APs reset and the protection re-arms. */
    public synchronized void power(boolean on) {
        if (on == powered) {
            return;
        }
        powered = on;
        if (on) {
            tap.reset();
            dp.powerOnReset();
            memAp.powerOnReset();
            ctrlAp.powerOnReset();
            memory.resetRam(ramAtBoot);
            locked = !open;
            deniedLogged = false;
        }
    }

    @Override
    public synchronized void drive(boolean tckLevel, boolean tms, boolean tdi) {
        boolean rising = tckLevel && !tck;
        tck = tckLevel;
        if (rising && powered && !fused) {
            tap.clock(tms, tdi);
        }
    }

    @Override
    public synchronized boolean tdo() {
        if (!powered) {
            return false;
        }
        return fused || tap.tdo();
    }

    @Override
    public synchronized void reset(boolean trst, boolean srst) {
        if (trst && powered && !fused) {
            tap.reset();
        }
    }

    private boolean transfersAllowed() {
        if (locked && !deniedLogged) {
            deniedLogged = true;
            log.accept("the probe tried a memory access; denied (access port protection)");
        }
        return !locked;
    }

    private void eraseAll() {
        memory.eraseAll();
        locked = false;
        log.accept("CTRL-AP ERASEALL: flash and RAM erased, access port protection lifted until the next power-on");
    }

    /** Deterministic bytes standing in for firmware when the bench names no image. */
    private static byte[] builtInImage() {
        byte[] image = new byte[16 * 1024];
        byte[] head = "VCAM-1 virtual firmware (built in)\n".getBytes(StandardCharsets.US_ASCII);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] block = sha.digest(head);
            for (int i = 0; i < image.length; i += block.length) {
                System.arraycopy(block, 0, image, i, Math.min(block.length, image.length - i));
                block = sha.digest(block);
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        System.arraycopy(head, 0, image, 0, head.length);
        return image;
    }

    @Override
    public void close() {
        RemoteBitbang s = server;
        if (s != null) {
            s.close();
        }
    }
}
