package dev.starbench.vdut.jtag;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import dev.starbench.vdut.contract.DebugPortSettings;
import dev.starbench.vdut.contract.Flaw;
import dev.starbench.vdut.contract.SimulationSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.Test;

/**
 * The debug port through its real remote_bitbang socket, driven bit by bit as a probe does: the TAP's
 * IDCODE, IR capture and BYPASS, the JTAG-DP's power-up handshake, SELECT and RDBUFF, the MEM-AP over
 * the flash image, and the three devices (open, protected, fused) plus an unpowered one.
 */
public class DebugPortTest {
    private static final int IR_ABORT = 0x8;
    private static final int DPACC = 0xA;
    private static final int APACC = 0xB;
    private static final int IDCODE = 0xE;
    private static final int BYPASS = 0xF;
    private static final byte[] IMAGE = "firmware bytes at address zero, as the factory wrote them".getBytes();

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private DebugPort port;
    private Probe probe;

    @AfterMethod(alwaysRun = true)
    public void close() throws IOException {
        if (probe != null) {
            probe.close();
        }
        if (port != null) {
            port.close();
        }
    }

    private Probe attach(Flaw... flaws) throws IOException {
        Path socket = Files.createTempDirectory("vdut-jtag").resolve("rbb.sock");
        SimulationSettings sim = new SimulationSettings(null, null, null, null, null, null, Set.of(flaws), null, null,
                new DebugPortSettings(null, socket.toString(), null, null), null, null, null);
        port = DebugPort.start(sim, IMAGE, log::add);
        probe = new Probe(socket);
        return probe;
    }

    @Test
    public void openPortReadsTheFlashImageThroughTheMemAp() throws Exception {
        Probe p = attach(Flaw.JTAG_OPEN);
        port.power(true);

        p.resetTap();
        assertEquals(p.shiftDr(0, 32), DebugPortSettings.DEFAULT_IDCODE, "Test-Logic-Reset selects IDCODE");
        assertEquals(p.shiftIr(BYPASS), 0b0001, "IR captures 01 in its low bits");
        assertEquals(p.shiftDr(0b01011, 5), 0b10110L, "BYPASS is one bit long and captures 0: the bits come out one later");
        powerUp(p);

        assertEquals(apRead(p, 0, 0xFC), MemAp.AHB_AP_IDR);
        assertEquals(apRead(p, 1, 0xFC), CtrlAp.CTRL_AP_IDR);
        assertEquals(apRead(p, 1, CtrlAp.APPROTECTSTATUS), 1, "APPROTECTSTATUS 1: not protected");
        assertEquals(apRead(p, 0, MemAp.CSW) & MemAp.CSW_DEVICE_EN, MemAp.CSW_DEVICE_EN);

        apWrite(p, 0, MemAp.CSW, 0x12); // 32-bit, auto-increment
        apWrite(p, 0, MemAp.TAR, 0);
        byte[] read = new byte[16];
        for (int i = 0; i < 4; i++) {
            int word = apRead(p, 0, MemAp.DRW);
            for (int b = 0; b < 4; b++) {
                read[i * 4 + b] = (byte) (word >>> (8 * b));
            }
        }
        assertEquals(new String(read), new String(IMAGE, 0, 16));
        assertEquals(apRead(p, 0, MemAp.TAR), 16, "TAR advanced by one word per DRW access");
        assertEquals(dpRead(p, 0x4) & JtagDp.STICKYERR, 0);
        assertEquals(dpRead(p, 0x0), DebugPort.DPIDR);
    }

    @Test
    public void protectedPortFaultsEveryMemoryAccessAndShowsTheLock() throws Exception {
        Probe p = attach();
        port.power(true);
        p.resetTap();
        powerUp(p);

        assertEquals(apRead(p, 0, MemAp.IDR), MemAp.AHB_AP_IDR, "the AP still identifies itself");
        assertEquals(apRead(p, 0, MemAp.CSW) & MemAp.CSW_DEVICE_EN, 0, "CSW.DeviceEn 0: no transfers");
        assertEquals(apRead(p, 1, CtrlAp.APPROTECTSTATUS), 0, "APPROTECTSTATUS 0: protected");
        apWrite(p, 0, MemAp.TAR, 0);
        apRead(p, 0, MemAp.DRW);
        assertEquals(dpRead(p, 0x4) & JtagDp.STICKYERR, JtagDp.STICKYERR, "the denied read left STICKYERR");

        dpWrite(p, 0x4, 0x50000000 | JtagDp.STICKYERR);
        assertEquals(dpRead(p, 0x4) & JtagDp.STICKYERR, 0, "writing STICKYERR back as 1 clears it");
        assertTrue(log.stream().anyMatch(l -> l.contains("denied")), log.toString());
    }

    @Test
    public void eraseAllUnlocksUntilTheNextPowerOn() throws Exception {
        Probe p = attach();
        port.power(true);
        p.resetTap();
        powerUp(p);

        apWrite(p, 1, CtrlAp.ERASEALL, 1);
        assertEquals(apRead(p, 1, CtrlAp.APPROTECTSTATUS), 1);
        apWrite(p, 0, MemAp.CSW, 0x12);
        apWrite(p, 0, MemAp.TAR, 0);
        assertEquals(apRead(p, 0, MemAp.DRW), 0xFFFFFFFF, "the flash was erased");
        assertTrue(log.stream().anyMatch(l -> l.contains("ERASEALL")), log.toString());

        port.power(false);
        port.power(true);
        p.resetTap();
        powerUp(p);
        assertEquals(apRead(p, 1, CtrlAp.APPROTECTSTATUS), 0, "re-armed at power-on");
    }

    @Test
    public void fusedPortHoldsTdoHighAndAnUnpoweredOneLow() throws Exception {
        Probe p = attach(Flaw.JTAG_FUSED);
        assertEquals(p.shiftDr(0, 32), 0L, "unpowered: the pins read low");

        port.power(true);
        p.resetTap();
        assertEquals(p.shiftDr(0, 32), 0xFFFFFFFFL, "fused: no TAP, the pull-up holds TDO high");
        assertEquals(p.shiftIr(IDCODE), 0xF);
    }

    @Test
    public void bytesAndHalfwordsTravelOnTheirLanes() throws Exception {
        Probe p = attach(Flaw.JTAG_OPEN);
        port.power(true);
        p.resetTap();
        powerUp(p);

        apWrite(p, 0, MemAp.CSW, 0x10); // 8-bit, auto-increment
        apWrite(p, 0, MemAp.TAR, 0x2000_0001);
        apWrite(p, 0, MemAp.DRW, 0xAB << 8);
        apWrite(p, 0, MemAp.CSW, 0x11); // 16-bit
        apWrite(p, 0, MemAp.TAR, 0x2000_0002);
        apWrite(p, 0, MemAp.DRW, 0xCDEF << 16);
        apWrite(p, 0, MemAp.CSW, 0x12);
        apWrite(p, 0, MemAp.TAR, 0x2000_0000);
        assertEquals(apRead(p, 0, MemAp.DRW) & 0xFFFFFF00, 0xCDEFAB00);
        apWrite(p, 0, MemAp.TAR, 0x1000_0000);
        apRead(p, 0, MemAp.DRW);
        assertEquals(dpRead(p, 0x4) & JtagDp.STICKYERR, JtagDp.STICKYERR, "no memory there: a bus error");
    }

    // ---- a probe's DP and AP accesses, as ADIv5 lays them out on JTAG ---------------------------------

    private static void powerUp(Probe p) throws IOException {
        dpWrite(p, 0x4, 0x50000000);
        assertEquals(dpRead(p, 0x4) & 0xF0000000, 0xF0000000, "both power-up requests acknowledged");
    }

    private static int dpRead(Probe p, int address) throws IOException {
        p.shiftIr(DPACC);
        p.shiftDr(acc(true, address, 0), 35);
        return result(p.rdbuff());
    }

    private static void dpWrite(Probe p, int address, int value) throws IOException {
        p.shiftIr(DPACC);
        p.shiftDr(acc(false, address, value), 35);
    }

    private static int apRead(Probe p, int ap, int register) throws IOException {
        dpWrite(p, 0x8, ap << 24 | (register & 0xF0));
        p.shiftIr(APACC);
        p.shiftDr(acc(true, register & 0xC, 0), 35);
        return result(p.rdbuff());
    }

    private static void apWrite(Probe p, int ap, int register, int value) throws IOException {
        dpWrite(p, 0x8, ap << 24 | (register & 0xF0));
        p.shiftIr(APACC);
        p.shiftDr(acc(false, register & 0xC, value), 35);
    }

    private static long acc(boolean read, int address, int data) {
        return ((data & 0xFFFFFFFFL) << 3) | ((address >> 2) << 1) | (read ? 1 : 0);
    }

    private static int result(long captured) {
        assertEquals(captured & 7, 0b010L, "ACK OK/FAULT");
        return (int) (captured >>> 3);
    }

    /** A bit-banging JTAG host on the remote_bitbang socket. */
    private static final class Probe implements AutoCloseable {
        private final SocketChannel channel;
        private final OutputStream out;
        private final InputStream in;

        Probe(Path socket) throws IOException {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            out = Channels.newOutputStream(channel);
            in = Channels.newInputStream(channel);
        }

        /** TDO as sampled with TCK low, then one rising edge with these TMS and TDI. */
        boolean clock(boolean tms, boolean tdi) throws IOException {
            int v = (tms ? 2 : 0) | (tdi ? 1 : 0);
            out.write(new byte[] {(byte) ('0' + v), 'R', (byte) ('4' + v)});
            out.flush();
            int c = in.read();
            assertTrue(c == '0' || c == '1', "a TDO sample, got " + c);
            return c == '1';
        }

        void resetTap() throws IOException {
            for (int i = 0; i < 5; i++) {
                clock(true, false);
            }
            clock(false, false);
        }

        long shiftIr(int instruction) throws IOException {
            clock(true, false);  // Select-DR
            clock(true, false);  // Select-IR
            clock(false, false); // Capture-IR
            clock(false, false); // Shift-IR
            return shift(instruction, 4);
        }

        long shiftDr(long value, int length) throws IOException {
            clock(true, false);  // Select-DR
            clock(false, false); // Capture-DR
            clock(false, false); // Shift-DR
            return shift(value, length);
        }

        /** Reading RDBUFF returns the previous access's result in its capture. */
        long rdbuff() throws IOException {
            shiftIr(DPACC);
            return shiftDr(acc(true, 0xC, 0), 35);
        }

        private long shift(long value, int length) throws IOException {
            long captured = 0;
            for (int i = 0; i < length; i++) {
                if (clock(i == length - 1, ((value >>> i) & 1) != 0)) {
                    captured |= 1L << i;
                }
            }
            clock(true, false);  // Update
            clock(false, false); // Run-Test/Idle
            return captured;
        }

        @Override
        public void close() throws IOException {
            out.write('Q');
            channel.close();
        }
    }
}
