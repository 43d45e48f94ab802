package dev.starbench.config;

import static dev.starbench.config.InvalidField.check;
import static dev.starbench.config.InvalidField.gpioLine;
import static dev.starbench.config.InvalidField.positive;
import static dev.starbench.config.InvalidField.required;
import static dev.starbench.config.InvalidField.requiredText;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fixture's {@code debug-probe:}: the adapter OpenOCD drives to reach the DUT's JTAG or SWD port.
 * The Pi's own header ({@code linuxgpiod}, {@code bcm2835gpio}) names its pins; a USB probe
 * ({@code cmsis-dap}, {@code jlink}, {@code hla} for an ST-Link) may name its serial number;
 * {@code remote_bitbang} names the socket of a process that bit-bangs the wires (the virtual DUT).
 *
 * @param driver         OpenOCD's adapter driver
 * @param transport      jtag or swd
 * @param speedKhz       the adapter clock
 * @param pins           signal name (tck, tms, tdi, tdo, trst, swclk, swdio, srst) to GPIO line; GPIO drivers only
 * @param gpioChip       the gpiochip the pins are on (linuxgpiod)
 * @param peripheralBase the SoC's peripheral base (bcm2835gpio; 0x20000000 Pi 1, 0x3F000000 Pi 2/3, 0xFE000000 Pi 4)
 * @param usbSerial      the USB probe's serial number, or null for the only one attached
 * @param host           remote_bitbang: the host to connect to
 * @param port           remote_bitbang: its TCP port; null with {@code socket}
 * @param socket         remote_bitbang: a unix socket path instead of host and port
 * @param openocd        the OpenOCD program (looked up on PATH unless it names a directory)
 * @param extraConfig    further OpenOCD configuration lines, each checked against {@link #EXTRA_COMMANDS}
 * @param timeoutMs      how long one request to OpenOCD may take
 * @param reference      a reference board of the DUT's type that answered on this bench, or null
 */
public record DebugProbe(String driver, String transport, int speedKhz, Map<String, Integer> pins, int gpioChip,
                         Long peripheralBase, String usbSerial, String host, Integer port, String socket, String openocd,
                         List<String> extraConfig, long timeoutMs, Reference reference) {

    public static final String REMOTE_BITBANG = "remote_bitbang";
    public static final String LINUXGPIOD = "linuxgpiod";
    public static final String BCM2835GPIO = "bcm2835gpio";
    public static final String CMSIS_DAP = "cmsis-dap";
    public static final String JLINK = "jlink";
    /** OpenOCD's high-level adapter API (an ST-Link): memory through the adapter's firmware, no AP registers. */
    public static final String HLA = "hla";
    static final List<String> DRIVERS = List.of(REMOTE_BITBANG, LINUXGPIOD, BCM2835GPIO, CMSIS_DAP, JLINK, HLA);
    public static final String JTAG = "jtag";
    public static final String SWD = "swd";
    static final List<String> JTAG_PINS = List.of("tck", "tms", "tdi", "tdo");
    static final List<String> SWD_PINS = List.of("swclk", "swdio");
    static final Set<String> OPTIONAL_PINS = Set.of("trst", "srst");
    static final int DEFAULT_SPEED_KHZ = 1000;
    static final long DEFAULT_TIMEOUT_MS = 10_000;

    /**
     * The configuration commands an {@code extra-config} line may start with: adapter wiring and timing
     * only. Nothing that runs at init (events, procs, {@code source}), nothing that resets or writes.
     */
    public static final List<String> EXTRA_COMMANDS = List.of(
            "adapter speed", "adapter srst delay", "adapter srst pulse_width", "adapter gpio", "adapter usb location",
            "reset_config", "jtag_ntrst_delay", "jtag_ntrst_assert_width",
            "bcm2835gpio speed_coeffs", "bcm2835gpio peripheral_base",
            "cmsis_dap_vid_pid", "cmsis_dap_backend", "cmsis_dap_usb interface", "jlink usb",
            "hla_vid_pid", "hla_layout");
    /** reset_config words that do not reset the target on connect. */
    static final Set<String> RESET_CONFIG_WORDS = Set.of("none", "trst_only", "srst_only", "trst_and_srst", "separate",
            "combined", "srst_pulls_trst", "trst_pulls_srst", "srst_gates_jtag", "srst_nogate", "trst_push_pull",
            "trst_open_drain", "srst_push_pull", "srst_open_drain", "connect_deassert_srst");
    /** One word of a configuration line: no Tcl substitution, quoting, comment or command separator can hide in it. */
    public static final String WORD = "[A-Za-z0-9_.:/+-]{1,64}";

    public DebugProbe {
        requiredText(driver, "driver");
        check(DRIVERS.contains(driver), "unknown driver '" + driver + "' (allowed: " + String.join(", ", DRIVERS) + ")",
                "driver");
        transport = transport == null ? (driver.equals(REMOTE_BITBANG) ? JTAG : SWD) : transport;
        check(transport.equals(JTAG) || transport.equals(SWD), "unknown value '" + transport + "' (allowed: jtag, swd)",
                "transport");
        check(!driver.equals(REMOTE_BITBANG) || transport.equals(JTAG),
                "OpenOCD 0.12's remote_bitbang speaks JTAG only", "transport");
        check(!driver.equals(HLA) || transport.equals(SWD), "the bench drives an ST-Link over SWD only (hla_swd)",
                "transport");
        positive(speedKhz, "speed-khz");
        pins = pins(driver, transport, pins);
        check(gpioChip >= 0, "must not be negative, got " + gpioChip, "gpio-chip");
        if (driver.equals(BCM2835GPIO)) {
            required(peripheralBase, "peripheral-base");
        } else {
            check(peripheralBase == null, "only for driver bcm2835gpio", "peripheral-base");
        }
        boolean usb = driver.equals(CMSIS_DAP) || driver.equals(JLINK) || driver.equals(HLA);
        check(usbSerial == null || usb, "only for a USB probe (cmsis-dap, jlink, hla)", "usb-serial");
        check(usbSerial == null || usbSerial.matches(WORD), "must be letters, digits and . _ : / + - only", "usb-serial");
        if (driver.equals(REMOTE_BITBANG)) {
            check(port == null || socket == null, "give port or socket, not both", "socket");
            check(port != null || socket != null, "remote_bitbang needs port (TCP) or socket (a unix socket path)", "port");
            check(port == null || port >= 1 && port <= 65535, "must be a TCP port 1..65535, got " + port, "port");
            host = host == null ? "127.0.0.1" : host;
            check(host.matches(WORD), "must be a host name or address", "host");
            check(socket == null || socket.matches(WORD), "must be a path of letters, digits and . _ : / + - only", "socket");
        } else {
            check(port == null, "only for driver remote_bitbang", "port");
            check(socket == null, "only for driver remote_bitbang", "socket");
            check(host == null, "only for driver remote_bitbang", "host");
        }
        openocd = openocd == null ? "openocd" : openocd;
        check(!openocd.isBlank() && !openocd.startsWith("-"), "must be a program, got '" + openocd + "'", "openocd");
        extraConfig = extraConfig == null ? List.of() : List.copyOf(extraConfig);
        for (int i = 0; i < extraConfig.size(); i++) {
            String problem = extraLineProblem(extraConfig.get(i));
            check(problem == null, problem, "extra-config", i);
        }
        positive(timeoutMs, "timeout-ms");
    }

    @JsonCreator
    static DebugProbe fromYaml(@JsonProperty("driver") String driver, @JsonProperty("transport") String transport,
                               @JsonProperty("speed-khz") Integer speedKhz,
                               @JsonProperty("pins") LinkedHashMap<String, Integer> pins,
                               @JsonProperty("gpio-chip") Integer gpioChip,
                               @JsonProperty("peripheral-base") Long peripheralBase,
                               @JsonProperty("usb-serial") String usbSerial, @JsonProperty("host") String host,
                               @JsonProperty("port") Integer port, @JsonProperty("socket") String socket,
                               @JsonProperty("openocd") String openocd,
                               @JsonProperty("extra-config") ArrayList<String> extraConfig,
                               @JsonProperty("timeout-ms") Long timeoutMs,
                               @JsonProperty("reference") Reference reference) {
        return new DebugProbe(driver, transport, speedKhz == null ? DEFAULT_SPEED_KHZ : speedKhz, pins,
                gpioChip == null ? 0 : gpioChip, peripheralBase, usbSerial, host, port, socket, openocd, extraConfig,
                timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs, reference);
    }

    private static Map<String, Integer> pins(String driver, String transport, Map<String, Integer> pins) {
        boolean gpio = driver.equals(LINUXGPIOD) || driver.equals(BCM2835GPIO);
        if (!gpio) {
            check(pins == null, "only for the GPIO drivers (linuxgpiod, bcm2835gpio)", "pins");
            return Map.of();
        }
        required(pins, "pins");
        List<String> needed = transport.equals(JTAG) ? JTAG_PINS : SWD_PINS;
        Map<Integer, String> owners = new LinkedHashMap<>();
        pins.forEach((signal, pin) -> {
            check(needed.contains(signal) || OPTIONAL_PINS.contains(signal) && !(signal.equals("trst") && transport.equals(SWD)),
                    "not a " + transport + " signal (" + transport + ": " + String.join(", ", needed) + ", optional "
                            + (transport.equals(JTAG) ? "trst, srst" : "srst") + ")", "pins", signal);
            required(pin, "pins", signal);
            gpioLine(pin, "pins", signal);
            // The driver maps the peripheral's first bank only.
            check(!driver.equals(BCM2835GPIO) || pin < 32, "bcm2835gpio reaches GPIO 0 to 31 only, got " + pin,
                    "pins", signal);
            String previous = owners.putIfAbsent(pin, signal);
            check(previous == null, "GPIO line " + pin + " is already used by pins." + previous, "pins", signal);
        });
        for (String signal : needed) {
            check(pins.containsKey(signal), "required field is missing (" + transport + " needs "
                    + String.join(", ", needed) + ")", "pins", signal);
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(pins));
    }

    /** Why an extra configuration line is refused, or null when it is one of {@link #EXTRA_COMMANDS} with plain words. */
    public static String extraLineProblem(String line) {
        if (line == null || line.isBlank()) {
            return "must not be blank";
        }
        String[] words = line.strip().split("[ \t]+");
        for (String w : words) {
            if (!w.matches(WORD)) {
                return "'" + printable(w) + "' is not a plain word (letters, digits, . _ : / + -): the bench passes no"
                        + " Tcl substitution, quoting, comment or second command to OpenOCD";
            }
        }
        String joined = String.join(" ", words);
        String command = EXTRA_COMMANDS.stream().filter(c -> joined.equals(c) || joined.startsWith(c + " ")).findFirst()
                .orElse(null);
        if (command == null) {
            return "'" + words[0] + (words.length > 1 ? " " + words[1] : "") + "' is not an adapter setting the bench"
                    + " passes on (allowed: " + String.join(", ", EXTRA_COMMANDS) + ")";
        }
        if (command.equals("reset_config")) {
            for (int i = 1; i < words.length; i++) {
                if (!RESET_CONFIG_WORDS.contains(words[i])) {
                    return "reset_config " + words[i] + " is not allowed: the bench never resets the DUT on connect";
                }
            }
        }
        return null;
    }

    /** The first 40 characters of a refused text, control characters escaped, for a message. */
    public static String printable(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().limit(40).forEach(c -> out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", c)
                : Character.toString(c)));
        return out.toString();
    }

    /** Whether the probe reaches the DP and its APs (not through an adapter's firmware, as ST-Link's hla does). */
    public boolean reachesAccessPorts() {
        return !driver.equals(HLA);
    }

    /**
     * A reference board of the DUT's type whose ID this bench read through this probe: proof that the
     * wiring works when a fused DUT answers nothing.
     *
     * @param board    what it was (make, model, revision, serial number)
     * @param id       the JTAG IDCODE or SW-DP DPIDR it answered with
     * @param recorded when, as the technician wrote it
     */
    public record Reference(String board, long id, String recorded) {
        public Reference {
            requiredText(board, "board");
            check(id > 0 && id <= 0xFFFF_FFFFL, "must be a 32-bit IDCODE or DPIDR other than 0", "id");
            check(id != 0xFFFF_FFFFL, "all ones is what a dead chain reads, not an ID", "id");
            requiredText(recorded, "recorded");
        }

        @JsonCreator
        static Reference fromYaml(@JsonProperty("board") String board, @JsonProperty("id") Long id,
                                  @JsonProperty("recorded") String recorded) {
            return new Reference(board, required(id, "id"), recorded);
        }
    }
}
