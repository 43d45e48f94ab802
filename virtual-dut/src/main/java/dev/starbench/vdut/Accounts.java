package dev.starbench.vdut;

import dev.starbench.vdut.contract.Flaw;
import dev.starbench.vdut.contract.SimulationSettings;
import dev.starbench.vdut.contract.SimulationSettings.Credential;

/**
 * The device's logins: the factory credentials from the simulation, each replaced by the password its
 * owner set with {@code passwd} (kept in the owner's data, so a factory reset brings the factory
 * password back), and root/root or admin/admin with {@code default-password}.
 */
final class Accounts {
    private final SimulationSettings sim;
    private final UserData data;

    Accounts(SimulationSettings sim, UserData data) {
        this.sim = sim;
        this.data = data;
    }

    boolean accepts(String user, String password) {
        String set = data.password(user);
        if (set != null) {
            return set.equals(password);
        }
        for (Credential c : sim.credentials()) {
            if (c.user().equals(user) && c.password().equals(password)) {
                return true;
            }
        }
        return sim.has(Flaw.DEFAULT_PASSWORD)
                && (user.equals("root") && password.equals("root") || user.equals("admin") && password.equals("admin"));
    }

    boolean exists(String user) {
        return user.equals("root") || sim.credentials().stream().anyMatch(c -> c.user().equals(user));
    }

    long failureDelayMs() {
        return sim.loginFailDelayMs();
    }
}
