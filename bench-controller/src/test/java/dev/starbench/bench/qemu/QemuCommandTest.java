package dev.starbench.bench.qemu;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import dev.starbench.bench.BenchIoException;
import dev.starbench.config.Fixture;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/** What the qemu power driver asks QEMU for, and the U-Boot environment it writes into the board's flash. */
public class QemuCommandTest {
    private static final Path FIRMWARE = Path.of("/usr/lib/u-boot/qemu_arm64/u-boot.bin");
    private Path dir;
    private Path kernel;
    private Path initrd;

    @BeforeClass
    public void files() throws Exception {
        dir = Files.createTempDirectory("starbench-qemu-command");
        kernel = Files.writeString(dir.resolve("Image"), "kernel");
        initrd = Files.writeString(dir.resolve("initramfs.cpio"), "initrd");
    }

    private Fixture.Qemu board(List<Fixture.Drive> drives, String append, List<Fixture.Forward> forwards) {
        return board(drives, append, forwards, true);
    }

    private Fixture.Qemu board(List<Fixture.Drive> drives, String append, List<Fixture.Forward> forwards, boolean restrict) {
        return new Fixture.Qemu("qemu-system-aarch64", "virt", "cortex-a57", 512, FIRMWARE, drives, kernel, initrd,
                append, forwards, restrict);
    }

    private static List<String> command(Fixture.Qemu board, QemuPower.Guest guest) {
        return QemuPower.command(board, guest, Path.of("/run/s/serial.sock"), Path.of("/run/s/qmp.sock"));
    }

    private static String after(List<String> argv, String option) {
        int at = argv.indexOf(option);
        assertTrue(at >= 0 && at + 1 < argv.size(), option + " in " + argv);
        assertEquals(argv.lastIndexOf(option), at, option + " given once: " + argv);
        return argv.get(at + 1);
    }

    @Test
    public void forwardedPortsGiveAVirtioCardOnARestrictedUserNetwork() {
        List<String> argv = command(board(List.of(), null, List.of(new Fixture.Forward("tcp", 21922, 22),
                new Fixture.Forward("tcp", 21923, 23))), QemuPower.Guest.AS_FIXTURED);

        assertEquals(after(argv, "-netdev"), "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:21922-:22,"
                + "hostfwd=tcp:127.0.0.1:21923-:23");
        assertEquals(after(argv, "-device"), "virtio-net-pci,netdev=n0,romfile=");
        assertFalse(argv.contains("-nic"), argv.toString());
    }

    @Test
    public void aUdpForwardRunsOnAnUnrestrictedUserNetwork() {
        List<String> argv = command(board(List.of(), null, List.of(new Fixture.Forward("tcp", 21922, 22),
                new Fixture.Forward("udp", 21961, 161)), false), QemuPower.Guest.AS_FIXTURED);

        assertEquals(after(argv, "-netdev"), "user,id=n0,restrict=off,hostfwd=tcp:127.0.0.1:21922-:22,"
                + "hostfwd=udp:127.0.0.1:21961-:161");
        // restrict=on would drop the guest's answers; the loader refuses that combination where it is written
        expectThrows(IllegalArgumentException.class, () -> board(List.of(), null, List.of(new Fixture.Forward("udp", 21961, 161))));
    }

    @Test
    public void noForwardsNoNetworkCard() {
        List<String> argv = command(new Fixture.Qemu("qemu-system-aarch64", "virt", "cortex-a57", 256, FIRMWARE,
                List.of()), QemuPower.Guest.AS_FIXTURED);

        assertEquals(after(argv, "-nic"), "none");
        assertFalse(argv.contains("-netdev") || argv.contains("-kernel") || argv.contains("-append"), argv.toString());
    }

    @Test
    public void theProfilesFlawsFollowTheFixturesCommandLine() {
        List<String> argv = command(board(List.of(), "console=ttyAMA0,115200", List.of()),
                new QemuPower.Guest("starbench.flaws=root-console,telnet-open", null));

        assertEquals(after(argv, "-kernel"), kernel.toString());
        assertEquals(after(argv, "-initrd"), initrd.toString());
        assertEquals(after(argv, "-append"), "console=ttyAMA0,115200 starbench.flaws=root-console,telnet-open");
        assertEquals(after(argv, "-bios"), FIRMWARE.toString());
    }

    @Test
    public void aKernelWithoutAnyCommandLine() {
        List<String> argv = command(board(List.of(), null, List.of()), QemuPower.Guest.AS_FIXTURED);

        assertEquals(after(argv, "-kernel"), kernel.toString());
        assertFalse(argv.contains("-append"), argv.toString());
    }

    @Test
    public void theEnvironmentBlockIsWhatUbootReads() {
        byte[] block = UbootEnvironment.autobootWithoutInterrupt().block();

        assertEquals(block.length, 0x40000);
        CRC32 crc = new CRC32();
        crc.update(block, 4, block.length - 4);
        assertEquals(ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).getInt(0), (int) crc.getValue());
        String text = new String(block, 4, 400, StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("bootdelay=-2\0kernel_addr_r=0x40400000\0ramdisk_addr_r=0x44000000\0bootcmd=qfw load "
                + "${kernel_addr_r} ${ramdisk_addr_r} && booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} "
                + "${fdtcontroladdr}\0\0"), text);
        byte[] stock = UbootEnvironment.stock().block();
        assertEquals(stock.length, 0x40000);
        assertTrue(Collections.nCopies(stock.length, (byte) 0xff).equals(toList(stock)), "erased flash reads 0xff");
    }

    @Test
    public void openingTheBoardWritesTheEnvironmentIntoFlashBankOne() throws Exception {
        Path flash = dir.resolve("flash1.img");
        Fixture.Qemu board = board(List.of(new Fixture.Drive(flash, "pflash", 1, "raw", 64)), null, List.of());
        UbootEnvironment env = UbootEnvironment.autobootWithoutInterrupt();

        try (QemuPower power = QemuPower.open(board, new QemuPower.Guest("starbench.flaws=", env), Duration.ZERO)) {
            assertFalse(power.isOn());
        }

        assertEquals(Files.size(flash), 64L << 20, "the bank is made at its full size");
        byte[] written = new byte[0x40000];
        System.arraycopy(Files.readAllBytes(flash), 0, written, 0, written.length);
        assertEquals(written, env.block());
    }

    @Test
    public void anEnvironmentNeedsFlashBankOne() throws Exception {
        Fixture.Qemu board = board(List.of(new Fixture.Drive(dir.resolve("disk.img"), "virtio", null, "raw", 1)), null,
                List.of());

        BenchIoException e = expectThrows(BenchIoException.class, () -> QemuPower.open(board,
                new QemuPower.Guest(null, UbootEnvironment.stock()), Duration.ZERO));
        assertTrue(e.getMessage().contains("names no drive with interface pflash and index 1"), e.getMessage());
    }

    private static List<Byte> toList(byte[] bytes) {
        Byte[] boxed = new Byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            boxed[i] = bytes[i];
        }
        return List.of(boxed);
    }
}
