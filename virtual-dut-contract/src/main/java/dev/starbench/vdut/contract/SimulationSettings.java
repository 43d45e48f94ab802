package dev.starbench.vdut.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The simulation file the bench writes and the virtual DUT reads ({@code --simulation SIM.json}):
 * how the simulated device really behaves. Absent keys take the defaults below, on both sides.
 * It holds passwords: it goes to the child process only, never to a log or a report.
 *
 * @param autobootStop the byte sequence that stops autoboot; null: the bootloader is not keyed
 * @param network      null: the device connects nowhere and serves nothing
 * @param ota          null: the device has no update agent
 * @param debugPort    null: no probe is wired to the device's debug port
 * @param ansiConsole  the shell's prompt as a real terminal's: colours, a window title, then a cursor
 *                     position query it waits for (up to 5 s) before reading input
 * @param loginFailDelayMs how long every login surface waits before it answers a failed login
 * @param lockout      when a user name is locked out, on every login surface; null: {@link Lockout#DEFAULTS}
 * @param reconnectCapMs the longest wait of the hardened cloud client's back-off between reconnects
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SimulationSettings(
        @JsonProperty("baud") Integer baud,
        @JsonProperty("bootdelay-s") Integer bootdelayS,
        @JsonProperty("autoboot-stop") @JsonInclude(JsonInclude.Include.ALWAYS) String autobootStop,
        @JsonProperty("credentials") List<Credential> credentials,
        @JsonProperty("login-fail-delay-ms") Long loginFailDelayMs,
        @JsonProperty("hostname") String hostname,
        @JsonProperty("flaws") Set<Flaw> flaws,
        @JsonProperty("network") NetworkSettings network,
        @JsonProperty("ota") OtaSettings ota,
        @JsonProperty("debug-port") DebugPortSettings debugPort,
        @JsonProperty("ansi-console") Boolean ansiConsole,
        @JsonProperty("lockout") Lockout lockout,
        @JsonProperty("reconnect-cap-ms") Long reconnectCapMs) {

    public static final int DEFAULT_BAUD = 115200;
    public static final int DEFAULT_BOOTDELAY_S = 2;
    /** The hardened device's: one second after each failure, as published EN 303 645 self-assessments relied on. */
    public static final long DEFAULT_LOGIN_FAIL_DELAY_MS = 1000;
    public static final String DEFAULT_HOSTNAME = "vdut";
    public static final long DEFAULT_RECONNECT_CAP_MS = 60_000;

    public SimulationSettings {
        baud = baud == null ? DEFAULT_BAUD : baud;
        bootdelayS = bootdelayS == null ? DEFAULT_BOOTDELAY_S : bootdelayS;
        credentials = credentials == null ? List.of() : List.copyOf(credentials);
        loginFailDelayMs = loginFailDelayMs == null ? DEFAULT_LOGIN_FAIL_DELAY_MS : loginFailDelayMs;
        hostname = hostname == null ? DEFAULT_HOSTNAME : hostname;
        flaws = flaws == null || flaws.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(flaws));
        ansiConsole = ansiConsole != null && ansiConsole;
        reconnectCapMs = reconnectCapMs == null ? DEFAULT_RECONNECT_CAP_MS : reconnectCapMs;
    }

    /** The lockout policy in force: the file's, or the defaults. */
    public Lockout lockoutPolicy() {
        return lockout == null ? Lockout.DEFAULTS : lockout;
    }

    public boolean has(Flaw flaw) {
        return flaws.contains(flaw);
    }

    public SimulationSettings withNetwork(NetworkSettings n) {
        return new SimulationSettings(baud, bootdelayS, autobootStop, credentials, loginFailDelayMs, hostname, flaws, n, ota,
                debugPort, ansiConsole, lockout, reconnectCapMs);
    }

    public SimulationSettings withDebugPort(DebugPortSettings d) {
        return new SimulationSettings(baud, bootdelayS, autobootStop, credentials, loginFailDelayMs, hostname, flaws, network,
                ota, d, ansiConsole, lockout, reconnectCapMs);
    }

    /** A login the simulated device accepts. */
    public record Credential(@JsonProperty(value = "user", required = true) String user,
                             @JsonProperty(value = "password", required = true) String password) {
        // Records print every component; a password must never reach a log.
        @Override
        public String toString() {
            return "Credential[user=" + user + ", password=***]";
        }
    }

    /** The flaws by name, sorted, for a log line. */
    @JsonIgnore
    public List<String> flawKeys() {
        return flaws.stream().map(Flaw::key).sorted().toList();
    }
}
