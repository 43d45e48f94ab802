package dev.starbench.config;

import static dev.starbench.config.InvalidField.check;
import static dev.starbench.config.InvalidField.positive;
import static dev.starbench.config.InvalidField.required;
import static dev.starbench.config.InvalidField.requiredText;
import static dev.starbench.config.InvalidField.texts;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.starbench.vdut.contract.Flaw;
import dev.starbench.vdut.contract.NetworkSettings;
import dev.starbench.vdut.contract.SimulationSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What the DUT is and what its maker claims. Travels with the device to any bench; loaded by
 * {@link ConfigLoader#loadProfile}.
 *
 * @param source     the file as the caller named it
 * @param sha256     lowercase hex SHA-256 of the file's bytes, for the run manifest
 * @param console    null when the profile declares no console
 * @param bootloader null when the profile declares no bootloader
 * @param simulation null unless the DUT is the virtual DUT or the real-Linux DUT ({@code dut: linux}):
 *                   what the device really does
 * @param network    null when the profile declares no network side (console-only checks still run)
 * @param firmware   null when the profile declares no update path (update checks N/A)
 * @param debugPort  null when the profile declares no JTAG/SWD port
 * @param logins     the login surfaces the maker declares (auth checks); empty when it declares none
 * @param lifecycle  null when the profile declares nothing for the resilience and erase checks (N/A)
 */
public record DeviceProfile(Path source, String sha256, Device device, Console console, Bootloader bootloader,
                            Timeouts timeouts, Simulation simulation, Network network,
                            Firmware firmware, DebugPort debugPort, List<LoginSurface> logins, Lifecycle lifecycle) {

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
        if (simulation != null && simulation.identity() != null) {
            check(cloud != null && cloud.deviceIdentity() != null && cloud.deviceIdentity().caCert() != null,
                    "needs network.cloud.device-identity.ca-cert: the certificate of the device CA whose key this names",
                    "simulation", "identity", "ca-key");
        }
        if (simulation != null && simulation.flaws().contains(Flaw.DEVICE_KEY_IN_IMAGE)) {
            check(firmware != null && firmware.signingKey() != null && simulation.ota() != null,
                    "device-key-in-image puts the unit's key into the factory image the bench makes: it needs"
                            + " firmware.image and firmware.signing-key, and simulation.ota",
                    "simulation", "flaws", simulation.flaws().indexOf(Flaw.DEVICE_KEY_IN_IMAGE));
        }
        if (lifecycle != null) {
            lifecycle.requireCloudWhereUsed(cloud != null);
        }
        if (simulation != null && simulation.ota() != null && simulation.ota().overMqtt()) {
            check(cloud != null, "transport mqtt needs the profile's network.cloud: the simulated device takes offers"
                    + " through its cloud connection", "simulation", "ota", "transport");
        }
        if (simulation != null && simulation.auth() != null && network == null) {
            check(simulation.auth().sshPort() == null && simulation.auth().httpPort() == null, "the virtual DUT serves"
                    + " its network logins only with the profile's network section", "simulation", "auth");
        }
        logins = logins == null ? List.of() : List.copyOf(logins);
        for (int i = 0; i < logins.size(); i++) {
            LoginSurface l = required(logins.get(i), "logins", i);
            check(l.surface() == LoginSurface.Kind.CONSOLE || l.url() != null || network != null && network.address() != null,
                    "a " + l.surface().key() + " surface is reached at the DUT's network.address, which the profile lacks",
                    "logins", i, "surface");
            check(l.surface() != LoginSurface.Kind.CONSOLE || console != null, "a console login needs the profile's"
                    + " console section", "logins", i, "surface");
            for (int j = 0; j < i; j++) {
                check(!logins.get(j).label().equals(l.label()), l.label() + " is declared twice (also logins["
                        + j + "])", "logins", i, "surface");
            }
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
                                  @JsonProperty("firmware") Firmware firmware,
                                  @JsonProperty("debug-port") DebugPort debugPort,
                                  @JsonProperty("logins") List<LoginSurface> logins,
                                  @JsonProperty("lifecycle") Lifecycle lifecycle) {
        return new DeviceProfile(source, sha256, device, console, bootloader,
                timeouts == null ? Timeouts.DEFAULTS : timeouts, simulation, network, firmware, debugPort, logins, lifecycle);
    }

    /**
     * What the virtual DUT process reads: the simulation, plus the network side it has to act out
     * (where its cloud is, which CA it trusts). Holds passwords: for the child process only.
     */
    public SimulationSettings simulationSettings() {
        SimulationSettings settings = simulation.settings();
        if (network == null) {
            return settings;
        }
        Network.Cloud cloud = network.cloud();
        Network.LocalBroker broker = network.broker();
        // A simulated telnetd needs a port; the last one the bench scans is where it will look.
        return settings.withNetwork(new NetworkSettings(
                cloud == null ? null : cloud.host(), cloud == null ? null : cloud.port(),
                cloud == null ? null : cloud.tls(), cloud == null ? null : cloud.fallbackPort(),
                cloud == null || cloud.caCert() == null ? null : readPem(cloud.caCert(), "network.cloud.ca-cert"),
                cloud == null ? null : cloud.commandTopic(), cloud == null ? null : cloud.statusTopic(),
                broker == null ? null : broker.port(), broker == null ? null : broker.tls(), null, null,
                network.scanPorts().to(), null, simulation.auth() == null ? null : simulation.auth().sshPort(),
                simulation.auth() == null ? null : simulation.auth().httpPort()));
    }

    static String readPem(Path file, String field) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(field + " " + file + " is unreadable", e);
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
     * How the virtual DUT behaves (the controller hands it over as {@link DeviceProfile#simulationSettings()}),
     * or which flaws the real-Linux DUT switches on ({@code dut: linux}, see {@link LinuxDut}; then only
     * {@code flaws} is read).
     *
     * @param autobootStop the string that stops autoboot; null means any key does
     * @param dut          "virtual" (the default) or "linux"
     * @param ansiConsole  a colour shell prompt with a title, followed by a cursor position query the
     *                     shell waits to have answered, as BusyBox's line editor on a colour terminal
     * @param auth         the virtual DUT's SSH server, web admin page and lockout; null: no SSH or web, default lockout
     * @param reconnectCapMs the longest wait of the virtual DUT's cloud back-off (hardened: exponential with jitter)
     */
    public record Simulation(int baud, int bootdelayS, String autobootStop, List<Credential> credentials,
                             long loginFailDelayMs, String hostname, List<Flaw> flaws, SimulatedOta ota, String dut,
                             SimulatedIdentity identity, boolean ansiConsole, SimulatedAuth auth, long reconnectCapMs) {

        static final String VIRTUAL_DUT = "virtual";
        static final String LINUX_DUT = "linux";

        public Simulation {
            positive(baud, "baud");
            // The virtual DUT's own limits (vdut/SimulationFile), so a profile it would refuse fails here first.
            check(bootdelayS >= 0 && bootdelayS <= 60, "must be 0..60, got " + bootdelayS, "bootdelay-s");
            check(autobootStop == null || !autobootStop.isEmpty(), "must not be empty", "autoboot-stop");
            credentials = credentials == null ? List.of() : credentials;
            for (int i = 0; i < credentials.size(); i++) {
                required(credentials.get(i), "credentials", i);
            }
            credentials = List.copyOf(credentials);
            check(loginFailDelayMs >= 0 && loginFailDelayMs <= 60_000, "must be 0..60000, got " + loginFailDelayMs,
                    "login-fail-delay-ms");
            hostname = hostname == null ? SimulationSettings.DEFAULT_HOSTNAME : hostname;
            // It ends up in the shell prompt, which the console classifier matches.
            check(hostname.matches("[A-Za-z0-9][A-Za-z0-9-]{0,62}"),
                    "must be 1 to 63 letters, digits or '-', not starting with '-', got '" + hostname + "'", "hostname");
            dut = dut == null ? VIRTUAL_DUT : dut;
            check(dut.equals(VIRTUAL_DUT) || dut.equals(LINUX_DUT), "unknown value '" + dut
                    + "' (allowed: virtual, linux)", "dut");
            flaws = flaws == null ? List.of() : flaws;
            for (int i = 0; i < flaws.size(); i++) {
                Flaw flaw = required(flaws.get(i), "flaws", i);
                if (dut.equals(LINUX_DUT)) {
                    check(LinuxDut.FLAWS.contains(flaw), "the Linux DUT does not implement " + flaw.key()
                            + " (it implements: " + LinuxDut.names(LinuxDut.FLAWS) + ")", "flaws", i);
                } else {
                    check(!LinuxDut.ONLY_LINUX.contains(flaw), "only the Linux DUT implements "
                            + flaw.key() + " (simulation.dut: linux)", "flaws", i);
                    check(identity != null || !Flaw.PROVISIONED_IDENTITY.contains(flaw), flaw.key() + " is a flaw of the unit's"
                            + " cloud identity: it needs simulation.identity (unit-id, ca-key)", "flaws", i);
                }
            }
            flaws = List.copyOf(flaws);
            positive(reconnectCapMs, "reconnect-cap-ms");
        }

        /** A simulated device without an OTA agent. */
        public Simulation(int baud, int bootdelayS, String autobootStop, List<Credential> credentials,
                          long loginFailDelayMs, String hostname, List<Flaw> flaws) {
            this(baud, bootdelayS, autobootStop, credentials, loginFailDelayMs, hostname, flaws, null, VIRTUAL_DUT, null, false, null,
                    SimulationSettings.DEFAULT_RECONNECT_CAP_MS);
        }

        /** Whether this section is for the real-Linux DUT rather than the virtual DUT. */
        public boolean isLinuxDut() {
            return dut.equals(LINUX_DUT);
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
                                   @JsonProperty("dut") String dut,
                                   @JsonProperty("identity") SimulatedIdentity identity,
                                   @JsonProperty("ansi-console") Boolean ansiConsole,
                                   @JsonProperty("auth") SimulatedAuth auth,
                                   @JsonProperty("reconnect-cap-ms") Long reconnectCapMs) {
            if (LINUX_DUT.equals(dut)) {
                // Settings only the virtual DUT acts out would be silently ignored: refuse them.
                Object[][] given = {{"baud", baud}, {"bootdelay-s", bootdelayS}, {"autoboot-stop", autobootStop},
                        {"credentials", credentials}, {"login-fail-delay-ms", loginFailDelayMs}, {"hostname", hostname},
                        {"ota", ota}, {"identity", identity}, {"ansi-console", ansiConsole}, {"auth", auth},
                        {"reconnect-cap-ms", reconnectCapMs}};
                for (Object[] field : given) {
                    check(field[1] == null, "the Linux DUT does not read it; with dut: linux only flaws is read",
                            field[0]);
                }
            }
            return new Simulation(baud == null ? SimulationSettings.DEFAULT_BAUD : baud,
                    bootdelayS == null ? SimulationSettings.DEFAULT_BOOTDELAY_S : bootdelayS, autobootStop, credentials,
                    loginFailDelayMs == null ? SimulationSettings.DEFAULT_LOGIN_FAIL_DELAY_MS : loginFailDelayMs,
                    hostname, flaws, ota, dut, identity, ansiConsole != null && ansiConsole, auth,
                    reconnectCapMs == null ? SimulationSettings.DEFAULT_RECONNECT_CAP_MS : reconnectCapMs);
        }

        /** The settings the virtual DUT process reads; without the network side ({@link DeviceProfile#simulationSettings()}). */
        SimulationSettings settings() {
            return new SimulationSettings(baud, bootdelayS, autobootStop,
                    credentials.stream().map(c -> new SimulationSettings.Credential(c.user(), c.password())).toList(),
                    loginFailDelayMs, hostname, Set.copyOf(flaws), null, ota == null ? null : ota.settings(), null,
                    ansiConsole, auth == null ? null : auth.lockout(), reconnectCapMs);
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
