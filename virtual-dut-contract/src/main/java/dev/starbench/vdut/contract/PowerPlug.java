package dev.starbench.vdut.contract;

import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The virtual DUT's supply behind a simulated smart plug instead of a power wire, on its command line
 * ({@code --power-plug tasmota=TOPIC|shelly-gen2=TOPIC --plug-broker-port PORT}): the device starts
 * mosquitto on 127.0.0.1:PORT (anonymous, standing in for the lab's broker) and answers there as the
 * plug whose relay is its supply. A device has a power wire or a plug, never both.
 *
 * @param topic the plug's topic (Tasmota's {@code %topic%}, Shelly's prefix): one topic level
 */
public record PowerPlug(Firmware firmware, String topic, int brokerPort) {
    public static final String OPTION = "--power-plug";
    public static final String BROKER_PORT_OPTION = "--plug-broker-port";

    // One level of plain characters: it goes into the device's client id and every topic of the plug.
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern SPEC = Pattern.compile("([a-z0-9-]{1,16})=(.*)");

    /** The plug firmwares the virtual DUT acts out, by their names on the command line. */
    public enum Firmware {
        TASMOTA("tasmota"), SHELLY_GEN2("shelly-gen2");

        private final String optionName;

        Firmware(String optionName) {
            this.optionName = optionName;
        }

        public String optionName() {
            return optionName;
        }
    }

    public PowerPlug {
        Objects.requireNonNull(firmware, "firmware");
        if (!isTopic(topic)) {
            throw new IllegalArgumentException("the virtual plug's topic must be 1 to 64 of A-Z a-z 0-9 . _ -, got '"
                    + topic + "'");
        }
        if (brokerPort < 1 || brokerPort > 65535) {
            throw new IllegalArgumentException("not a TCP port: " + brokerPort);
        }
    }

    public static boolean isTopic(String topic) {
        return topic != null && TOPIC.matcher(topic).matches();
    }

    /** The {@code --power-plug} value. */
    public String spec() {
        return firmware.optionName() + "=" + topic;
    }

    public List<String> args() {
        return List.of(OPTION, spec(), BROKER_PORT_OPTION, Integer.toString(brokerPort));
    }

    /** Null when {@code spec} is not FIRMWARE=TOPIC with a firmware and a topic of this contract. */
    public static PowerPlug parse(String spec, int brokerPort) {
        Matcher m = SPEC.matcher(spec);
        if (!m.matches() || !isTopic(m.group(2)) || brokerPort < 1 || brokerPort > 65535) {
            return null;
        }
        for (Firmware f : Firmware.values()) {
            if (f.optionName().equals(m.group(1))) {
                return new PowerPlug(f, m.group(2), brokerPort);
            }
        }
        return null;
    }
}
