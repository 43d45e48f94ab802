package dev.starbench.vdut;

import dev.starbench.vdut.contract.Flaw;
import dev.starbench.vdut.contract.Lockout;
import dev.starbench.vdut.contract.SimulationSettings;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The device's one account database, behind every login surface (console, telnet, SSH, web page), with
 * one policy: a delay after each failure, a lockout of a user name after too many failures, and the same
 * answer for every failure. Made afresh at each power-on (failures and locks live in RAM). A password the
 * owner sets replaces the factory one and lives in the owner's data ({@link UserData}), so a factory reset
 * brings the factory password back, and a power cut during the write meets the flash as any setting does.
 */
final class Accounts {
    enum Surface { CONSOLE, TELNET, SSH, WEB }

    /** What a failed login says; every surface shows it in its own way. */
    static final String REFUSED = "Login incorrect";
    /** With user-enumeration: what a failure says for a user name the device does not have. */
    static final String UNKNOWN_USER = "Login incorrect: unknown user";
    /** With refuses-reused-password: what a change to a password the account had says. */
    static final String REUSED = "Password refused: it was used before";
    /** With user-enumeration: how much longer a known user's failure takes (a password hash the unknown skip). */
    static final long ENUMERATION_EXTRA_MS = 150;

    /** @param failure null when accepted; else the text the surface shows */
    record Answer(boolean accepted, String failure) {
    }

    private final SimulationSettings sim;
    private final UserData data;
    /** With password-change-ignored: changes live here, in RAM, and are gone at the next power-on. */
    private final Map<String, String> volatileChanges = new HashMap<>();
    private final Map<String, Deque<Long>> failures = new HashMap<>();
    private final Map<String, Long> lockedUntil = new HashMap<>();

    Accounts(SimulationSettings sim, UserData data) {
        this.sim = sim;
        this.data = data;
    }

    /** Decides a login, waiting the policy's delay before a refusal as the real surface would. */
    Answer login(Surface surface, String user, String password) throws InterruptedException {
        Answer a = decide(surface, user, password);
        if (!a.accepted()) {
            long delay = sim.has(Flaw.NO_LOGIN_DELAY) ? 0 : sim.loginFailDelayMs();
            if (sim.has(Flaw.USER_ENUMERATION) && exists(surface, user)) {
                delay += ENUMERATION_EXTRA_MS;
            }
            if (delay > 0) {
                Thread.sleep(delay);
            }
        }
        return a;
    }

    /**
     * A password change, as the web page or an owner's {@code passwd} does it: the old password must log in
     * first (with the same policy). Null when changed; else what the surface says.
     */
    String change(Surface surface, String user, String oldPassword, String newPassword) throws InterruptedException {
        if (!login(surface, user, oldPassword).accepted()) {
            return REFUSED;
        }
        if (reused(user, newPassword)) {
            return REUSED;
        }
        return set(surface, user, newPassword) ? null : REFUSED;
    }

    /** With refuses-reused-password: whether the new password is the account's factory one or its present one. */
    synchronized boolean reused(String user, String newPassword) {
        if (!sim.has(Flaw.REFUSES_REUSED_PASSWORD)) {
            return false;
        }
        boolean factory = sim.credentials().stream().anyMatch(c -> c.user().equals(user) && c.password().equals(newPassword));
        if (factory || newPassword.equals(ownPasswords().get(user))) {
            System.err.println("vdut: accounts: a change of " + user + "'s password to one it had before was refused");
            return true;
        }
        return false;
    }

    /**
     * Sets an account's password without asking for the old one, as root's {@code passwd NAME} does. Stored
     * in the owner's data, unless the device has password-change-ignored (then in RAM only). False for a
     * user name that is not one of the unit's own accounts, or when the flash write failed.
     */
    boolean set(Surface surface, String user, String newPassword) throws InterruptedException {
        synchronized (this) {
            if (!ownPasswords().containsKey(user)) {
                return false;
            }
            if (sim.has(Flaw.PASSWORD_CHANGE_IGNORED)) {
                volatileChanges.put(user, newPassword);
            } else {
                try {
                    data.setPassword(user, newPassword);
                } catch (IOException e) {
                    System.err.println("vdut: accounts: cannot store a changed password: " + e.getMessage());
                    return false;
                }
            }
        }
        // Names only: the bench greps this log for the passwords it sent.
        System.err.println("vdut: accounts: password of " + user + " changed over " + surface.name().toLowerCase());
        return true;
    }

    /**
     * The factory reset, whichever way it was asked for: the owner's data is erased, and with it the
     * passwords set in it (a flawed reset decides in {@link UserData} what it keeps); a change held in RAM
     * goes too. The caller restarts the device.
     */
    synchronized void factoryReset() throws IOException {
        volatileChanges.clear();
        data.factoryReset();
    }

    /** Whether the unit has this account, so root's {@code passwd NAME} can name it. */
    boolean hasAccount(String user) {
        return ownPasswords().containsKey(user);
    }

    private synchronized Answer decide(Surface surface, String user, String password) {
        String failure = sim.has(Flaw.USER_ENUMERATION) && !exists(surface, user) ? UNKNOWN_USER : REFUSED;
        boolean policy = !sim.has(Flaw.NO_LOGIN_DELAY);
        long now = System.nanoTime() / 1_000_000;
        Long until = lockedUntil.get(user);
        if (policy && until != null && now < until) {
            // A locked name: no password is even looked at, and the answer is any failure's.
            return new Answer(false, failure);
        }
        if (password.equals(ownPasswords().get(user)) || defaultAccepted(surface, user, password)) {
            failures.remove(user);
            return new Answer(true, null);
        }
        Lockout lockout = sim.lockoutPolicy();
        if (policy && lockout.after() > 0) {
            Deque<Long> times = failures.computeIfAbsent(user, u -> new ArrayDeque<>());
            times.addLast(now);
            while (!times.isEmpty() && now - times.peekFirst() > lockout.windowMs()) {
                times.removeFirst();
            }
            if (times.size() >= lockout.after()) {
                times.clear();
                lockedUntil.put(user, sim.has(Flaw.PERMANENT_LOCKOUT) ? Long.MAX_VALUE : now + lockout.forMs());
                System.err.println("vdut: accounts: " + user + " locked out"
                        + (sim.has(Flaw.PERMANENT_LOCKOUT) ? " for good" : " for " + lockout.forMs() + " ms"));
            }
        }
        return new Answer(false, failure);
    }

    private boolean exists(Surface surface, String user) {
        return ownPasswords().containsKey(user) || defaultUser(surface, user);
    }

    /** The unit's own credentials: the factory's, each replaced by the one its owner set (or, flawed, changed in RAM). */
    private synchronized Map<String, String> ownPasswords() {
        Map<String, String> passwords = new HashMap<>();
        for (SimulationSettings.Credential c : sim.credentials()) {
            passwords.putIfAbsent(c.user(), c.password());
        }
        passwords.replaceAll((user, factory) -> {
            String set = data.password(user);
            return set == null ? factory : set;
        });
        passwords.putAll(volatileChanges);
        return passwords;
    }

    /** The flaw that gives this surface a public default password, or null. */
    private static Flaw defaultFlaw(Surface surface) {
        return switch (surface) {
            case CONSOLE, TELNET -> Flaw.DEFAULT_PASSWORD;
            case SSH -> Flaw.SSH_DEFAULT_PASSWORD;
            case WEB -> Flaw.WEB_DEFAULT_PASSWORD;
        };
    }

    private boolean defaultUser(Surface surface, String user) {
        if (!sim.has(defaultFlaw(surface))) {
            return false;
        }
        return switch (surface) {
            case CONSOLE, TELNET -> user.equals("root") || user.equals("admin");
            case SSH -> user.equals("root");
            case WEB -> user.equals("admin");
        };
    }

    private boolean defaultAccepted(Surface surface, String user, String password) {
        return defaultUser(surface, user) && password.equals(user);
    }
}
