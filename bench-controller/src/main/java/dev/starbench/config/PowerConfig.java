package dev.starbench.config;

import static dev.starbench.config.InvalidField.check;
import static dev.starbench.config.InvalidField.positive;
import static dev.starbench.config.InvalidField.required;
import static dev.starbench.config.InvalidField.requiredText;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.starbench.vdut.contract.PowerPlug;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The settings of the power drivers that switch a DUT through something other than the bench's own
 * relay: each is the sub-section of {@code power:} named after its driver ({@code power.mqtt-plug:} ...).
 * Secrets (broker password, SNMP community and pass phrases) never appear in {@link #toString()}.
 */
public sealed interface PowerConfig {

    /** One line for messages: which switch, where. */
    String describe();

    /** The section for {@code driver}, which must be the one given; the others must be absent. */
    static PowerConfig choose(String driver, MqttPlug mqttPlug, Uhubctl uhubctl, SnmpPdu snmpPdu, Command command) {
        PowerConfig chosen = null;
        String[] names = {MqttPlug.DRIVER, Uhubctl.DRIVER, SnmpPdu.DRIVER, Command.DRIVER};
        PowerConfig[] sections = {mqttPlug, uhubctl, snmpPdu, command};
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(driver)) {
                chosen = required(sections[i], names[i]);
            } else {
                check(sections[i] == null, "only used with power driver " + names[i] + " (power.driver is " + driver + ")",
                        names[i]);
            }
        }
        return chosen;
    }

    static boolean isDriver(String driver) {
        return List.of(MqttPlug.DRIVER, Uhubctl.DRIVER, SnmpPdu.DRIVER, Command.DRIVER).contains(driver);
    }

    /**
     * The virtual DUT can play only a plug, and starts the broker for it itself (mosquitto on loopback,
     * anonymous), so the section must point there. Its plug has one relay, the DUT's supply, as a
     * one-socket plug has: a fixture naming another would have every switch time out at run time.
     */
    static void checkVirtual(PowerConfig settings) {
        if (settings == null) {
            return;
        }
        check(settings instanceof MqttPlug, "the virtual DUT's supply follows a gpio-relay line or an mqtt-plug",
                "power", "driver");
        MqttPlug plug = (MqttPlug) settings;
        check(!plug.broker().tls() && (plug.broker().host().equals("127.0.0.1") || plug.broker().host().equals("localhost")),
                "with virtual-dut the virtual DUT starts this broker itself: use tcp://127.0.0.1:PORT", "power", "mqtt-plug",
                "url");
        check(plug.username() == null, "the virtual DUT's broker is anonymous; remove the credentials", "power",
                "mqtt-plug", "username");
        check(PowerPlug.isTopic(plug.topic()), "the virtual DUT's plug takes one topic level of 1 to 64 of A-Z a-z"
                + " 0-9 . _ -, got '" + plug.topic() + "'", "power", "mqtt-plug", "topic");
        boolean tasmota = plug.firmware() == MqttPlug.Firmware.TASMOTA;
        int only = tasmota ? 1 : 0;
        check(plug.relay() == null || plug.relay() == only, "the virtual DUT's plug has one relay, its supply: "
                + (tasmota ? "POWER" : "switch:0") + " (relay " + only + ", or none), got relay " + plug.relay(),
                "power", "mqtt-plug", "relay");
    }

    /** A secret given inline or in a file (relative to the fixture, or ~/...): read once, when the fixture loads. */
    private static String secret(Path baseDir, String inline, String file, String field) {
        check(inline == null || file == null, "give " + field + " or " + field + "-file, not both", field + "-file");
        if (file == null) {
            check(inline == null || !inline.isEmpty(), "must not be empty", field);
            return inline;
        }
        Path path = Paths.file(baseDir, requiredText(file, field + "-file"), field + "-file");
        try {
            String text = InputFile.readText(path, InputFile.Kind.SECRET).strip();
            check(!text.isEmpty(), "the file " + path + " is empty", field + "-file");
            return text;
        } catch (IOException e) {
            throw InvalidField.of("cannot read " + path + ": " + e.getMessage(), field + "-file");
        }
    }

    private static long timeout(Long ms, long dflt, String field) {
        long value = ms == null ? dflt : ms;
        positive(value, field);
        return value;
    }

    /**
     * A smart plug on the lab's MQTT broker (Paho).
     *
     * @param broker           the broker's URL ({@code url}) and, for TLS, the CA it must chain to ({@code ca-cert})
     * @param password         null without credentials; never shown
     * @param topic            Tasmota: its {@code %topic%}; Shelly Gen2: its topic prefix (the device id by default)
     * @param relay            Tasmota: the relay number n of {@code POWERn} (null: {@code POWER}); Shelly: the
     *                         switch id (null: 0)
     * @param confirmTimeoutMs how long the plug has to confirm a switch or answer a query
     */
    record MqttPlug(Fixture.CloudBroker broker, String username, String password, Firmware firmware, String topic,
                    Integer relay, long confirmTimeoutMs) implements PowerConfig {
        static final String DRIVER = "mqtt-plug";
        static final long DEFAULT_CONFIRM_TIMEOUT_MS = 5000;
        // MQTT topic levels: no wildcards, no empty level; the firmware adds its own prefixes and suffixes.
        private static final Pattern TOPIC = Pattern.compile("[^/#+\\s]{1,100}(/[^/#+\\s]{1,100}){0,4}");

        public enum Firmware {
            @JsonProperty("tasmota") TASMOTA,
            @JsonProperty("shelly-gen2") SHELLY_GEN2
        }

        public MqttPlug {
            required(broker, "url");
            check(password == null || username != null, "a password needs a username", "password");
            required(firmware, "firmware");
            requiredText(topic, "topic");
            check(TOPIC.matcher(topic).matches(), "must be an MQTT topic without wildcards or spaces, got '" + topic + "'",
                    "topic");
            check(relay == null || relay >= (firmware == Firmware.TASMOTA ? 1 : 0) && relay <= 32,
                    (firmware == Firmware.TASMOTA ? "a Tasmota relay is numbered 1 to 32" : "a Shelly switch id is 0 to 32")
                            + ", got " + relay, "relay");
            positive(confirmTimeoutMs, "confirm-timeout-ms");
        }

        @JsonCreator
        static MqttPlug fromYaml(@JacksonInject("base-dir") Path baseDir, @JsonProperty("url") String url,
                                 @JsonProperty("ca-cert") String caCert, @JsonProperty("username") String username,
                                 @JsonProperty("password") String password,
                                 @JsonProperty("password-file") String passwordFile,
                                 @JsonProperty("firmware") Firmware firmware, @JsonProperty("topic") String topic,
                                 @JsonProperty("relay") Integer relay,
                                 @JsonProperty("confirm-timeout-ms") Long confirmTimeoutMs) {
            check(username == null || !username.isBlank(), "must not be blank", "username");
            return new MqttPlug(Fixture.CloudBroker.fromYaml(baseDir, url, caCert), username,
                    secret(baseDir, password, passwordFile, "password"), firmware, topic, relay,
                    timeout(confirmTimeoutMs, DEFAULT_CONFIRM_TIMEOUT_MS, "confirm-timeout-ms"));
        }

        @Override
        public String describe() {
            return (firmware == Firmware.TASMOTA ? "Tasmota" : "Shelly Gen2") + " plug " + topic
                    + (relay == null ? "" : (firmware == Firmware.TASMOTA ? " relay " : " switch ") + relay)
                    + " at " + broker.url();
        }

        @Override
        public String toString() {
            return "MqttPlug[" + describe() + ", username=" + username + ", password=" + (password == null ? "none" : "(set)")
                    + ", confirmTimeoutMs=" + confirmTimeoutMs + "]";
        }
    }

    /**
     * A port of a USB hub with per-port power switching, through the {@code uhubctl} command.
     *
     * @param binary   the program: looked up on PATH unless it names a directory
     * @param location the hub's location as uhubctl lists it ({@code 1-1.3}), exact
     * @param port     the port number on that hub
     */
    record Uhubctl(String binary, String location, int port, long timeoutMs) implements PowerConfig {
        static final String DRIVER = "uhubctl";
        private static final Pattern LOCATION = Pattern.compile("\\d{1,3}-\\d{1,3}(\\.\\d{1,3}){0,6}");

        public Uhubctl {
            requiredText(binary, "binary");
            check(!binary.startsWith("-"), "must be a program, got '" + binary + "'", "binary");
            requiredText(location, "location");
            check(LOCATION.matcher(location).matches(), "must be a hub location as uhubctl lists it (bus-port[.port]...,"
                    + " e.g. 1-1.3), got '" + location + "'", "location");
            check(port >= 1 && port <= 255, "must be a port number between 1 and 255, got " + port, "port");
            positive(timeoutMs, "timeout-ms");
        }

        @JsonCreator
        static Uhubctl fromYaml(@JsonProperty("binary") String binary, @JsonProperty("location") String location,
                                @JsonProperty("port") Integer port, @JsonProperty("timeout-ms") Long timeoutMs) {
            return new Uhubctl(binary == null ? "uhubctl" : binary, location, required(port, "port"),
                    timeout(timeoutMs, 10_000, "timeout-ms"));
        }

        @Override
        public String describe() {
            return "USB hub " + location + " port " + port + " (uhubctl)";
        }
    }

    /**
     * An outlet of a network PDU, switched and read back over SNMP (SNMP4J). The OIDs and values come
     * from the PDU's MIB; the README gives them for APC's rack PDUs.
     *
     * @param community       v2c only; never shown
     * @param user            v3 only: the USM user; with {@code authProtocol} and {@code privProtocol} null for noAuthNoPriv
     * @param statusOid       read back after each set (the set OID itself when not given)
     * @param timeoutMs       for one SNMP request (each retry waits as long again)
     * @param confirmTimeoutMs how long the outlet has to read back the state it was set to
     */
    record SnmpPdu(String host, int port, Version version, String community, String user, AuthProtocol authProtocol,
                   String authPassword, PrivProtocol privProtocol, String privPassword, String outletOid, int onValue,
                   int offValue, String statusOid, int statusOn, int statusOff, long timeoutMs, int retries,
                   long confirmTimeoutMs) implements PowerConfig {
        static final String DRIVER = "snmp-pdu";
        private static final Pattern OID = Pattern.compile("\\.?\\d{1,10}(\\.\\d{1,10}){1,127}");

        public enum Version {
            @JsonProperty("v2c") V2C,
            @JsonProperty("v3") V3
        }

        public enum AuthProtocol {
            @JsonProperty("md5") MD5,
            @JsonProperty("sha") SHA,
            @JsonProperty("sha-224") SHA224,
            @JsonProperty("sha-256") SHA256,
            @JsonProperty("sha-384") SHA384,
            @JsonProperty("sha-512") SHA512
        }

        /** AES-192/256 are left out: net-snmp and PDUs disagree on how their keys are extended. */
        public enum PrivProtocol {
            @JsonProperty("des") DES,
            @JsonProperty("aes") AES128
        }

        public SnmpPdu {
            requiredText(host, "host");
            check(port >= 1 && port <= 65535, "must be between 1 and 65535, got " + port, "port");
            required(version, "version");
            if (version == Version.V2C) {
                required(community, "community");
                check(user == null, "only used with version v3", "user");
                check(authProtocol == null, "only used with version v3", "auth-protocol");
                check(privProtocol == null, "only used with version v3", "priv-protocol");
            } else {
                check(community == null, "only used with version v2c", "community");
                requiredText(user, "user");
                check((authProtocol == null) == (authPassword == null), authProtocol == null
                        ? "only used with auth-protocol" : "required with auth-protocol", "auth-password");
                check(privProtocol == null || authProtocol != null, "SNMPv3 privacy needs authentication: give auth-protocol",
                        "priv-protocol");
                check((privProtocol == null) == (privPassword == null), privProtocol == null
                        ? "only used with priv-protocol" : "required with priv-protocol", "priv-password");
                // RFC 3414: a USM pass phrase is at least 8 characters; net-snmp and most PDUs refuse shorter.
                check(authPassword == null || authPassword.length() >= 8, "must be at least 8 characters", "auth-password");
                check(privPassword == null || privPassword.length() >= 8, "must be at least 8 characters", "priv-password");
            }
            oid(outletOid, "outlet-oid");
            oid(statusOid, "status-oid");
            check(onValue != offValue, "on-value and off-value must differ", "off-value");
            check(statusOn != statusOff, "status-on and status-off must differ", "status-off");
            positive(timeoutMs, "timeout-ms");
            check(retries >= 0 && retries <= 10, "must be between 0 and 10, got " + retries, "retries");
            positive(confirmTimeoutMs, "confirm-timeout-ms");
        }

        private static void oid(String oid, String field) {
            requiredText(oid, field);
            check(OID.matcher(oid).matches(), "must be a numeric OID like 1.3.6.1.4.1.318.1.1.4.4.2.1.3.1, got '"
                    + oid + "'", field);
        }

        @JsonCreator
        static SnmpPdu fromYaml(@JacksonInject("base-dir") Path baseDir,
                                @JsonProperty("host") String host, @JsonProperty("port") Integer port,
                                @JsonProperty("version") Version version,
                                @JsonProperty("community") String community,
                                @JsonProperty("community-file") String communityFile,
                                @JsonProperty("user") String user,
                                @JsonProperty("auth-protocol") AuthProtocol authProtocol,
                                @JsonProperty("auth-password") String authPassword,
                                @JsonProperty("auth-password-file") String authPasswordFile,
                                @JsonProperty("priv-protocol") PrivProtocol privProtocol,
                                @JsonProperty("priv-password") String privPassword,
                                @JsonProperty("priv-password-file") String privPasswordFile,
                                @JsonProperty("outlet-oid") String outletOid,
                                @JsonProperty("on-value") Integer onValue, @JsonProperty("off-value") Integer offValue,
                                @JsonProperty("status-oid") String statusOid,
                                @JsonProperty("status-on") Integer statusOn, @JsonProperty("status-off") Integer statusOff,
                                @JsonProperty("timeout-ms") Long timeoutMs, @JsonProperty("retries") Integer retries,
                                @JsonProperty("confirm-timeout-ms") Long confirmTimeoutMs) {
            int on = required(onValue, "on-value");
            int off = required(offValue, "off-value");
            return new SnmpPdu(host, port == null ? 161 : port, version,
                    secret(baseDir, community, communityFile, "community"), user, authProtocol,
                    secret(baseDir, authPassword, authPasswordFile, "auth-password"), privProtocol,
                    secret(baseDir, privPassword, privPasswordFile, "priv-password"), outletOid, on, off,
                    statusOid == null ? outletOid : statusOid, statusOn == null ? on : statusOn,
                    statusOff == null ? off : statusOff, timeout(timeoutMs, 2000, "timeout-ms"),
                    retries == null ? 1 : retries, timeout(confirmTimeoutMs, 5000, "confirm-timeout-ms"));
        }

        @Override
        public String describe() {
            return "PDU outlet " + outletOid + " at " + host + ":" + port + " (SNMP " + YamlNames.of(version) + ")";
        }

        @Override
        public String toString() {
            return "SnmpPdu[" + describe() + ", user=" + user + ", auth=" + authProtocol + ", priv=" + privProtocol
                    + ", secrets not shown, outletOid=" + outletOid + ", on/off=" + onValue + "/" + offValue
                    + ", statusOid=" + statusOid + ", status on/off=" + statusOn + "/" + statusOff
                    + ", timeoutMs=" + timeoutMs + ", retries=" + retries + "]";
        }
    }

    /**
     * The lab's own commands for anything else: each an argument list run without a shell (write
     * {@code [sh, -c, "..."]} to have one), within {@code timeoutMs}.
     *
     * @param status    null: nothing reads the supply back, so the state is only "commanded"
     * @param statusOn  what the status command prints (trimmed, any case) when the supply is on
     */
    record Command(List<String> on, List<String> off, List<String> status, String statusOn, String statusOff,
                   long timeoutMs) implements PowerConfig {
        static final String DRIVER = "command";

        public Command {
            on = argv(on, "on");
            off = argv(off, "off");
            status = status == null ? null : argv(status, "status");
            requiredText(statusOn, "status-on");
            requiredText(statusOff, "status-off");
            check(!statusOn.strip().equalsIgnoreCase(statusOff.strip()), "status-on and status-off must differ",
                    "status-off");
            check(status != null || statusOn.equals("on") && statusOff.equals("off"),
                    "only used with a status command", "status-on");
            positive(timeoutMs, "timeout-ms");
        }

        private static List<String> argv(List<String> argv, String field) {
            required(argv, field);
            check(!argv.isEmpty(), "must name a program (a list: [program, arg, ...])", field);
            for (int i = 0; i < argv.size(); i++) {
                check(argv.get(i) != null, "must not be empty", field, i);
            }
            check(!argv.get(0).isBlank(), "must name a program", field, 0);
            return List.copyOf(argv);
        }

        @JsonCreator
        static Command fromYaml(@JsonProperty("on") ArrayList<String> on, @JsonProperty("off") ArrayList<String> off,
                                @JsonProperty("status") ArrayList<String> status,
                                @JsonProperty("status-on") String statusOn, @JsonProperty("status-off") String statusOff,
                                @JsonProperty("timeout-ms") Long timeoutMs) {
            return new Command(on, off, status, statusOn == null ? "on" : statusOn, statusOff == null ? "off" : statusOff,
                    timeout(timeoutMs, 10_000, "timeout-ms"));
        }

        @Override
        public String describe() {
            return "the fixture's power commands (" + on.get(0) + ")";
        }
    }
}
