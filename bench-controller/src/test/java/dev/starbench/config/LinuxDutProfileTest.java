package dev.starbench.config;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import dev.starbench.config.DeviceProfile.Simulation;
import dev.starbench.vdut.contract.Flaw;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/** A profile for the real-Linux DUT ({@code simulation.dut: linux}): its flaws, and one test per error. */
public class LinuxDutProfileTest {
    private static final Path ROOT = Path.of(System.getProperty("starbench.root", ".."));
    private static final String HEAD = "device: {name: Linux DUT}\n";

    private final AtomicInteger files = new AtomicInteger();
    private Path dir;

    @BeforeClass
    public void tempDir() throws Exception {
        dir = Files.createTempDirectory("starbench-linuxdut-config");
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("case" + files.incrementAndGet() + ".yaml"), yaml);
    }

    private void assertError(String yaml, int line, int column, String field, String problem) throws Exception {
        Path file = write(yaml);
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadProfile(file));
        assertEquals(e.getMessage(), file + ":" + line + ":" + column + ": " + field + ": " + problem);
    }

    @Test
    public void shippedProfilesLoad() throws Exception {
        Simulation insecure = ConfigLoader.loadProfile(ROOT.resolve("device-profiles/qemu-linux-insecure.yaml")).simulation();
        Simulation hardened = ConfigLoader.loadProfile(ROOT.resolve("device-profiles/qemu-linux-hardened.yaml")).simulation();

        assertTrue(insecure.isLinuxDut());
        assertEquals(insecure.flaws(), List.of(Flaw.ROOT_CONSOLE, Flaw.DEFAULT_PASSWORD, Flaw.BOOTLOADER_OPEN,
                Flaw.SECRET_IN_BOOTLOG, Flaw.TELNET_OPEN, Flaw.SSH_DEFAULT_PASSWORD, Flaw.ANONYMOUS_BROKER, Flaw.COAP_OPEN));
        assertEquals(LinuxDut.kernelArgument(insecure.flaws()), "starbench.flaws=root-console,default-password,"
                + "bootloader-open,secret-in-bootlog,telnet-open,ssh-default-password,anonymous-broker,coap-open");
        assertTrue(hardened.isLinuxDut());
        assertEquals(hardened.flaws(), List.of());
        assertEquals(LinuxDut.kernelArgument(hardened.flaws()), "starbench.flaws=");
    }

    @Test
    public void theVirtualDutIsTheDefault() throws Exception {
        Simulation sim = ConfigLoader.loadProfile(write(HEAD + "simulation: {flaws: [telnet-open]}\n")).simulation();

        assertFalse(sim.isLinuxDut());
        assertEquals(sim.dut(), "virtual");
    }

    @Test
    public void theLinuxDutHasAFixedSetOfFlaws() throws Exception {
        assertError(HEAD + """
                simulation:
                  dut: linux
                  flaws: [root-console, plaintext-mqtt]
                """, 4, 25, "simulation.flaws[1]", "the Linux DUT does not implement plaintext-mqtt (it implements: "
                + "root-console, default-password, bootloader-open, secret-in-bootlog, anonymous-broker, telnet-open, "
                + "ssh-default-password, coap-open)");
    }

    /** The virtual DUT runs an SSH server too now; the Linux DUT's logins have no lockout to switch off. */
    @Test
    public void sshDefaultPasswordIsBothDutsButTheLoginPolicyFlawsAreTheVirtualDuts() throws Exception {
        Simulation sim = ConfigLoader.loadProfile(write(HEAD + "simulation: {flaws: [ssh-default-password]}\n")).simulation();
        assertEquals(sim.flaws(), List.of(Flaw.SSH_DEFAULT_PASSWORD));
        assertError(HEAD + """
                simulation:
                  dut: linux
                  flaws: [no-login-delay]
                """, 4, 11, "simulation.flaws[0]", "the Linux DUT does not implement no-login-delay (it implements: "
                + "root-console, default-password, bootloader-open, secret-in-bootlog, anonymous-broker, telnet-open, "
                + "ssh-default-password, coap-open)");
    }

    @Test
    public void theVirtualDutHasNoUdpService() throws Exception {
        assertError(HEAD + """
                simulation:
                  flaws: [telnet-open, coap-open]
                """, 3, 24, "simulation.flaws[1]", "only the Linux DUT implements coap-open (simulation.dut: linux)");
    }

    @Test
    public void anUnknownFlawNameIsRefusedAsBefore() throws Exception {
        Path file = write(HEAD + """
                simulation:
                  dut: linux
                  flaws: [telnet-opne]
                """);
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadProfile(file));

        assertTrue(e.getMessage().startsWith(file + ":4:11: simulation.flaws[0]: unknown value 'telnet-opne' (allowed: "),
                e.getMessage());
    }

    @Test
    public void theLinuxDutReadsOnlyFlaws() throws Exception {
        assertError(HEAD + """
                simulation:
                  dut: linux
                  credentials: [{user: root, password: root}]
                  flaws: []
                """, 4, 16, "simulation.credentials", "the Linux DUT does not read it; with dut: linux only flaws is read");
        assertError(HEAD + """
                simulation:
                  dut: linux
                  bootdelay-s: 0
                """, 4, 16, "simulation.bootdelay-s",
                "the Linux DUT does not read it; with dut: linux only flaws is read");
        assertError(HEAD + """
                simulation:
                  dut: linux
                  ansi-console: true
                """, 4, 17, "simulation.ansi-console",
                "the Linux DUT does not read it; with dut: linux only flaws is read");
    }

    @Test
    public void unknownDut() throws Exception {
        assertError(HEAD + """
                simulation:
                  dut: qemu
                """, 3, 8, "simulation.dut", "unknown value 'qemu' (allowed: virtual, linux)");
    }
}
