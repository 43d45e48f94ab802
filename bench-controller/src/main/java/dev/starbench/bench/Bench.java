package dev.starbench.bench;

import dev.starbench.bench.gpio.ButtonLine;
import dev.starbench.bench.gpio.GpioLines;
import dev.starbench.bench.gpio.GpioRelayPower;
import dev.starbench.bench.net.LabCa;
import dev.starbench.bench.net.LabPki;
import dev.starbench.bench.power.CommandPower;
import dev.starbench.bench.power.MqttPlugPower;
import dev.starbench.bench.power.PowerProtocol;
import dev.starbench.bench.power.SnmpPduPower;
import dev.starbench.bench.power.UhubctlPower;
import dev.starbench.bench.qemu.QemuPower;
import dev.starbench.bench.qemu.UbootEnvironment;
import dev.starbench.bench.serial.Adapters;
import dev.starbench.bench.serial.LineRate;
import dev.starbench.bench.serial.SerialLink;
import dev.starbench.bench.virtual.VirtualDutProcess;
import dev.starbench.bench.virtual.VirtualFirmware;
import dev.starbench.config.DebugProbe;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Fixture;
import dev.starbench.config.LinuxDut;
import dev.starbench.config.Network;
import dev.starbench.config.PowerConfig;
import dev.starbench.vdut.contract.DebugPortSettings;
import dev.starbench.vdut.contract.Flaw;
import dev.starbench.vdut.contract.PowerPlug;
import dev.starbench.vdut.contract.SimulationSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the fixture wires to the DUT, opened once per run: GPIO lines, the power switch, buttons, and
 * the console adapter (or the virtual DUT or a QEMU board standing in for the hardware).
 */
public final class Bench implements LineRate, AutoCloseable {
    private final GpioLines gpio;
    private final PowerProtocol power;
    private final Map<String, ButtonLine> buttons;
    private final VirtualDutProcess virtualDut;
    private final Fixture.Serial serial;
    private final String virtualTty;   // a pty the bench made itself (virtual DUT, QEMU): opened by path
    private volatile int baud;
    private volatile SerialLink link;

    private Bench(GpioLines gpio, PowerProtocol power, Map<String, ButtonLine> buttons,
                  VirtualDutProcess virtualDut, Fixture.Serial serial, String virtualTty, int baud) {
        this.gpio = gpio;
        this.power = power;
        this.buttons = buttons;
        this.virtualDut = virtualDut;
        this.serial = serial;
        this.virtualTty = virtualTty;
        this.baud = baud;
    }

    /** @param profile the DUT's profile, for its console baud and (virtual DUT) simulation; may be null on a real bench */
    public static Bench open(Fixture fixture, DeviceProfile profile) throws BenchIoException {
        int baud = profile != null && profile.console() != null && profile.console().baud() != null
                ? profile.console().baud() : fixture.serial().baud();
        Fixture.Power p = fixture.power();
        Duration offTime = Duration.ofMillis(p.offTimeMs());
        if (fixture.qemu() != null) {
            QemuPower qemu = QemuPower.open(fixture.qemu(), qemuGuest(fixture.qemu(), profile), offTime);
            return new Bench(null, qemu, Map.of(), null, fixture.serial(), qemu.consolePath(), baud);
        }
        GpioLines gpio = fixture.gpio() == null ? null : GpioLines.open(fixture.gpio());
        VirtualDutProcess vdut = null;
        PowerProtocol power = null;
        try {
            GpioLines.Line relay = p.pin() == null ? null
                    : gpio.output("power", p.pin(), p.activeLow(), fixture.leavesDutOn());
            List<GpioLines.Line> lines = new ArrayList<>();
            if (relay != null) {
                lines.add(relay);
            }
            Map<String, ButtonLine> buttons = new LinkedHashMap<>();
            for (var b : fixture.buttons().entrySet()) {
                GpioLines.Line line = gpio.output(b.getKey(), b.getValue().pin(), b.getValue().activeLow());
                lines.add(line);
                buttons.put(b.getKey(), new ButtonLine(line));
            }
            String virtualTty = null;
            LabCa.ensure(profile);
            if (fixture.virtualDut() != null) {
                VirtualFirmware.ensure(profile);
                if (profile == null || profile.simulation() == null) {
                    throw new BenchIoException("the virtual fixture needs a device profile with a `simulation:` section"
                            + (profile == null ? "" : " (" + profile.source() + " has none)"));
                }
                if (profile.simulation().isLinuxDut()) {
                    throw new BenchIoException(profile.source() + " is for the real-Linux DUT (simulation.dut: linux),"
                            + " which a qemu fixture boots, not the virtual DUT");
                }
                vdut = VirtualDutProcess.start(fixture.virtualDut().jar(), simulation(fixture, profile), baud, lines,
                        virtualPlug(p.settings()));
                virtualTty = vdut.ttyPath();
            }
            power = relay != null ? new GpioRelayPower(relay, offTime) : openSwitch(p.settings(), offTime);
            return new Bench(gpio, power, Collections.unmodifiableMap(buttons), vdut, fixture.serial(), virtualTty, baud);
        } catch (BenchIoException | RuntimeException e) {
            closeSwitch(power);
            if (vdut != null) {
                vdut.close();
            }
            if (gpio != null) {
                gpio.close();
            }
            throw e;
        }
    }

    /**
     * Only the power switch, for a technician's {@code starbench power}: a relay line is left as the
     * command set it when the process ends, as every other switch stays where it was put.
     */
    public static Bench openPower(Fixture fixture, boolean leaveOn) throws BenchIoException {
        Fixture.Power p = fixture.power();
        Duration offTime = Duration.ofMillis(p.offTimeMs());
        if (p.pin() == null) {
            return new Bench(null, openSwitch(p.settings(), offTime), Map.of(), null, fixture.serial(), null,
                    fixture.serial().baud());
        }
        GpioLines gpio = GpioLines.open(fixture.gpio());
        try {
            GpioLines.Line relay = gpio.output("power", p.pin(), p.activeLow(), leaveOn);
            return new Bench(gpio, new GpioRelayPower(relay, offTime), Map.of(), null, fixture.serial(), null,
                    fixture.serial().baud());
        } catch (BenchIoException | RuntimeException e) {
            gpio.close();
            throw e;
        }
    }

    /** The drivers that switch something other than the bench's own relay or QEMU. */
    private static PowerProtocol openSwitch(PowerConfig settings, Duration offTime) throws BenchIoException {
        if (settings instanceof PowerConfig.MqttPlug plug) {
            return MqttPlugPower.open(plug, offTime);
        }
        if (settings instanceof PowerConfig.Uhubctl hub) {
            return new UhubctlPower(hub, offTime);
        }
        if (settings instanceof PowerConfig.SnmpPdu pdu) {
            return SnmpPduPower.open(pdu, offTime);
        }
        if (settings instanceof PowerConfig.Command command) {
            return new CommandPower(command, offTime);
        }
        throw new BenchIoException("no power driver for " + settings);
    }

    /** With an mqtt-plug driver the virtual DUT plays the plug on its own broker (the fixture allows no other). */
    private static PowerPlug virtualPlug(PowerConfig settings) {
        if (!(settings instanceof PowerConfig.MqttPlug plug)) {
            return null;
        }
        return new PowerPlug(plug.firmware() == PowerConfig.MqttPlug.Firmware.TASMOTA ? PowerPlug.Firmware.TASMOTA
                : PowerPlug.Firmware.SHELLY_GEN2, plug.topic(), plug.broker().port());
    }

    private static void closeSwitch(PowerProtocol power) {
        if (power instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing a switch's connection is best effort; its state was journalled before
            }
        }
    }

    /**
     * What a real-Linux DUT profile sets on the QEMU board: its flaws on the kernel command line, and
     * U-Boot's environment in flash (bootloader-open: the stock one; otherwise autoboot without
     * interruption). Any other profile leaves the board as the fixture has it.
     */
    private static QemuPower.Guest qemuGuest(Fixture.Qemu board, DeviceProfile profile) throws BenchIoException {
        DeviceProfile.Simulation sim = profile == null ? null : profile.simulation();
        if (sim == null) {
            return QemuPower.Guest.AS_FIXTURED;
        }
        if (!sim.isLinuxDut()) {
            throw new BenchIoException(profile.source() + " is for the virtual DUT (its simulation section has no"
                    + " dut: linux); a qemu fixture runs the real-Linux DUT or plain firmware");
        }
        if (board.kernel() == null) {
            throw new BenchIoException(profile.source() + " is for the real-Linux DUT, but the fixture's qemu section"
                    + " names no kernel (see fixtures/qemu-linux-arm64.yaml)");
        }
        boolean stockBootloader = sim.flaws().contains(Flaw.BOOTLOADER_OPEN);
        return new QemuPower.Guest(LinuxDut.kernelArgument(sim.flaws()),
                stockBootloader ? UbootEnvironment.stock() : UbootEnvironment.autobootWithoutInterrupt());
    }

    /**
     * The simulation, plus the certificate of the device's own TLS broker when it runs one (made here
     * with Bouncy Castle, self-signed for the device's address, as devices often ship), plus its debug
     * port where the fixture's probe is a remote_bitbang adapter: the device listens where the probe
     * connects, with the profile's factory image in its flash.
     */
    private static SimulationSettings simulation(Fixture fixture, DeviceProfile profile) throws BenchIoException {
        SimulationSettings settings = profile.simulationSettings();
        DebugProbe probe = fixture.debugProbe();
        if (probe != null && probe.driver().equals(DebugProbe.REMOTE_BITBANG)) {
            Path image = profile.firmware() == null ? null : profile.firmware().image();
            settings = settings.withDebugPort(new DebugPortSettings(probe.port(), probe.socket(), null,
                    image != null && Files.isRegularFile(image) ? image.toString() : null));
        }
        Network net = profile.network();
        if (net == null || net.broker() == null || !net.broker().tls()) {
            return settings;
        }
        try {
            LabPki.Identity device = LabPki.leaf(null, net.address() == null ? "localhost" : net.address());
            return settings.withNetwork(settings.network().withBrokerIdentity(device.chainPem(), device.keyPem()));
        } catch (IOException e) {
            throw new BenchIoException("cannot give the virtual DUT's broker a certificate: " + e.getMessage(), e);
        }
    }

    /** Opens the console adapter; one named by identity is reopened if it vanishes and returns. */
    public SerialLink openSerial(SerialLink.Sink sink) throws BenchIoException {
        Fixture.Serial adapter = virtualTty == null ? serial : new Fixture.Serial(virtualTty, baud);
        String path = Adapters.resolve(adapter);
        link = SerialLink.open(path, () -> Adapters.find(adapter), baud, Duration.ofMillis(adapter.reconnectMs()), sink);
        return link;
    }

    public PowerProtocol power() {
        return power;
    }

    public Map<String, ButtonLine> buttons() {
        return buttons;
    }

    @Override
    public int baud() {
        return baud;
    }

    /** Changes the console adapter's rate (and tells the virtual DUT, whose pty has none). */
    @Override
    public void setBaud(int rate) throws BenchIoException {
        SerialLink open = link;
        if (open == null) {
            throw new BenchIoException("the console adapter is not open");
        }
        open.setBaud(rate);
        if (virtualDut != null) {
            virtualDut.lineBaud(rate);
        }
        baud = rate;
    }

    /** The virtual DUT's process, when the fixture runs one; tests check it is gone after a run. */
    public VirtualDutProcess virtualDut() {
        return virtualDut;
    }

    /**
     * Closes the power switch's connection (quitting QEMU and its console bridge: an emulated board cannot
     * stay on without the bench), releases GPIO (buttons released; power as the fixture's final-state
     * says), and ends the virtual DUT.
     */
    @Override
    public void close() {
        // The switch's own connection first: the virtual DUT may be its broker and plug.
        closeSwitch(power);
        try {
            if (gpio != null) {
                gpio.close();
            }
        } finally {
            if (virtualDut != null) {
                virtualDut.close();
            }
        }
    }
}
