package dev.starbench.config;

import static dev.starbench.config.InvalidField.check;
import static dev.starbench.config.InvalidField.gpioLine;
import static dev.starbench.config.InvalidField.positive;
import static dev.starbench.config.InvalidField.notNegative;
import static dev.starbench.config.InvalidField.required;
import static dev.starbench.config.InvalidField.requiredText;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The bench's wiring: which GPIO lines, power switch and serial port reach the DUT. Stays with the
 * bench; loaded by {@link ConfigLoader#loadFixture}.
 *
 * @param source     the file as the caller named it
 * @param sha256     lowercase hex SHA-256 of the file's bytes, for the run manifest
 * @param virtualDut null on a real bench
 * @param logging    logger name to level (OFF, ERROR, WARN, INFO, DEBUG, TRACE), in file order
 * @param finalState "off" or "on": the state the DUT is left in when a run ends
 * @param cloudBroker null: the bench-as-cloud uses its embedded broker; else the broker it relays to
 */
public record Fixture(Path source, String sha256, String benchId, Gpio gpio, Power power, Map<String, Button> buttons,
                      Serial serial, VirtualDut virtualDut, Map<String, String> logging, String finalState,
                      CloudBroker cloudBroker) {

    static final Set<String> LEVELS = Set.of("OFF", "ERROR", "WARN", "INFO", "DEBUG", "TRACE");
    static final Set<String> FINAL_STATES = Set.of("off", "on");

    public Fixture {
        required(source, "source");
        required(sha256, "sha256");
        requiredText(benchId, "bench-id");
        // The bench id names the lease file and appears in reports, so keep it file-name safe.
        check(benchId.matches("[A-Za-z0-9._-]{1,64}"),
                "must be 1 to 64 letters, digits, '.', '_' or '-', got '" + benchId + "'", "bench-id");
        required(gpio, "gpio");
        required(power, "power");
        buttons = copy(buttons);
        required(serial, "serial");
        if (serial.path() == null && virtualDut == null) {
            throw InvalidField.missing("serial", "path");
        }
        logging = levels(logging);
        finalState = finalState == null ? "off" : finalState;
        check(FINAL_STATES.contains(finalState),
                "unknown value '" + finalState + "' (allowed: off, on)", "final-state");
        checkPinsDistinct(power, buttons);
    }

    @JsonCreator
    static Fixture fromYaml(@JacksonInject("source") Path source,
                            @JacksonInject("sha256") String sha256,
                            @JsonProperty("bench-id") String benchId,
                            @JsonProperty("gpio") Gpio gpio,
                            @JsonProperty("power") Power power,
                            @JsonProperty("buttons") LinkedHashMap<String, Button> buttons,
                            @JsonProperty("serial") Serial serial,
                            @JsonProperty("virtual-dut") VirtualDut virtualDut,
                            @JsonProperty("logging") LinkedHashMap<String, String> logging,
                            @JsonProperty("final-state") String finalState,
                            @JsonProperty("cloud-broker") CloudBroker cloudBroker) {
        if (serial == null && virtualDut != null) {
            // The virtual DUT brings its own pseudo-terminal, so the section is optional there.
            serial = new Serial(null, Serial.DEFAULT_BAUD);
        }
        return new Fixture(source, sha256, benchId, required(gpio, "gpio"), required(power, "power"), buttons,
                required(serial, "serial"), virtualDut, logging, finalState, cloudBroker);
    }

    /** An MQTT broker (plaintext, on the bench's own network) that the bench-as-cloud relays the DUT to. */
    public record CloudBroker(String host, int port) {
        public CloudBroker {
            requiredText(host, "url");
            check(port >= 1 && port <= 65535, "the URL's port must be between 1 and 65535, got " + port, "url");
        }

        @JsonCreator
        static CloudBroker fromYaml(@JsonProperty("url") String url) {
            requiredText(url, "url");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("tcp://([^:/\\s]+):(\\d{1,5})").matcher(url);
            check(m.matches(), "expected tcp://HOST:PORT, got '" + url + "'", "url");
            return new CloudBroker(m.group(1), Integer.parseInt(m.group(2)));
        }

        public String url() {
            return "tcp://" + host + ":" + port;
        }
    }

    private static Map<String, Button> copy(Map<String, Button> buttons) {
        if (buttons == null) {
            return Map.of();
        }
        buttons.forEach((name, button) -> {
            check(!name.isBlank(), "button name must not be blank", "buttons", name);
            required(button, "buttons", name);
        });
        return Collections.unmodifiableMap(new LinkedHashMap<>(buttons));
    }

    private static Map<String, String> levels(Map<String, String> logging) {
        if (logging == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        logging.forEach((logger, level) -> {
            String upper = level == null ? null : level.toUpperCase(Locale.ROOT);
            if (upper == null || !LEVELS.contains(upper)) {
                // YAML 1.1 reads a bare OFF as the boolean false; say so, since that is the usual cause.
                String hint = "false".equals(level) ? "; write \"OFF\" in quotes" : "";
                throw InvalidField.of("unknown level '" + level
                        + "' (allowed: OFF, ERROR, WARN, INFO, DEBUG, TRACE)" + hint, "logging", logger);
            }
            out.put(logger, upper);
        });
        return Collections.unmodifiableMap(out);
    }

    // Two drivers on one line would fight each other: a button press could cut the DUT's power.
    private static void checkPinsDistinct(Power power, Map<String, Button> buttons) {
        Map<Integer, String> owners = new LinkedHashMap<>();
        owners.put(power.pin(), "power.pin");
        buttons.forEach((name, button) -> {
            String previous = owners.putIfAbsent(button.pin(), "buttons." + name + ".pin");
            check(previous == null, "GPIO line " + button.pin() + " is already used by " + previous,
                    "buttons", name, "pin");
        });
    }

    public enum Provider {
        @JsonProperty("mock") MOCK,
        @JsonProperty("gpiod") GPIOD,
        @JsonProperty("linuxfs") LINUXFS
    }

    /** @param chip the gpiod chip; "gpiochip0" when the provider is gpiod and none is named */
    public record Gpio(Provider provider, String chip) {
        public Gpio {
            required(provider, "provider");
            if (chip == null && provider == Provider.GPIOD) {
                chip = "gpiochip0";
            }
            check(chip == null || !chip.isBlank(), "must not be blank", "chip");
        }

        @JsonCreator
        static Gpio fromYaml(@JsonProperty("provider") Provider provider, @JsonProperty("chip") String chip) {
            return new Gpio(provider, chip);
        }
    }

    /**
     * @param driver    how the supply is switched; only "gpio-relay" exists so far
     * @param offTimeMs how long the supply stays off in a power cycle, so the DUT's capacitors drain
     */
    public record Power(String driver, int pin, boolean activeLow, long offTimeMs) {
        static final long DEFAULT_OFF_TIME_MS = 500;

        public Power {
            requiredText(driver, "driver");
            check(driver.equals("gpio-relay"), "unknown driver '" + driver + "' (allowed: gpio-relay)", "driver");
            gpioLine(pin, "pin");
            notNegative(offTimeMs, "off-time-ms");
        }

        @JsonCreator
        static Power fromYaml(@JsonProperty("driver") String driver, @JsonProperty("pin") Integer pin,
                              @JsonProperty("active-low") Boolean activeLow,
                              @JsonProperty("off-time-ms") Long offTimeMs) {
            return new Power(driver, required(pin, "pin"), activeLow != null && activeLow,
                    offTimeMs == null ? DEFAULT_OFF_TIME_MS : offTimeMs);
        }
    }

    public record Button(int pin, boolean activeLow) {
        public Button {
            gpioLine(pin, "pin");
        }

        @JsonCreator
        static Button fromYaml(@JsonProperty("pin") Integer pin, @JsonProperty("active-low") Boolean activeLow) {
            return new Button(required(pin, "pin"), activeLow != null && activeLow);
        }
    }

    /** @param path the serial device; null only when a virtual DUT provides the console */
    public record Serial(String path, int baud) {
        static final int DEFAULT_BAUD = 115200;

        public Serial {
            check(path == null || !path.isBlank(), "must not be blank", "path");
            positive(baud, "baud");
        }

        @JsonCreator
        static Serial fromYaml(@JsonProperty("path") String path, @JsonProperty("baud") Integer baud) {
            return new Serial(path, baud == null ? DEFAULT_BAUD : baud);
        }
    }

    /** @param jar absolute and normalised; a relative path in the file is read from the fixture's directory */
    public record VirtualDut(Path jar) {
        public VirtualDut {
            required(jar, "jar");
            check(jar.isAbsolute(), "must be an absolute path, got '" + jar + "'", "jar");
            jar = jar.normalize();
        }

        @JsonCreator
        static VirtualDut fromYaml(@JacksonInject("base-dir") Path baseDir, @JsonProperty("jar") String jar) {
            requiredText(jar, "jar");
            try {
                return new VirtualDut(baseDir.resolve(jar).toAbsolutePath());
            } catch (InvalidPathException e) {
                throw InvalidField.of("not a valid path: " + e.getReason(), "jar");
            }
        }
    }

    /** Whether a run ends with the DUT powered (final-state: on) rather than off. */
    public boolean leavesDutOn() {
        return "on".equals(finalState);
    }
}
