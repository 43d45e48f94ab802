package dev.starbench.config;

import static dev.starbench.config.InvalidField.check;
import static dev.starbench.config.InvalidField.gpioLine;
import static dev.starbench.config.InvalidField.positive;
import static dev.starbench.config.InvalidField.notNegative;
import static dev.starbench.config.InvalidField.required;
import static dev.starbench.config.InvalidField.requiredText;
import static dev.starbench.config.InvalidField.requiredUri;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The bench's wiring: which GPIO lines, power switch and serial port reach the DUT. Stays with the
 * bench; loaded by {@link ConfigLoader#loadFixture}.
 *
 * @param source     the file as the caller named it
 * @param sha256     lowercase hex SHA-256 of the file's bytes, for the run manifest
 * @param gpio       null only when nothing uses a GPIO line (the qemu power driver and no buttons)
 * @param virtualDut null on a real bench
 * @param qemu       the emulated board; set exactly when the power driver is qemu
 * @param logging    logger name to level (OFF, ERROR, WARN, INFO, DEBUG, TRACE), in file order
 * @param finalState "off" or "on": the state the DUT is left in when a run ends
 * @param signingKey the bench's Ed25519 key that signs record.json (absolute), or null for the
 *                   default ~/.starbench/bench-key.pem; made on first use
 * @param cloudBroker null: the bench-as-cloud uses its embedded broker; else the broker it relays to
 * @param labBroker   null, or the lab's broker that the bench publishes its status and run events to
 * @param history     null (the default SQLite file), or the JDBC URL of the lab's run history
 * @param debugProbe  null when no probe reaches the DUT's JTAG/SWD port
 */
public record Fixture(Path source, String sha256, String benchId, Gpio gpio, Power power, Map<String, Button> buttons,
                      Serial serial, VirtualDut virtualDut, Qemu qemu, Map<String, String> logging,
                      String finalState, Path signingKey, CloudBroker cloudBroker, LabBroker labBroker,
                      String history, DebugProbe debugProbe) {

    static final Set<String> LEVELS = Set.of("OFF", "ERROR", "WARN", "INFO", "DEBUG", "TRACE");
    static final Set<String> FINAL_STATES = Set.of("off", "on");

    public Fixture {
        required(source, "source");
        required(sha256, "sha256");
        requiredText(benchId, "bench-id");
        // The bench id names the lease file and appears in reports, so keep it file-name safe.
        check(benchId.matches("[A-Za-z0-9._-]{1,64}"),
                "must be 1 to 64 letters, digits, '.', '_' or '-', got '" + benchId + "'", "bench-id");
        required(power, "power");
        buttons = copy(buttons);
        if (power.usesGpio() || !buttons.isEmpty()) {
            required(gpio, "gpio");
        }
        required(serial, "serial");
        checkQemu(power, qemu, virtualDut, serial);
        if (virtualDut != null) {
            PowerConfig.checkVirtual(power.settings());
        }
        if (!serial.namesAdapter() && virtualDut == null && qemu == null) {
            throw InvalidField.missing("serial", "path");
        }
        logging = levels(logging);
        finalState = finalState == null ? "off" : finalState;
        check(FINAL_STATES.contains(finalState),
                "unknown value '" + finalState + "' (allowed: off, on)", "final-state");
        check(qemu == null || finalState.equals("off"), "a QEMU board cannot outlive the run; it ends off",
                "final-state");
        gpioLines(power, buttons, debugProbe); // refuses a line named twice
        check(signingKey == null || signingKey.isAbsolute(), "must be an absolute path, got '" + signingKey + "'",
                "signing-key");
        check(history == null || history.startsWith("jdbc:sqlite:") || history.startsWith("jdbc:postgresql:"),
                "expected a JDBC URL starting jdbc:sqlite: or jdbc:postgresql:", "history");
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
                            @JsonProperty("qemu") Qemu qemu,
                            @JsonProperty("logging") LinkedHashMap<String, String> logging,
                            @JsonProperty("final-state") String finalState,
                            @JacksonInject("base-dir") Path baseDir,
                            @JsonProperty("signing-key") String signingKey,
                            @JsonProperty("cloud-broker") CloudBroker cloudBroker,
                            @JsonProperty("lab-broker") LabBroker labBroker,
                            @JsonProperty("history") String history,
                            @JsonProperty("debug-probe") DebugProbe debugProbe) {
        boolean qemuDriver = qemu != null || power != null && Power.QEMU.equals(power.driver());
        if (serial == null && (virtualDut != null || qemuDriver)) {
            // The virtual DUT and QEMU bring their own pseudo-terminal, so the section is optional there.
            serial = new Serial(null, Serial.DEFAULT_BAUD);
        }
        return new Fixture(source, sha256, benchId, gpio, required(power, "power"), buttons,
                required(serial, "serial"), virtualDut, qemu, logging, finalState, signingKeyPath(baseDir, signingKey),
                cloudBroker, labBroker, history, debugProbe);
    }

    // Relative to the fixture, like virtual-dut.jar; "~/" is the bench account's home.
    private static Path signingKeyPath(Path baseDir, String key) {
        if (key == null) {
            return null;
        }
        return Paths.file(baseDir, requiredText(key, "signing-key"), "signing-key");
    }

    private static void checkQemu(Power power, Qemu qemu, VirtualDut virtualDut, Serial serial) {
        if (!power.driver().equals(Power.QEMU)) {
            check(qemu == null, "only used with power driver qemu (power.driver is " + power.driver() + ")", "qemu");
            return;
        }
        required(qemu, "qemu");
        check(virtualDut == null, "the qemu driver runs the DUT itself; a fixture has either qemu or virtual-dut",
                "virtual-dut");
        check(!serial.namesAdapter(), "the qemu driver provides the console's pty itself; remove the adapter",
                "serial", serial.path() != null ? "path" : serial.usbSerial() != null ? "usb-serial" : "usb-location");
    }

    /**
     * An MQTT broker of the lab's own (say mosquitto on the Pi) that the bench-as-cloud relays the DUT to.
     *
     * @param tls    the URL's scheme is ssl or mqtts; the broker's certificate must name {@code host}
     * @param caCert the CA (PEM) the bench trusts for a TLS broker; null: the JVM's trust store
     */
    public record CloudBroker(String host, int port, boolean tls, Path caCert) {
        static final List<String> SCHEMES = List.of("tcp", "mqtt", "ssl", "mqtts");

        public CloudBroker {
            requiredText(host, "url");
            check(port >= 1 && port <= 65535, "the URL's port must be between 1 and 65535, got " + port, "url");
            check(caCert == null || tls, "only used with an ssl:// or mqtts:// url", "ca-cert");
            check(caCert == null || caCert.isAbsolute(), "must be an absolute path, got '" + caCert + "'", "ca-cert");
        }

        @JsonCreator
        static CloudBroker fromYaml(@JacksonInject("base-dir") Path baseDir, @JsonProperty("url") String url,
                                    @JsonProperty("ca-cert") String caCert) {
            URI uri = requiredUri(url, "url");
            check(uri.getScheme() != null && SCHEMES.contains(uri.getScheme()) && uri.getHost() != null
                    && uri.getPort() > 0 && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                    && uri.getRawQuery() == null && uri.getRawUserInfo() == null,
                    "expected tcp://HOST:PORT or ssl://HOST:PORT (also mqtt://, mqtts://), got '" + url + "'", "url");
            boolean tls = uri.getScheme().equals("ssl") || uri.getScheme().equals("mqtts");
            return new CloudBroker(uri.getHost(), uri.getPort(), tls,
                    caCert == null ? null : resolve(baseDir, caCert, "ca-cert"));
        }

        public String url() {
            return (tls ? "ssl://" : "tcp://") + host + ":" + port;
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

    /**
     * Every GPIO line the fixture drives, with the field that names it ("power.pin",
     * "buttons.reset.pin"), in file order; a new kind of line belongs here, so that it is checked
     * for clashes and `starbench doctor` checks it on the chip too.
     */
    public Map<Integer, String> gpioLines() {
        return gpioLines(power, buttons, debugProbe);
    }

    // Two drivers on one line would fight each other: a button press could cut the DUT's power.
    private static Map<Integer, String> gpioLines(Power power, Map<String, Button> buttons, DebugProbe probe) {
        Map<Integer, String> owners = new LinkedHashMap<>();
        if (power.pin() != null) {
            owners.put(power.pin(), "power.pin");
        }
        buttons.forEach((name, button) -> {
            String previous = owners.putIfAbsent(button.pin(), "buttons." + name + ".pin");
            check(previous == null, "GPIO line " + button.pin() + " is already used by " + previous,
                    "buttons", name, "pin");
        });
        if (probe != null) {
            probe.pins().forEach((signal, pin) -> {
                String previous = owners.putIfAbsent(pin, "debug-probe.pins." + signal);
                check(previous == null, "GPIO line " + pin + " is already used by " + previous, "debug-probe", "pins", signal);
            });
        }
        return Collections.unmodifiableMap(owners);
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
     * @param driver    how the supply is switched: "gpio-relay" (a relay on {@code pin}), "qemu" (the
     *                  emulated board of the fixture's {@code qemu:} section is started and quit), or one
     *                  of {@link PowerConfig}'s drivers, set up in the sub-section named after it
     * @param pin       the relay's GPIO line; null for every other driver
     * @param offTimeMs how long the supply stays off in a power cycle, so the DUT's capacitors drain
     * @param settings  the driver's own section ({@code power.mqtt-plug:} ...); null for gpio-relay and qemu
     */
    public record Power(String driver, Integer pin, boolean activeLow, long offTimeMs, PowerConfig settings) {
        static final long DEFAULT_OFF_TIME_MS = 500;
        static final String GPIO_RELAY = "gpio-relay";
        static final String QEMU = "qemu";

        public Power {
            requiredText(driver, "driver");
            check(driver.equals(GPIO_RELAY) || driver.equals(QEMU) || PowerConfig.isDriver(driver), "unknown driver '"
                    + driver + "' (allowed: gpio-relay, qemu, mqtt-plug, uhubctl, snmp-pdu, command)", "driver");
            if (driver.equals(GPIO_RELAY)) {
                gpioLine(required(pin, "pin"), "pin");
            } else {
                check(pin == null, "the " + driver + " driver switches no GPIO line; remove the pin", "pin");
            }
            if (PowerConfig.isDriver(driver)) {
                required(settings, driver);
            }
            notNegative(offTimeMs, "off-time-ms");
        }

        public Power(String driver, Integer pin, boolean activeLow, long offTimeMs) {
            this(driver, pin, activeLow, offTimeMs, null);
        }

        @JsonCreator
        static Power fromYaml(@JsonProperty("driver") String driver, @JsonProperty("pin") Integer pin,
                              @JsonProperty("active-low") Boolean activeLow,
                              @JsonProperty("off-time-ms") Long offTimeMs,
                              @JsonProperty("mqtt-plug") PowerConfig.MqttPlug mqttPlug,
                              @JsonProperty("uhubctl") PowerConfig.Uhubctl uhubctl,
                              @JsonProperty("snmp-pdu") PowerConfig.SnmpPdu snmpPdu,
                              @JsonProperty("command") PowerConfig.Command command) {
            requiredText(driver, "driver");
            return new Power(driver, pin, activeLow != null && activeLow,
                    offTimeMs == null ? DEFAULT_OFF_TIME_MS : offTimeMs,
                    PowerConfig.choose(driver, mqttPlug, uhubctl, snmpPdu, command));
        }

        boolean usesGpio() {
            return driver.equals(GPIO_RELAY);
        }

        /** What switches the DUT: "power relay on GPIO 17", "QEMU", "Tasmota plug lab-3 at ssl://...". */
        public String describe() {
            return usesGpio() ? "power relay on GPIO " + pin : settings == null ? "QEMU" : settings.describe();
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
    /**
     * The console adapter, named by exactly one of: its path, its USB serial number, or its USB port
     * location. A path like /dev/ttyUSB0 changes when USB re-enumerates; the other two do not.
     */
    public record Serial(String path, String usbSerial, String usbLocation, int baud, long reconnectMs) {
        static final int DEFAULT_BAUD = 115200;
        static final long DEFAULT_RECONNECT_MS = 10_000;

        public Serial {
            check(path == null || !path.isBlank(), "must not be blank", "path");
            check(usbSerial == null || !usbSerial.isBlank(), "must not be blank", "usb-serial");
            check(usbLocation == null || !usbLocation.isBlank(), "must not be blank", "usb-location");
            int named = (path == null ? 0 : 1) + (usbSerial == null ? 0 : 1) + (usbLocation == null ? 0 : 1);
            check(named <= 1, "name the adapter by one of path, usb-serial or usb-location, not " + named,
                    usbLocation != null ? "usb-location" : "usb-serial");
            positive(baud, "baud");
            check(reconnectMs >= 0, "must not be negative, got " + reconnectMs, "reconnect-ms");
        }

        public Serial(String path, int baud) {
            this(path, null, null, baud, DEFAULT_RECONNECT_MS);
        }

        /** Whether the fixture says which adapter to use (the virtual DUT brings its own). */
        public boolean namesAdapter() {
            return path != null || usbSerial != null || usbLocation != null;
        }

        @JsonCreator
        static Serial fromYaml(@JsonProperty("path") String path, @JsonProperty("usb-serial") String usbSerial,
                               @JsonProperty("usb-location") String usbLocation, @JsonProperty("baud") Integer baud,
                               @JsonProperty("reconnect-ms") Long reconnectMs) {
            return new Serial(path, usbSerial, usbLocation, baud == null ? DEFAULT_BAUD : baud,
                    reconnectMs == null ? DEFAULT_RECONNECT_MS : reconnectMs);
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
            return new VirtualDut(resolve(baseDir, jar, "jar"));
        }
    }

    /**
     * The emulated board the qemu power driver starts at power-on and quits at power-off.
     *
     * @param binary    the QEMU system emulator, looked up on PATH unless it names a directory
     * @param firmware  absolute; passed as {@code -bios}
     * @param drives    in file order; pflash drives keep the bootloader's environment across power cycles
     * @param kernel    null, or an existing file QEMU hands the firmware through fw_cfg ({@code -kernel});
     *                  U-Boot's {@code qfw} boots it
     * @param initrd    null, or an existing file ({@code -initrd}); only with a kernel
     * @param append    the kernel command line ({@code -append}), null for none; one line of printable text
     * @param forwards  the guest's ports reachable on the bench's loopback (QEMU user networking and a
     *                  virtio-net-pci card); empty: the board has no network card
     * @param restrict  the guest reaches nothing but its forwarded ports (QEMU's {@code restrict=on}, the default);
     *                  false lets it reach the bench's network, which a UDP forward needs
     */
    public record Qemu(String binary, String machine, String cpu, int memoryMb, Path firmware, List<Drive> drives,
                       Path kernel, Path initrd, String append, List<Forward> forwards, boolean restrict) {
        static final String DEFAULT_BINARY = "qemu-system-aarch64";
        static final String DEFAULT_MACHINE = "virt";
        static final String DEFAULT_CPU = "cortex-a57";
        static final int DEFAULT_MEMORY_MB = 256;
        static final Path DEFAULT_FIRMWARE = Path.of("/usr/lib/u-boot/qemu_arm64/u-boot.bin");
        // One argv element each, so no shell is involved; commas would still add options QEMU parses.
        private static final String NAME = "[A-Za-z0-9._=,+-]{1,100}";
        // arm64 kernels take 2048 bytes of command line; the profile's flaws need some of it.
        static final int MAX_APPEND = 1024;
        /** Set from the profile's simulation section (see LinuxDut), never by the fixture. */
        static final String FLAWS_PARAMETER = LinuxDut.KERNEL_PARAMETER + "=";

        public Qemu {
            requiredText(binary, "binary");
            check(!binary.startsWith("-"), "must be a program, got '" + binary + "'", "binary");
            requiredText(machine, "machine");
            check(machine.matches(NAME), "must be a QEMU machine name (letters, digits, '.', '_', '-', "
                    + "with ,key=value options), got '" + machine + "'", "machine");
            requiredText(cpu, "cpu");
            check(cpu.matches(NAME), "must be a QEMU cpu name, got '" + cpu + "'", "cpu");
            positive(memoryMb, "memory-mb");
            required(firmware, "firmware");
            check(firmware.isAbsolute(), "must be an absolute path, got '" + firmware + "'", "firmware");
            firmware = firmware.normalize();
            drives = InvalidField.list(drives, "drives");
            kernel = existingFile(kernel, "kernel");
            initrd = existingFile(initrd, "initrd");
            check(initrd == null || kernel != null, "only used with a kernel (qemu.kernel)", "initrd");
            if (append != null) {
                check(kernel != null, "only used with a kernel (qemu.kernel)", "append");
                checkAppend(append);
            }
            forwards = InvalidField.list(forwards, "forward");
            checkForwards(forwards, restrict);
        }

        /** A board that runs its firmware only: no kernel handed over, no network. */
        public Qemu(String binary, String machine, String cpu, int memoryMb, Path firmware, List<Drive> drives) {
            this(binary, machine, cpu, memoryMb, firmware, drives, null, null, null, List.of(), true);
        }

        @JsonCreator
        static Qemu fromYaml(@JacksonInject("base-dir") Path baseDir,
                             @JsonProperty("binary") String binary,
                             @JsonProperty("machine") String machine,
                             @JsonProperty("cpu") String cpu,
                             @JsonProperty("memory-mb") Integer memoryMb,
                             @JsonProperty("firmware") String firmware,
                             @JsonProperty("drives") ArrayList<Drive> drives,
                             @JsonProperty("kernel") String kernel,
                             @JsonProperty("initrd") String initrd,
                             @JsonProperty("append") String append,
                             @JsonProperty("forward") ArrayList<Forward> forwards,
                             @JsonProperty("restrict") Boolean restrict) {
            return new Qemu(binary == null ? DEFAULT_BINARY : binary, machine == null ? DEFAULT_MACHINE : machine,
                    cpu == null ? DEFAULT_CPU : cpu, memoryMb == null ? DEFAULT_MEMORY_MB : memoryMb,
                    firmware == null ? DEFAULT_FIRMWARE : resolve(baseDir, firmware, "firmware"), drives,
                    kernel == null ? null : resolve(baseDir, kernel, "kernel"),
                    initrd == null ? null : resolve(baseDir, initrd, "initrd"), append, forwards, !Boolean.FALSE.equals(restrict));
        }

        // Checked when the fixture loads: a kernel that is not there is a bench not set up, and says how to fix it.
        private static Path existingFile(Path file, String field) {
            if (file == null) {
                return null;
            }
            check(file.isAbsolute(), "must be an absolute path, got '" + file + "'", field);
            file = file.normalize();
            check(Files.isRegularFile(file), "file not found: " + file
                    + " (for the real-Linux DUT: scripts/build-linux-dut makes it)", field);
            return file;
        }

        private static void checkAppend(String append) {
            check(append.length() <= MAX_APPEND, "must be at most " + MAX_APPEND + " characters, got "
                    + append.length(), "append");
            for (int i = 0; i < append.length(); i++) {
                char c = append.charAt(i);
                check(c >= 0x20 && c < 0x7f, "must be one line of printable ASCII (no newline, NUL or other control "
                        + "character), got " + String.format("U+%04X", (int) c) + " at character " + (i + 1), "append");
            }
            check(!(" " + append).contains(" " + FLAWS_PARAMETER), "must not set " + FLAWS_PARAMETER
                    + ": the device profile's simulation.flaws does", "append");
        }

        // Two rules on one host port would make QEMU refuse to start, at power-on, mid-run.
        private static void checkForwards(List<Forward> forwards, boolean restrict) {
            Map<String, Integer> hostPorts = new LinkedHashMap<>();
            for (int i = 0; i < forwards.size(); i++) {
                Forward f = required(forwards.get(i), "forward", i);
                // QEMU's restricted user network drops every datagram the guest sends, its answers included.
                check(!restrict || f.protocol().equals("tcp"), "a UDP forward needs `restrict: false` (QEMU's restricted user"
                        + " network drops every UDP datagram the guest sends, so its answers never come back)", "forward", i,
                        "protocol");
                Integer previous = hostPorts.putIfAbsent(f.protocol() + ":" + f.host(), i);
                check(previous == null, "host port " + f.host() + "/" + f.protocol() + " is already forwarded by forward["
                        + previous + "]", "forward", i, "host");
            }
        }

        /** Whether the board has a network card (the fixture forwards some guest port). */
        public boolean networked() {
            return !forwards.isEmpty();
        }
    }

    /**
     * A guest port made reachable on the bench's loopback: QEMU's {@code hostfwd=PROTOCOL:127.0.0.1:HOST-:GUEST}.
     *
     * @param protocol tcp or udp
     */
    public record Forward(String protocol, int host, int guest) {
        static final Set<String> PROTOCOLS = Set.of("tcp", "udp");

        public Forward {
            requiredText(protocol, "protocol");
            check(PROTOCOLS.contains(protocol), "unknown value '" + protocol + "' (allowed: tcp, udp)", "protocol");
            port(host, "host");
            port(guest, "guest");
        }

        private static void port(int port, String field) {
            check(port >= 1 && port <= 65535, "must be a port between 1 and 65535, got " + port, field);
        }

        @JsonCreator
        static Forward fromYaml(@JsonProperty("host") Integer host, @JsonProperty("guest") Integer guest,
                                @JsonProperty("protocol") String protocol) {
            return new Forward(protocol == null ? "tcp" : protocol, required(host, "host"), required(guest, "guest"));
        }
    }

    /**
     * A QEMU {@code -drive}.
     *
     * @param file      absolute; a relative path in the file is read from the fixture's directory
     * @param iface     pflash (a NOR flash bank, as the bootloader's environment lives in), virtio, sd or none
     * @param index     the bank or unit number, or null for QEMU's next free one
     * @param format    raw or qcow2
     * @param createMb  when the file is missing, an empty image of this many MiB is made (null: it must exist)
     */
    public record Drive(Path file, String iface, Integer index, String format, Integer createMb) {
        static final Set<String> INTERFACES = Set.of("pflash", "virtio", "sd", "none");
        static final Set<String> FORMATS = Set.of("raw", "qcow2");

        public Drive {
            required(file, "file");
            check(file.isAbsolute(), "must be an absolute path, got '" + file + "'", "file");
            file = file.normalize();
            requiredText(iface, "interface");
            check(INTERFACES.contains(iface), "unknown value '" + iface + "' (allowed: pflash, virtio, sd, none)",
                    "interface");
            check(index == null || index >= 0, "must not be negative, got " + index, "index");
            requiredText(format, "format");
            check(FORMATS.contains(format), "unknown value '" + format + "' (allowed: raw, qcow2)", "format");
            if (createMb != null) {
                positive(createMb, "create-size-mb");
                check(format.equals("raw"), "only a raw image can be created empty; make a " + format
                        + " image with qemu-img", "create-size-mb");
            }
        }

        @JsonCreator
        static Drive fromYaml(@JacksonInject("base-dir") Path baseDir, @JsonProperty("file") String file,
                              @JsonProperty("interface") String iface, @JsonProperty("index") Integer index,
                              @JsonProperty("format") String format,
                              @JsonProperty("create-size-mb") Integer createMb) {
            requiredText(file, "file");
            return new Drive(resolve(baseDir, file, "file"), iface == null ? "pflash" : iface, index,
                    format == null ? "raw" : format, createMb);
        }
    }

    private static Path resolve(Path baseDir, String file, String field) {
        return Paths.file(baseDir, requiredText(file, field), field);
    }

    /** Whether a run ends with the DUT powered (final-state: on) rather than off. */
    public boolean leavesDutOn() {
        return "on".equals(finalState);
    }
}
