package dev.starbench.config;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/** The `qemu` power driver's fixture section: its defaults, and one test per error with file, line and field. */
public class QemuFixtureTest {
    private static final Path ROOT = Path.of(System.getProperty("starbench.root", ".."));
    private static final String HEAD = """
            bench-id: q1
            power: {driver: qemu}
            """;

    private final AtomicInteger files = new AtomicInteger();
    private Path dir;

    @BeforeClass
    public void tempDir() throws Exception {
        dir = Files.createTempDirectory("starbench-qemu-config");
        // Stand-ins: the loader checks that the files exist, not what they hold; drives without
        // create-size-mb and the firmware must exist too.
        Files.writeString(dir.resolve("Image"), "kernel");
        Files.writeString(dir.resolve("initramfs.cpio"), "initrd");
        Files.createDirectories(dir.resolve("fw"));
        for (String name : List.of("fw/u-boot.bin", "env.img", "a.img", "a.qcow2")) {
            Files.write(dir.resolve(name), new byte[] {1});
        }
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("case" + files.incrementAndGet() + ".yaml"), yaml);
    }

    private void assertError(String yaml, int line, int column, String field, String problem) throws Exception {
        Path file = write(yaml);
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadFixture(file));
        assertEquals(e.getMessage(), file + ":" + line + ":" + column + ": " + field + ": " + problem);
    }

    @Test
    public void exampleFixtureLoads() throws Exception {
        Fixture fixture = ConfigLoader.loadFixture(ROOT.resolve("fixtures/qemu-uboot-arm64.yaml"));

        assertEquals(fixture.power(), new Fixture.Power("qemu", null, false, 0));
        assertNull(fixture.gpio());
        assertNull(fixture.serial().path());
        Fixture.Qemu qemu = fixture.qemu();
        assertEquals(qemu.machine(), "virt");
        assertEquals(qemu.firmware(), Path.of("/usr/lib/u-boot/qemu_arm64/u-boot.bin"));
        assertEquals(qemu.drives(), List.of(new Fixture.Drive(
                ROOT.resolve("reports/qemu-uboot-arm64-flash1.img").toAbsolutePath().normalize(), "pflash", 1, "raw", 64)));
    }

    @Test
    public void exampleProfileLoads() throws Exception {
        DeviceProfile profile = ConfigLoader.loadProfile(ROOT.resolve("device-profiles/qemu-uboot.yaml"));

        assertEquals(profile.bootloader().type(), "u-boot");
        assertEquals(profile.console().baud(), 115200);
        assertNull(profile.simulation());
    }

    @Test
    public void minimalSectionGetsTheDebianDefaults() throws Exception {
        Fixture fixture = ConfigLoader.loadFixture(write(HEAD + """
                qemu:
                  drives:
                    - file: env.img
                """));

        assertEquals(fixture.qemu(), new Fixture.Qemu("qemu-system-aarch64", "virt", "cortex-a57", 256,
                Path.of("/usr/lib/u-boot/qemu_arm64/u-boot.bin"),
                List.of(new Fixture.Drive(dir.resolve("env.img").toAbsolutePath(), "pflash", null, "raw", null))));
        assertEquals(fixture.power().offTimeMs(), 500);
        assertEquals(fixture.power().describe(), "QEMU");
    }

    @Test
    public void relativeFirmwareIsReadFromTheFixturesDirectory() throws Exception {
        Fixture fixture = ConfigLoader.loadFixture(write(HEAD + "qemu: {firmware: fw/u-boot.bin}\n"));

        assertEquals(fixture.qemu().firmware(), dir.resolve("fw/u-boot.bin").toAbsolutePath());
    }

    @Test
    public void qemuDriverNeedsItsSection() throws Exception {
        assertError(HEAD, 1, 1, "qemu", "required field is missing");
    }

    @Test
    public void sectionWithoutTheDriver() throws Exception {
        assertError("""
                bench-id: q1
                gpio: {provider: mock}
                power: {driver: gpio-relay, pin: 17}
                serial: {path: /dev/ttyUSB0}
                qemu: {machine: virt}
                """, 5, 7, "qemu", "only used with power driver qemu (power.driver is gpio-relay)");
    }

    @Test
    public void qemuDriverHasNoPin() throws Exception {
        assertError("""
                bench-id: q1
                power: {driver: qemu, pin: 17}
                qemu: {}
                """, 2, 28, "power.pin", "the qemu driver switches no GPIO line; remove the pin");
    }

    @Test
    public void relayStillNeedsGpio() throws Exception {
        assertError("""
                bench-id: q1
                power: {driver: gpio-relay, pin: 17}
                serial: {path: /dev/ttyUSB0}
                """, 1, 1, "gpio", "required field is missing");
    }

    @Test
    public void qemuAndVirtualDutExcludeEachOther() throws Exception {
        assertError(HEAD + """
                qemu: {}
                virtual-dut: {jar: vdut.jar}
                """, 4, 14, "virtual-dut", "the qemu driver runs the DUT itself; a fixture has either qemu or virtual-dut");
    }

    @Test
    public void qemuBringsItsOwnSerialPath() throws Exception {
        assertError(HEAD + """
                qemu: {}
                serial: {path: /dev/ttyUSB0}
                """, 4, 16, "serial.path", "the qemu driver provides the console's pty itself; remove the adapter");
    }

    @Test
    public void boardCannotStayOn() throws Exception {
        assertError(HEAD + """
                qemu: {}
                final-state: "on"
                """, 4, 14, "final-state", "a QEMU board cannot outlive the run; it ends off");
    }

    @Test
    public void machineNameCannotCarryArguments() throws Exception {
        assertError(HEAD + """
                qemu:
                  machine: virt -s
                """, 4, 12, "qemu.machine", "must be a QEMU machine name (letters, digits, '.', '_', '-', "
                + "with ,key=value options), got 'virt -s'");
    }

    @Test
    public void memoryMustBePositive() throws Exception {
        assertError(HEAD + "qemu: {memory-mb: 0}\n", 3, 19, "qemu.memory-mb", "must be greater than 0, got 0");
    }

    @Test
    public void driveNeedsAFile() throws Exception {
        assertError(HEAD + """
                qemu:
                  drives:
                    - interface: pflash
                """, 5, 7, "qemu.drives[0].file", "required field is missing");
    }

    @Test
    public void unknownDriveInterface() throws Exception {
        assertError(HEAD + """
                qemu:
                  drives:
                    - {file: a.img, interface: floppy}
                """, 5, 32, "qemu.drives[0].interface", "unknown value 'floppy' (allowed: pflash, virtio, sd, none)");
    }

    @Test
    public void onlyRawImagesAreMadeEmpty() throws Exception {
        assertError(HEAD + """
                qemu:
                  drives:
                    - {file: a.qcow2, format: qcow2, create-size-mb: 64}
                """, 5, 54, "qemu.drives[0].create-size-mb",
                "only a raw image can be created empty; make a qcow2 image with qemu-img");
    }

    @Test
    public void negativeDriveIndex() throws Exception {
        assertError(HEAD + """
                qemu:
                  drives:
                    - {file: a.img, index: -1}
                """, 5, 28, "qemu.drives[0].index", "must not be negative, got -1");
    }

    @Test
    public void kernelInitrdAppendAndForwards() throws Exception {
        Fixture fixture = ConfigLoader.loadFixture(write(HEAD + """
                qemu:
                  kernel: Image
                  initrd: initramfs.cpio
                  append: console=ttyAMA0,115200 quiet
                  restrict: false
                  forward:
                    - {host: 21922, guest: 22}
                    - {host: 21961, guest: 161, protocol: udp}
                    - {host: 21922, guest: 22, protocol: udp}
                """));

        Fixture.Qemu qemu = fixture.qemu();
        assertEquals(qemu.kernel(), dir.resolve("Image").toAbsolutePath());
        assertEquals(qemu.initrd(), dir.resolve("initramfs.cpio").toAbsolutePath());
        assertEquals(qemu.append(), "console=ttyAMA0,115200 quiet");
        assertEquals(qemu.forwards(), List.of(new Fixture.Forward("tcp", 21922, 22),
                new Fixture.Forward("udp", 21961, 161), new Fixture.Forward("udp", 21922, 22)));
        assertTrue(qemu.networked());
        assertFalse(qemu.restrict());
    }

    @Test
    public void aBoardWithoutKernelOrForwards() throws Exception {
        Fixture.Qemu qemu = ConfigLoader.loadFixture(write(HEAD + "qemu: {}\n")).qemu();

        assertNull(qemu.kernel());
        assertNull(qemu.append());
        assertEquals(qemu.forwards(), List.of());
        assertFalse(qemu.networked());
        assertTrue(qemu.restrict(), "the guest reaches nothing by default");
    }

    @Test
    public void missingKernelFile() throws Exception {
        assertError(HEAD + """
                qemu:
                  kernel: no-such/Image
                """, 4, 11, "qemu.kernel", "file not found: " + dir.resolve("no-such/Image").toAbsolutePath()
                + " (for the real-Linux DUT: scripts/build-linux-dut makes it)");
    }

    @Test
    public void initrdNeedsAKernel() throws Exception {
        assertError(HEAD + """
                qemu:
                  initrd: initramfs.cpio
                """, 4, 11, "qemu.initrd", "only used with a kernel (qemu.kernel)");
    }

    @Test
    public void appendNeedsAKernel() throws Exception {
        assertError(HEAD + """
                qemu:
                  append: console=ttyAMA0
                """, 4, 11, "qemu.append", "only used with a kernel (qemu.kernel)");
    }

    @Test
    public void appendIsOneLine() throws Exception {
        assertError(HEAD + """
                qemu:
                  kernel: Image
                  append: "console=ttyAMA0\\ninit=/bin/sh"
                """, 5, 11, "qemu.append", "must be one line of printable ASCII (no newline, NUL or other control "
                + "character), got U+000A at character 16");
    }

    @Test
    public void appendHasNoNul() throws Exception {
        assertError(HEAD + """
                qemu:
                  kernel: Image
                  append: "quiet\\0"
                """, 5, 11, "qemu.append", "contains the control character U+0000 (NUL) at position 6; control "
                + "characters (escape sequences, NUL, carriage return) are not allowed");
    }

    @Test
    public void theFlawsComeFromTheProfileNotTheFixture() throws Exception {
        assertError(HEAD + """
                qemu:
                  kernel: Image
                  append: console=ttyAMA0 starbench.flaws=root-console
                """, 5, 11, "qemu.append",
                "must not set starbench.flaws=: the device profile's simulation.flaws does");
    }

    @Test
    public void forwardedPortsAreInRange() throws Exception {
        assertError(HEAD + """
                qemu:
                  forward:
                    - {host: 0, guest: 22}
                """, 5, 14, "qemu.forward[0].host", "must be a port between 1 and 65535, got 0");
        assertError(HEAD + """
                qemu:
                  forward:
                    - {host: 21922, guest: 65536}
                """, 5, 28, "qemu.forward[0].guest", "must be a port between 1 and 65535, got 65536");
    }

    @Test
    public void forwardNeedsBothPorts() throws Exception {
        assertError(HEAD + """
                qemu:
                  forward:
                    - {host: 21922}
                """, 5, 7, "qemu.forward[0].guest", "required field is missing");
    }

    @Test
    public void duplicateHostPort() throws Exception {
        assertError(HEAD + """
                qemu:
                  forward:
                    - {host: 21922, guest: 22}
                    - {host: 21923, guest: 23}
                    - {host: 21922, guest: 2222}
                """, 7, 14, "qemu.forward[2].host", "host port 21922/tcp is already forwarded by forward[0]");
    }

    @Test
    public void unknownForwardProtocol() throws Exception {
        assertError(HEAD + """
                qemu:
                  forward:
                    - {host: 21922, guest: 22, protocol: sctp}
                """, 5, 42, "qemu.forward[0].protocol", "unknown value 'sctp' (allowed: tcp, udp)");
    }

    @Test
    public void aUdpForwardOnARestrictedNetworkIsRefusedWhereItIsWritten() throws Exception {
        assertError(HEAD + """
                qemu:
                  forward:
                    - {host: 21922, guest: 22}
                    - {host: 21956, guest: 5683, protocol: udp}
                """, 6, 44, "qemu.forward[1].protocol", "a UDP forward needs `restrict: false` (QEMU's restricted user"
                + " network drops every UDP datagram the guest sends, so its answers never come back)");
    }
}
