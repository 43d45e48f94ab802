package dev.starbench.config;

import static dev.starbench.config.InvalidField.check;
import static dev.starbench.config.InvalidField.notNegative;
import static dev.starbench.config.InvalidField.positive;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.starbench.vdut.contract.Lockout;

/**
 * The virtual DUT's network logins and their lockout ({@code simulation.auth}): the SSH server and the
 * web admin page it runs while powered (both take its {@code credentials}), and when a user name is
 * locked out on every surface, the console included. The delay after a failure is
 * {@code simulation.login-fail-delay-ms}.
 *
 * @param sshPort  null: no SSH server
 * @param httpPort null: no web admin page
 */
public record SimulatedAuth(Integer sshPort, Integer httpPort, int lockoutAfter, long lockoutWindowMs, long lockoutMs) {
    public SimulatedAuth {
        if (sshPort != null) {
            check(sshPort > 0 && sshPort < 65536, "must be a TCP port 1..65535, got " + sshPort, "ssh-port");
        }
        if (httpPort != null) {
            check(httpPort > 0 && httpPort < 65536, "must be a TCP port 1..65535, got " + httpPort, "http-port");
        }
        check(sshPort == null || !sshPort.equals(httpPort), "ssh-port and http-port must differ", "http-port");
        notNegative(lockoutAfter, "lockout", "after");
        positive(lockoutWindowMs, "lockout", "window-ms");
        positive(lockoutMs, "lockout", "for-ms");
    }

    @JsonCreator
    static SimulatedAuth fromYaml(@JsonProperty("ssh-port") Integer sshPort, @JsonProperty("http-port") Integer httpPort,
                                  @JsonProperty("lockout") LockoutYaml lockout) {
        Lockout l = lockout == null ? Lockout.DEFAULTS : new Lockout(lockout.after, lockout.windowMs, lockout.forMs);
        return new SimulatedAuth(sshPort, httpPort, l.after(), l.windowMs(), l.forMs());
    }

    /** {@code lockout: {after: 5, window-ms: 60000, for-ms: 30000}}; absent keys take the contract's defaults. */
    record LockoutYaml(Integer after, Long windowMs, Long forMs) {
        @JsonCreator
        static LockoutYaml fromYaml(@JsonProperty("after") Integer after, @JsonProperty("window-ms") Long windowMs,
                                    @JsonProperty("for-ms") Long forMs) {
            return new LockoutYaml(after, windowMs, forMs);
        }
    }

    Lockout lockout() {
        return new Lockout(lockoutAfter, lockoutWindowMs, lockoutMs);
    }
}
