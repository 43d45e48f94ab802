package dev.starbench.vdut;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** How the simulated device really behaves; written by the bench, so every mistake in it is refused loudly. */
record Simulation(
        @JsonProperty("baud") Integer baud,
        @JsonProperty("bootdelay-s") Integer bootdelayS,
        @JsonProperty("autoboot-stop") String autobootStop,
        @JsonProperty("credentials") List<Credential> credentials,
        @JsonProperty("login-fail-delay-ms") Integer loginFailDelayMs,
        @JsonProperty("hostname") String hostname,
        @JsonProperty("flaws") Set<Flaw> flaws,
        @JsonProperty("network") NetworkSim network,
        @JsonProperty("ota") OtaSettings ota,
        @JsonProperty("ansi-console") Boolean ansiConsole) {

    record Credential(@JsonProperty(value = "user", required = true) String user,
                      @JsonProperty(value = "password", required = true) String password) {
    }

    enum Flaw {
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
        @JsonProperty("bricks-on-power-loss") BRICKS_ON_POWER_LOSS;

        String key() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    Simulation {
        baud = baud == null ? 115200 : baud;
        bootdelayS = bootdelayS == null ? 2 : bootdelayS;
        credentials = credentials == null ? List.of() : List.copyOf(credentials);
        loginFailDelayMs = loginFailDelayMs == null ? 200 : loginFailDelayMs;
        hostname = hostname == null ? "vdut" : hostname;
        flaws = flaws == null || flaws.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flaws));
        ansiConsole = ansiConsole != null && ansiConsole;
    }

    boolean has(Flaw flaw) {
        return flaws.contains(flaw);
    }

    static Simulation load(Path file) throws StartupException {
        ObjectMapper json = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .build();
        Simulation sim;
        try {
            sim = json.readValue(Files.readAllBytes(file), Simulation.class);
        } catch (NoSuchFileException e) {
            throw invalid(file, "file not found");
        } catch (UnrecognizedPropertyException e) {
            throw invalid(file, "unknown key '" + e.getPropertyName() + "'" + where(e) + "; known keys: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")));
        } catch (InvalidFormatException e) {
            if (e.getTargetType() == Flaw.class) {
                throw invalid(file, "unknown flaw '" + e.getValue() + "'" + where(e) + "; known flaws: "
                        + Arrays.stream(Flaw.values()).map(Flaw::key).collect(Collectors.joining(", ")));
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
        sim.validate(file);
        return sim;
    }

    private void validate(Path file) throws StartupException {
        if (baud <= 0) {
            throw invalid(file, "baud must be positive, was " + baud);
        }
        if (bootdelayS < 0 || bootdelayS > 60) {
            throw invalid(file, "bootdelay-s must be 0..60, was " + bootdelayS);
        }
        if (loginFailDelayMs < 0 || loginFailDelayMs > 60_000) {
            throw invalid(file, "login-fail-delay-ms must be 0..60000, was " + loginFailDelayMs);
        }
        if (!hostname.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,62}")) {
            throw invalid(file, "hostname must be a plain host name, was '" + hostname + "'");
        }
        if (autobootStop != null && autobootStop.isEmpty()) {
            throw invalid(file, "autoboot-stop must not be empty (use null for none)");
        }
        if (ota != null) {
            String problem = ota.problem();
            if (problem != null) {
                throw invalid(file, "ota: " + problem);
            }
            if (ota.overMqtt() && (network == null || network.cloudHost() == null)) {
                throw invalid(file, "ota: transport mqtt needs network.cloud-host: offers come through the cloud connection");
            }
        }
        for (Credential c : credentials) {
            if (c.user() == null || c.user().isEmpty() || c.password() == null) {
                throw invalid(file, "each credential needs a non-empty user and a password");
            }
        }
    }

    private static String where(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    private static StartupException invalid(Path file, String message) {
        return new StartupException(StartupException.SIMULATION, "simulation " + file + ": " + message);
    }
}
