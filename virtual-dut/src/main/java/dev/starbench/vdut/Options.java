package dev.starbench.vdut;

import dev.starbench.vdut.contract.GpioWire.Wire;
import dev.starbench.vdut.contract.GpioWire;
import dev.starbench.vdut.contract.PowerPlug;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The command line, which is a contract with the bench controller: keep it stable. */
record Options(Path simulation, Path workDir, Map<Integer, Wire> wiresByPin, int lineBaud, PowerPlug plug) {

    static final String USAGE = "usage: virtual-dut --simulation SIM.json|- --work-dir DIR"
            + " (--wire power=PIN[:active-low] | --power-plug tasmota=TOPIC|shelly-gen2=TOPIC --plug-broker-port PORT)"
            + " [--wire BUTTON=PIN[:active-low]]... [--line-baud BAUD]";

    static Options parse(String[] args) throws StartupException {
        Path simulation = null;
        Path workDir = null;
        Integer lineBaud = null;
        String plugSpec = null;
        Integer plugBrokerPort = null;
        Map<Integer, Wire> wires = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw usage("option " + arg + " needs a value");
            }
            switch (arg) {
                case GpioWire.SIMULATION_OPTION -> simulation = Path.of(value);
                case GpioWire.WORK_DIR_OPTION -> workDir = Path.of(value);
                case GpioWire.LINE_BAUD_OPTION -> lineBaud = positiveInt(arg, value);
                case PowerPlug.OPTION -> plugSpec = value;
                case PowerPlug.BROKER_PORT_OPTION -> plugBrokerPort = positiveInt(arg, value);
                case GpioWire.WIRE_OPTION -> {
                    Wire wire = wire(value);
                    for (Wire other : wires.values()) {
                        if (other.name().equals(wire.name())) {
                            throw usage("--wire " + wire.name() + " given twice");
                        }
                    }
                    if (wires.putIfAbsent(wire.pin(), wire) != null) {
                        throw usage("--wire: pin " + wire.pin() + " already drives " + wires.get(wire.pin()).name());
                    }
                }
                default -> throw usage("unknown option " + arg);
            }
        }
        if (simulation == null) {
            throw usage("--simulation is required");
        }
        if (workDir == null) {
            throw usage("--work-dir is required");
        }
        PowerPlug plug = plug(plugSpec, plugBrokerPort);
        // Without a power wire or plug the device could never be switched on, which is surely a wiring mistake.
        boolean powerWire = wires.values().stream().anyMatch(w -> w.name().equals(GpioWire.POWER));
        if (powerWire == (plug != null)) {
            throw usage(powerWire ? "a power wire and --power-plug both switch the supply: give one"
                    : "--wire power=PIN[:active-low] or --power-plug is required");
        }
        return new Options(simulation, workDir.toAbsolutePath().normalize(), Map.copyOf(wires),
                lineBaud == null ? 0 : lineBaud, plug);
    }

    private static PowerPlug plug(String spec, Integer brokerPort) throws StartupException {
        if (spec == null) {
            if (brokerPort != null) {
                throw usage(PowerPlug.BROKER_PORT_OPTION + " is only used with " + PowerPlug.OPTION);
            }
            return null;
        }
        if (brokerPort == null || brokerPort > 65535) {
            throw usage(PowerPlug.OPTION + " needs " + PowerPlug.BROKER_PORT_OPTION + " PORT (1 to 65535)");
        }
        PowerPlug plug = PowerPlug.parse(spec, brokerPort);
        if (plug == null) {
            throw usage(PowerPlug.OPTION + " " + spec + ": expected tasmota=TOPIC or shelly-gen2=TOPIC"
                    + " (TOPIC: 1 to 64 of A-Z a-z 0-9 . _ -)");
        }
        return plug;
    }

    private static Wire wire(String value) throws StartupException {
        Wire wire = Wire.parse(value);
        if (wire == null) {
            throw usage("--wire " + value + ": expected NAME=PIN[:active-low] (e.g. power=17:active-low)");
        }
        return wire;
    }

    private static int positiveInt(String option, String value) throws StartupException {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw usage(option + " " + value + ": expected a positive integer");
    }

    private static StartupException usage(String message) {
        return new StartupException(StartupException.USAGE, message + "\n" + USAGE);
    }
}
