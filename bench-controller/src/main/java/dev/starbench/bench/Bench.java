package dev.starbench.bench;

import dev.starbench.bench.gpio.ButtonLine;
import dev.starbench.bench.gpio.GpioLines;
import dev.starbench.bench.gpio.GpioRelayPower;
import dev.starbench.bench.power.PowerProtocol;
import dev.starbench.bench.serial.SerialLink;
import dev.starbench.bench.virtual.VirtualDutProcess;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Fixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the fixture wires to the DUT, opened once per run: GPIO lines, the power switch, buttons, and
 * the console adapter (or the virtual DUT standing in for the hardware).
 */
public final class Bench implements AutoCloseable {
    private final GpioLines gpio;
    private final PowerProtocol power;
    private final Map<String, ButtonLine> buttons;
    private final VirtualDutProcess virtualDut;
    private final String serialPath;
    private final int baud;

    private Bench(GpioLines gpio, PowerProtocol power, Map<String, ButtonLine> buttons,
                  VirtualDutProcess virtualDut, String serialPath, int baud) {
        this.gpio = gpio;
        this.power = power;
        this.buttons = buttons;
        this.virtualDut = virtualDut;
        this.serialPath = serialPath;
        this.baud = baud;
    }

    public static Bench open(Fixture fixture, DeviceProfile profile) throws BenchIoException {
        GpioLines gpio = GpioLines.open(fixture.gpio());
        VirtualDutProcess vdut = null;
        try {
            Fixture.Power p = fixture.power();
            GpioLines.Line relay = gpio.output("power", p.pin(), p.activeLow(), fixture.leavesDutOn());
            List<GpioLines.Line> lines = new ArrayList<>(List.of(relay));
            Map<String, ButtonLine> buttons = new LinkedHashMap<>();
            for (var b : fixture.buttons().entrySet()) {
                GpioLines.Line line = gpio.output(b.getKey(), b.getValue().pin(), b.getValue().activeLow());
                lines.add(line);
                buttons.put(b.getKey(), new ButtonLine(line));
            }
            int baud = profile.console() != null && profile.console().baud() != null
                    ? profile.console().baud() : fixture.serial().baud();
            String serialPath = fixture.serial().path();
            if (fixture.virtualDut() != null) {
                if (profile.simulation() == null) {
                    throw new BenchIoException("the virtual fixture needs a device profile with a `simulation:` section ("
                            + profile.source() + " has none)");
                }
                vdut = VirtualDutProcess.start(fixture.virtualDut().jar(), profile.simulationJson(), baud, lines);
                serialPath = vdut.ttyPath();
            }
            PowerProtocol power = new GpioRelayPower(relay, Duration.ofMillis(p.offTimeMs()));
            return new Bench(gpio, power, Collections.unmodifiableMap(buttons), vdut, serialPath, baud);
        } catch (BenchIoException | RuntimeException e) {
            if (vdut != null) {
                vdut.close();
            }
            gpio.close();
            throw e;
        }
    }

    public SerialLink openSerial(SerialLink.Sink sink) throws BenchIoException {
        return SerialLink.open(serialPath, baud, sink);
    }

    public PowerProtocol power() {
        return power;
    }

    public Map<String, ButtonLine> buttons() {
        return buttons;
    }

    public int baud() {
        return baud;
    }

    /** The virtual DUT's process, when the fixture runs one; tests check it is gone after a run. */
    public VirtualDutProcess virtualDut() {
        return virtualDut;
    }

    /** Releases GPIO (buttons released; power as the fixture's final-state says) and ends the virtual DUT. */
    @Override
    public void close() {
        try {
            gpio.close();
        } finally {
            if (virtualDut != null) {
                virtualDut.close();
            }
        }
    }
}
