package dev.starbench.config;

import static dev.starbench.config.InvalidField.check;
import static dev.starbench.config.InvalidField.notNegative;
import static dev.starbench.config.InvalidField.positive;
import static dev.starbench.config.InvalidField.required;
import static dev.starbench.config.InvalidField.requiredText;
import static dev.starbench.config.InvalidField.texts;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the DUT is and what its maker claims. Travels with the device to any bench; loaded by
 * {@link ConfigLoader#loadProfile}.
 *
 * @param source     the file as the caller named it
 * @param sha256     lowercase hex SHA-256 of the file's bytes, for the run manifest
 * @param console    null when the profile declares no console
 * @param bootloader null when the profile declares no bootloader
 * @param simulation null unless the DUT is the virtual DUT: what the simulated device really does
 * @param network    null when the profile declares no network side (console-only checks still run)
 * @param firmware   null when the profile declares no update path (update checks N/A)
 */
public record DeviceProfile(Path source, String sha256, Device device, Console console, Bootloader bootloader,
                            Timeouts timeouts, Simulation simulation, Network network,
                            Firmware firmware) {

    public DeviceProfile {
        required(source, "source");
        required(sha256, "sha256");
        required(device, "device");
        required(timeouts, "timeouts");
        Network.Cloud cloud = network == null ? null : network.cloud();
        if (firmware != null && firmware.update().method().equals("mqtt-ota")) {
            check(cloud != null, "method mqtt-ota needs the profile's network.cloud (url, ca-cert, ca-key):"
                    + " the bench offers the update as the DUT's cloud", "firmware", "update", "method");
            check(!cloud.tls() || cloud.caCert() != null, "method mqtt-ota over TLS needs the lab CA the DUT trusts"
                    + " (network.cloud.ca-cert and ca-key), which signs the bench's certificate", "network", "cloud", "ca-cert");
        }
        if (simulation != null && simulation.ota() != null && simulation.ota().overMqtt()) {
            check(cloud != null, "transport mqtt needs the profile's network.cloud: the simulated device takes offers"
                    + " through its cloud connection", "simulation", "ota", "transport");
        }
    }

    @JsonCreator
    static DeviceProfile fromYaml(@JacksonInject("source") Path source,
                                  @JacksonInject("sha256") String sha256,
                                  @JsonProperty("device") Device device,
                                  @JsonProperty("console") Console console,
                                  @JsonProperty("bootloader") Bootloader bootloader,
                                  @JsonProperty("timeouts") Timeouts timeouts,
                                  @JsonProperty("simulation") Simulation simulation,
                                  @JsonProperty("network") Network network,
                                  @JsonProperty("firmware") Firmware firmware) {
        return new DeviceProfile(source, sha256, device, console, bootloader,
                timeouts == null ? Timeouts.DEFAULTS : timeouts, simulation, network, firmware);
    }

    /**
     * What the virtual DUT process reads: the simulation, plus the network side it has to act out
     * (where its cloud is, which CA it trusts). Holds passwords: for the child process only.
     */
    public String simulationJson() {
        String json = simulation.toJson();
        if (network == null) {
            return json;
        }
        Map<String, Object> net = new LinkedHashMap<>();
        Network.Cloud cloud = network.cloud();
        if (cloud != null) {
            net.put("cloud-host", cloud.host());
            net.put("cloud-port", cloud.port());
            net.put("cloud-tls", cloud.tls());
            net.put("fallback-port", cloud.fallbackPort());
            net.put("ca-cert", cloud.caCert() == null ? null : cloud.caCert().toString());
            net.put("command-topic", cloud.commandTopic());
            net.put("status-topic", cloud.statusTopic());
        }
        if (network.broker() != null) {
            net.put("broker-port", network.broker().port());
            net.put("broker-tls", network.broker().tls());
        }
        // A simulated telnetd needs a port; the last one the bench scans is where it will look.
        net.put("telnet-port", network.scanPorts().to());
        try {
            var tree = (com.fasterxml.jackson.databind.node.ObjectNode) Simulation.JSON.readTree(json);
            tree.set("network", Simulation.JSON.valueToTree(net));
            return Simulation.JSON.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the simulation's own JSON always parses", e);
        }
    }

    /** @param name required; the others are null when the maker does not say */
    public record Device(String name, String vendor, String model, String firmwareVersion) {
        public Device {
            requiredText(name, "name");
        }

        @JsonCreator
        static Device fromYaml(@JsonProperty("name") String name, @JsonProperty("vendor") String vendor,
                               @JsonProperty("model") String model,
                               @JsonProperty("firmware-version") String firmwareVersion) {
            return new Device(name, vendor, model, firmwareVersion);
        }
    }

    /**
     * @param baud         null when unknown, so the bench has to scan for it
     * @param deathStrings console output that means the DUT crashed (panic, watchdog reset)
     */
    public record Console(Integer baud, List<String> deathStrings) {
        public Console {
            if (baud != null) {
                positive(baud, "baud");
            }
            deathStrings = texts(deathStrings, "death-strings");
        }

        @JsonCreator
        static Console fromYaml(@JsonProperty("baud") Integer baud,
                                @JsonProperty("death-strings") List<String> deathStrings) {
            return new Console(baud, deathStrings);
        }
    }

    /**
     * @param type        "u-boot" or "other"
     * @param stopStrings what to send to stop autoboot, tried in order
     */
    public record Bootloader(String type, List<String> stopStrings) {
        static final Set<String> TYPES = Set.of("u-boot", "other");

        public Bootloader {
            type = type == null ? "u-boot" : type;
            check(TYPES.contains(type), "unknown value '" + type + "' (allowed: u-boot, other)", "type");
            stopStrings = texts(stopStrings, "stop-strings");
        }

        @JsonCreator
        static Bootloader fromYaml(@JsonProperty("type") String type,
                                   @JsonProperty("stop-strings") List<String> stopStrings) {
            return new Bootloader(type, stopStrings);
        }
    }

    /**
     * @param loginBudgetMs how long the default-credential sweep of a console login may take; the bench
     *                      tries the most likely credentials first and says which it could not try
     */
    public record Timeouts(long bootMs, long autobootWindowMs, long commandMs, long loginBudgetMs) {
        static final Timeouts DEFAULTS = new Timeouts(60_000, 10_000, 5_000, 300_000);

        // Zero would expire every wait at once; that is never what a profile means.
        public Timeouts {
            positive(bootMs, "boot-ms");
            positive(autobootWindowMs, "autoboot-window-ms");
            positive(commandMs, "command-ms");
            positive(loginBudgetMs, "login-budget-ms");
        }

        /** With the default login budget. */
        public Timeouts(long bootMs, long autobootWindowMs, long commandMs) {
            this(bootMs, autobootWindowMs, commandMs, DEFAULTS.loginBudgetMs);
        }

        @JsonCreator
        static Timeouts fromYaml(@JsonProperty("boot-ms") Long bootMs,
                                 @JsonProperty("autoboot-window-ms") Long autobootWindowMs,
                                 @JsonProperty("command-ms") Long commandMs,
                                 @JsonProperty("login-budget-ms") Long loginBudgetMs) {
            return new Timeouts(bootMs == null ? DEFAULTS.bootMs : bootMs,
                    autobootWindowMs == null ? DEFAULTS.autobootWindowMs : autobootWindowMs,
                    commandMs == null ? DEFAULTS.commandMs : commandMs,
                    loginBudgetMs == null ? DEFAULTS.loginBudgetMs : loginBudgetMs);
        }
    }

    /**
     * How the virtual DUT behaves; the controller hands it over as {@link #toJson()}.
     *
     * @param autobootStop the string that stops autoboot; null means any key does
     * @param ansiConsole  a colour shell prompt with a title, followed by a cursor position query the
     *                     shell waits to have answered, as BusyBox's line editor on a colour terminal
     */
    public record Simulation(int baud, int bootdelayS, String autobootStop, List<Credential> credentials,
                             long loginFailDelayMs, String hostname, List<Flaw> flaws, SimulatedOta ota,
                             boolean ansiConsole) {
        static final ObjectMapper JSON = new ObjectMapper();

        public Simulation {
            positive(baud, "baud");
            notNegative(bootdelayS, "bootdelay-s");
            check(autobootStop == null || !autobootStop.isEmpty(), "must not be empty", "autoboot-stop");
            credentials = credentials == null ? List.of() : credentials;
            for (int i = 0; i < credentials.size(); i++) {
                required(credentials.get(i), "credentials", i);
            }
            credentials = List.copyOf(credentials);
            notNegative(loginFailDelayMs, "login-fail-delay-ms");
            hostname = hostname == null ? "vdut" : hostname;
            // It ends up in the shell prompt, which the console classifier matches.
            check(hostname.matches("[A-Za-z0-9-]{1,63}"),
                    "must be 1 to 63 letters, digits or '-', got '" + hostname + "'", "hostname");
            flaws = flaws == null ? List.of() : flaws;
            for (int i = 0; i < flaws.size(); i++) {
                required(flaws.get(i), "flaws", i);
            }
            flaws = List.copyOf(flaws);
        }

        /** A simulated device without an OTA agent. */
        public Simulation(int baud, int bootdelayS, String autobootStop, List<Credential> credentials,
                          long loginFailDelayMs, String hostname, List<Flaw> flaws) {
            this(baud, bootdelayS, autobootStop, credentials, loginFailDelayMs, hostname, flaws, null);
        }

        /** A simulated device with a plain console. */
        public Simulation(int baud, int bootdelayS, String autobootStop, List<Credential> credentials,
                          long loginFailDelayMs, String hostname, List<Flaw> flaws, SimulatedOta ota) {
            this(baud, bootdelayS, autobootStop, credentials, loginFailDelayMs, hostname, flaws, ota, false);
        }

        @JsonCreator
        static Simulation fromYaml(@JsonProperty("baud") Integer baud,
                                   @JsonProperty("bootdelay-s") Integer bootdelayS,
                                   @JsonProperty("autoboot-stop") String autobootStop,
                                   @JsonProperty("credentials") List<Credential> credentials,
                                   @JsonProperty("login-fail-delay-ms") Long loginFailDelayMs,
                                   @JsonProperty("hostname") String hostname,
                                   @JsonProperty("flaws") List<Flaw> flaws,
                                   @JsonProperty("ota") SimulatedOta ota,
                                   @JsonProperty("ansi-console") Boolean ansiConsole) {
            return new Simulation(baud == null ? 115200 : baud, bootdelayS == null ? 2 : bootdelayS, autobootStop,
                    credentials, loginFailDelayMs == null ? 200 : loginFailDelayMs, hostname, flaws, ota,
                    ansiConsole != null && ansiConsole);
        }

        /**
         * The settings the virtual DUT process reads, with the YAML's kebab-case keys. It holds the
         * passwords, so it goes to the child process only, never to a log.
         */
        public String toJson() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("baud", baud);
            out.put("bootdelay-s", bootdelayS);
            out.put("autoboot-stop", autobootStop);
            List<Map<String, String>> users = new ArrayList<>();
            for (Credential credential : credentials) {
                Map<String, String> user = new LinkedHashMap<>();
                user.put("user", credential.user());
                user.put("password", credential.password());
                users.add(user);
            }
            out.put("credentials", users);
            out.put("login-fail-delay-ms", loginFailDelayMs);
            out.put("hostname", hostname);
            out.put("flaws", flaws.stream().map(YamlNames::of).toList());
            if (ota != null) {
                out.put("ota", ota.toMap());
            }
            if (ansiConsole) {
                out.put("ansi-console", true);
            }
            try {
                return JSON.writeValueAsString(out);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("maps of strings and numbers always serialise", e);
            }
        }

        public enum Flaw {
            @JsonProperty("root-console") ROOT_CONSOLE,
            @JsonProperty("default-password") DEFAULT_PASSWORD,
            @JsonProperty("bootloader-open") BOOTLOADER_OPEN,
            @JsonProperty("secret-in-bootlog") SECRET_IN_BOOTLOG,
            @JsonProperty("plaintext-mqtt") PLAINTEXT_MQTT,
            @JsonProperty("falls-back-to-plaintext") FALLS_BACK_TO_PLAINTEXT,
            @JsonProperty("trusts-any-cert") TRUSTS_ANY_CERT,
            @JsonProperty("ignores-hostname") IGNORES_HOSTNAME,
            @JsonProperty("accepts-expired") ACCEPTS_EXPIRED,
            @JsonProperty("allows-tls10") ALLOWS_TLS10,
            @JsonProperty("replayable-commands") REPLAYABLE_COMMANDS,
            @JsonProperty("anonymous-broker") ANONYMOUS_BROKER,
            @JsonProperty("telnet-open") TELNET_OPEN,
            @JsonProperty("accepts-unsigned") ACCEPTS_UNSIGNED,
            @JsonProperty("accepts-foreign-key") ACCEPTS_FOREIGN_KEY,
            @JsonProperty("skips-hash-check") SKIPS_HASH_CHECK,
            @JsonProperty("accepts-downgrade") ACCEPTS_DOWNGRADE,
            @JsonProperty("bricks-on-power-loss") BRICKS_ON_POWER_LOSS
        }

        /** A login the virtual DUT accepts. */
        public record Credential(String user, String password) {
            public Credential {
                requiredText(user, "user");
                required(password, "password");
            }

            @JsonCreator
            static Credential fromYaml(@JsonProperty("user") String user, @JsonProperty("password") String password) {
                return new Credential(user, password);
            }

            // Records print every component; a password must never reach a log or a report.
            @Override
            public String toString() {
                return "Credential[user=" + user + ", password=***]";
            }
        }
    }
}
