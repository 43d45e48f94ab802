package dev.starbench.vdut;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.starbench.vdut.contract.CloudIdentity;
import dev.starbench.vdut.contract.DebugPortSettings;
import dev.starbench.vdut.contract.Flaw;
import dev.starbench.vdut.contract.GpioWire;
import dev.starbench.vdut.contract.OtaSettings;
import dev.starbench.vdut.contract.SimulationSettings;
import dev.starbench.vdut.jtag.DebugPort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the simulation the bench sent ({@code --simulation -}: stdin's first line) or a file. The bench validates what it
 * writes, so every mistake here is refused loudly, and so is a flaw this device does not act out:
 * a profile must never believe a weakness is switched on when nothing simulates it.
 */
final class SimulationFile {
    /** Far above any real simulation; a bench that sends no line break must not fill the heap. */
    private static final int MAX_LINE = 4 * 1024 * 1024;

    private SimulationFile() {
    }

    static SimulationSettings load(Path file, InputStream stdin) throws StartupException {
        return load(file, stdin, SimulationFile::actedOutBy);
    }

    /**
     * Reads FILE, or the first line of stdin when FILE is {@value GpioWire#SIMULATION_ON_STDIN} (the bench's
     * way: the settings hold passwords and keys, so they never go to a file).
     *
     * @param actedOutBy what in this device acts out a flaw; null when nothing does
     */
    static SimulationSettings load(Path file, InputStream stdin, Function<Flaw, String> actedOutBy) throws StartupException {
        if (file.toString().equals(GpioWire.SIMULATION_ON_STDIN)) {
            return parse("stdin", firstLine(stdin), actedOutBy);
        }
        try {
            return parse(file.toString(), Files.readAllBytes(file), actedOutBy);
        } catch (NoSuchFileException e) {
            throw invalid(file.toString(), "file not found");
        } catch (IOException e) {
            throw invalid(file.toString(), e.toString());
        }
    }

    // Byte by byte (System.in is buffered), so nothing after the line is consumed: the rest of stdin
    // is the bench's lifeline, read until EOF.
    private static byte[] firstLine(InputStream in) throws StartupException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    throw invalid("stdin", "ended before the simulation line");
                }
                if (line.size() >= MAX_LINE) {
                    throw invalid("stdin", "the simulation line is longer than " + MAX_LINE + " bytes");
                }
                line.write(b);
            }
        } catch (IOException e) {
            throw invalid("stdin", e.toString());
        }
        return line.toByteArray();
    }

    private static SimulationSettings parse(String file, byte[] bytes, Function<Flaw, String> actedOutBy)
            throws StartupException {
        ObjectMapper json = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .build();
        SimulationSettings sim;
        try {
            sim = json.readValue(bytes, SimulationSettings.class);
        } catch (UnrecognizedPropertyException e) {
            throw invalid(file, "unknown key '" + e.getPropertyName() + "'" + where(e) + "; known keys: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")));
        } catch (InvalidFormatException e) {
            if (e.getTargetType() == Flaw.class) {
                throw invalid(file, "unknown flaw '" + e.getValue() + "'" + where(e) + "; known flaws: " + Flaw.keys());
            }
            throw invalid(file, e.getOriginalMessage() + where(e));
        } catch (JsonProcessingException e) {
            throw invalid(file, e.getOriginalMessage() + where(e));
        } catch (IOException e) {
            throw invalid(file, e.toString());
        }
        if (sim == null) {
            throw invalid(file, "expected a JSON object, found null");
        }
        validate(file, sim);
        List<String> notActedOut = sim.flaws().stream().filter(f -> actedOutBy.apply(f) == null).map(Flaw::key).sorted().toList();
        if (!notActedOut.isEmpty()) {
            throw invalid(file, "this virtual DUT does not implement the flaw(s) " + notActedOut
                    + ", so it cannot act them out; a check run against it would prove nothing about them");
        }
        return sim;
    }

    /**
     * Where each flaw is acted out. A switch without a default: a flaw added to the contract does not
     * compile here until someone decides whether this device acts it out.
     */
    static String actedOutBy(Flaw flaw) {
        return switch (flaw) {
            case ROOT_CONSOLE, DEFAULT_PASSWORD, BOOTLOADER_OPEN, SECRET_IN_BOOTLOG -> "Firmware (console)";
            case PLAINTEXT_MQTT, FALLS_BACK_TO_PLAINTEXT, TRUSTS_ANY_CERT, IGNORES_HOSTNAME, ACCEPTS_EXPIRED, ALLOWS_TLS10,
                 REPLAYABLE_COMMANDS -> "CloudClient";
            case ANONYMOUS_BROKER -> "LocalBroker";
            case TELNET_OPEN -> "Telnetd";
            case ACCEPTS_UNSIGNED, ACCEPTS_FOREIGN_KEY, SKIPS_HASH_CHECK, ACCEPTS_DOWNGRADE, BRICKS_ON_POWER_LOSS -> "Ota";
            case LOSES_SETTINGS_ON_POWER_CUT, RESET_KEEPS_DATA -> "UserData";
            case BRICKS_ON_EARLY_POWER_CUT -> "BootEnvironment";
            case NO_RECONNECT_BACKOFF -> "ReconnectPolicy";
            case NEVER_RESUMES -> "CloudClient";
            case JTAG_OPEN, JTAG_FUSED -> "jtag.DebugPort";
            case NO_CLIENT_CERT -> "TrustPolicy (no key manager)";
            // The factory's mistakes: the bench provisions the unit with them (its VirtualIdentity and
            // VirtualFirmware), and validate() holds that an identity came with them.
            case SHARED_DEVICE_KEY, EXPIRED_DEVICE_CERT, DEVICE_KEY_IN_IMAGE -> "the bench's provisioning (network.cloud-identity)";
            // The real-Linux DUT runs libcoap's server; a CoAP server written here would only answer our own probe.
            case COAP_OPEN -> null;
            case SSH_DEFAULT_PASSWORD, WEB_DEFAULT_PASSWORD, NO_LOGIN_DELAY, PERMANENT_LOCKOUT, USER_ENUMERATION,
                 PASSWORD_CHANGE_IGNORED, REFUSES_REUSED_PASSWORD -> "Accounts (console, telnetd, sshd, web admin)";
        };
    }

    private static void validate(String file, SimulationSettings sim) throws StartupException {
        if (sim.baud() <= 0) {
            throw invalid(file, "baud must be positive, was " + sim.baud());
        }
        if (sim.bootdelayS() < 0 || sim.bootdelayS() > 60) {
            throw invalid(file, "bootdelay-s must be 0..60, was " + sim.bootdelayS());
        }
        if (sim.loginFailDelayMs() < 0 || sim.loginFailDelayMs() > 60_000) {
            throw invalid(file, "login-fail-delay-ms must be 0..60000, was " + sim.loginFailDelayMs());
        }
        if (sim.lockoutPolicy().after() < 0 || sim.lockoutPolicy().windowMs() <= 0 || sim.lockoutPolicy().forMs() <= 0) {
            throw invalid(file, "lockout: after must be 0 or more, window-ms and for-ms positive");
        }
        if (!sim.hostname().matches("[A-Za-z0-9][A-Za-z0-9.-]{0,62}")) {
            throw invalid(file, "hostname must be a plain host name, was '" + sim.hostname() + "'");
        }
        if (sim.reconnectCapMs() <= 0 || sim.reconnectCapMs() > 3_600_000) {
            throw invalid(file, "reconnect-cap-ms must be 1..3600000, was " + sim.reconnectCapMs());
        }
        if (sim.autobootStop() != null && sim.autobootStop().isEmpty()) {
            throw invalid(file, "autoboot-stop must not be empty (use null for none)");
        }
        OtaSettings ota = sim.ota();
        if (ota != null) {
            String problem = problem(ota);
            if (problem != null) {
                throw invalid(file, "ota: " + problem);
            }
            if (ota.overMqtt() && (sim.network() == null || sim.network().cloudHost() == null)) {
                throw invalid(file, "ota: transport mqtt needs network.cloud-host: offers come through the cloud connection");
            }
        }
        String debugProblem = problem(sim.debugPort());
        if (debugProblem != null) {
            throw invalid(file, "debug-port: " + debugProblem);
        }
        if (sim.has(Flaw.JTAG_OPEN) && sim.has(Flaw.JTAG_FUSED)) {
            throw invalid(file, "the flaws jtag-open and jtag-fused exclude each other: a fused port reads nothing");
        }
        CloudIdentity identity = sim.network() == null ? null : sim.network().cloudIdentity();
        for (Flaw f : Flaw.PROVISIONED_IDENTITY) {
            if (sim.has(f) && identity == null) {
                throw invalid(file, f.key() + " is a flaw of the unit's provisioned identity: it needs network.cloud-identity");
            }
        }
        if (identity != null && (identity.cert() == null || !identity.cert().contains("CERTIFICATE")
                || identity.key() == null || !identity.key().contains("PRIVATE KEY"))) {
            throw invalid(file, "network.cloud-identity needs cert (PEM certificates) and key (a PEM private key)");
        }
        for (SimulationSettings.Credential c : sim.credentials()) {
            if (c.user() == null || c.user().isEmpty() || c.password() == null) {
                throw invalid(file, "each credential needs a non-empty user and a password");
            }
        }
    }

    /** What is wrong with the OTA settings, or null. */
    private static String problem(OtaSettings ota) {
        if (!ota.transport().equals(OtaSettings.HTTP) && !ota.overMqtt()) {
            return "transport must be http or mqtt, was " + ota.transport();
        }
        if (!ota.overMqtt() && (ota.httpPort() == null || ota.httpPort() <= 0 || ota.httpPort() > 65535)) {
            return "http-port must be 1..65535";
        }
        if (ota.overMqtt() && (ota.offerTopic().isEmpty() || ota.statusTopic().isEmpty()
                || (ota.offerTopic() + ota.statusTopic()).matches(".*[+#].*"))) {
            return "offer-topic and status-topic must be topic names (not empty, no + or #)";
        }
        if (ota.trustedKey() == null || !ota.trustedKey().contains("PUBLIC KEY")) {
            return "trusted-key must be a PEM public key";
        }
        if (ota.installMs() < 0 || ota.installMs() > 600_000) {
            return "install-ms must be 0..600000";
        }
        if (McubootImage.Version.parse(ota.factoryVersion()) == null) {
            return "factory-version is not a version: " + ota.factoryVersion();
        }
        if ((ota.deviceTypeTlv() == null) != (ota.deviceType() == null)) {
            return "device-type-tlv and device-type go together";
        }
        return null;
    }

    /** What is wrong with the debug port's settings, or null (also when there is none). */
    private static String problem(DebugPortSettings d) {
        if (d == null) {
            return null;
        }
        if ((d.port() == null) == (d.socket() == null)) {
            return "give exactly one of port (TCP on 127.0.0.1) and socket (a unix socket path)";
        }
        if (d.port() != null && (d.port() <= 0 || d.port() > 65535)) {
            return "port must be 1..65535, was " + d.port();
        }
        if (d.socket() != null && d.socket().isEmpty()) {
            return "socket must be a path";
        }
        // IEEE 1149.1: an IDCODE's bit 0 is 1 (a BYPASS register captures 0, which is how a probe tells them apart).
        if (d.idcode() < 0 || d.idcode() > 0xFFFF_FFFFL || (d.idcode() & 1) == 0) {
            return String.format("idcode must be a 32-bit IDCODE with bit 0 set, was 0x%x", d.idcode());
        }
        return null;
    }

    /** The flash image the debug port's memory holds. */
    static byte[] flashImage(Path image) throws StartupException {
        try {
            if (Files.size(image) > DebugPort.MAX_FLASH_IMAGE) {
                throw new StartupException(StartupException.SIMULATION, "debug-port.flash-image " + image + " is over "
                        + DebugPort.MAX_FLASH_IMAGE + " bytes: a microcontroller's flash, not a disk");
            }
            return Files.readAllBytes(image);
        } catch (IOException e) {
            throw new StartupException(StartupException.SIMULATION, "debug-port.flash-image " + image + " is unreadable: " + e);
        }
    }

    private static String where(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    private static StartupException invalid(String file, String message) {
        return new StartupException(StartupException.SIMULATION, "simulation " + file + ": " + message);
    }
}
