package dev.starbench.checks.erase;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.mqtt.Attempt;
import dev.starbench.bench.mqtt.SignedCommand;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.CheckId;
import dev.starbench.checks.NotApplicable;
import dev.starbench.checks.userdata.ConsoleShell;
import dev.starbench.checks.userdata.DeviceCloud;
import dev.starbench.checks.userdata.Surfaces;
import dev.starbench.config.Lifecycle;
import dev.starbench.config.Lifecycle.Access;
import dev.starbench.config.Lifecycle.FactoryReset;
import dev.starbench.config.Lifecycle.Place;
import dev.starbench.console.BoundedPattern;
import dev.starbench.console.Console;
import dev.starbench.console.ExpectTimeout;
import dev.starbench.console.Printable;
import dev.starbench.console.Prompts;
import dev.starbench.dut.Dut;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * JC-STAR ★1 S1.1-15, EN 303 645 5.11-1: canaries (random values from the run's seed) are planted in every
 * place of user data the profile declares and read back; the reset the profile declares is triggered (a
 * button held, a console command or a signed cloud command); the first boot after it must show what a
 * fresh device shows. Then every canary is looked for through every read-back path, the planted password
 * is tried at the console login, and the device's next CONNECT at the bench's cloud is compared with the
 * planted identity. FAIL on any canary found, naming where; PASS with the places searched; INCONCLUSIVE
 * when the reset did not visibly happen. A console password the reset kept is set back to the profile's.
 */
public class FactoryResetCheck {
    static final String ID = "erase.factory-reset";

    @Test
    @CheckId(ID)
    public void aFactoryResetErasesEveryPlace(ITestContext testContext) throws BenchIoException, InterruptedException {
        CheckContext ctx = CheckContext.of(testContext);
        Lifecycle lifecycle = ctx.profile().lifecycle();
        if (lifecycle == null || lifecycle.factoryReset() == null) {
            throw new NotApplicable("the profile declares no factory reset to test (lifecycle.factory-reset)");
        }
        if (ctx.profile().console() == null) {
            throw new NotApplicable("the factory reset is judged from the console (what a fresh device shows, the"
                    + " planted password), and the profile declares none");
        }
        FactoryReset reset = lifecycle.factoryReset();
        if (reset.method().mqttCommand() != null && ctx.profile().network().cloud().commandTopic() == null) {
            throw new NotApplicable("the reset is a cloud command, and the profile names no command topic"
                    + " (network.cloud.command-topic)");
        }
        boolean needsCloud = reset.method().mqttCommand() != null || reset.places().stream().anyMatch(p -> p.cloudIdentity()
                || p.write() != null && p.write().mqtt() != null || p.read().stream().anyMatch(a -> a.mqtt() != null));
        try (DeviceCloud cloud = needsCloud ? DeviceCloud.open(ctx, "the factory reset's cloud side") : null) {
            new Procedure(ctx, lifecycle, cloud).run();
        }
    }

    /** One run of the check. */
    private static final class Procedure {
        private final CheckContext ctx;
        private final FactoryReset reset;
        private final Lifecycle.ConsoleLogin login;
        private final DeviceCloud cloud;
        private final Console console;
        private final ConsoleShell shell;
        private final Surfaces surfaces;
        private final Duration bootLimit;
        private final Random random;
        private final Map<Place, String> canaries = new LinkedHashMap<>();
        /** The read paths that showed their own place's canary right after planting: the ones that can tell. */
        private final List<Access> working = new ArrayList<>();
        /** The user logged in at the console now, and with which password (null: the profile's). */
        private String currentPassword;

        Procedure(CheckContext ctx, Lifecycle lifecycle, DeviceCloud cloud) {
            this.ctx = ctx;
            this.reset = lifecycle.factoryReset();
            this.login = lifecycle.consoleLogin();
            this.cloud = cloud;
            this.console = ctx.dut().console();
            Duration command = Duration.ofMillis(ctx.profile().timeouts().commandMs());
            this.shell = new ConsoleShell(console, command);
            Duration answer = cloud == null ? command : Duration.ofMillis(Math.max(command.toMillis(), cloud.config().attemptTimeoutMs()));
            this.surfaces = new Surfaces(shell, cloud, answer);
            this.bootLimit = Duration.ofMillis(ctx.profile().timeouts().bootMs());
            this.random = new Random(ctx.seedFor(ID));
        }

        void run() throws BenchIoException, InterruptedException {
            for (int i = 0; i < reset.places().size(); i++) {
                byte[] b = new byte[5];
                random.nextBytes(b);
                canaries.put(reset.places().get(i), "sbc" + i + "x" + HexFormat.of().formatHex(b));
            }
            ctx.dut().transition(Dut.State.LOGIN, ID + ": plant the canaries");
            shell.reachShell(login, "to plant the canaries");
            for (Place p : reset.places()) {
                plant(p);
            }
            if (working.isEmpty() && reset.places().stream().allMatch(p -> p.passwordOf() == null && !p.cloudIdentity())) {
                throw new BenchFault("no declared read-back path showed its canary right after planting: nothing the reset"
                        + " leaves behind could be seen");
            }
            trigger();
            List<String> found = search();
            restorePassword();
            if (!found.isEmpty()) {
                found.forEach(ctx.evidence()::finding);
                throw new AssertionError("the factory reset (" + reset.method().describe() + ") left user data behind: "
                        + String.join("; ", found));
            }
            List<String> searched = new ArrayList<>();
            reset.places().forEach(p -> searched.add(p.name()));
            ctx.evidence().finding("after the reset (" + reset.method().describe() + ") no canary was found: places "
                    + searched + ", searched through " + working.size() + " read-back path(s)"
                    + (reset.places().stream().anyMatch(p -> p.passwordOf() != null) ? ", the console login" : "")
                    + (reset.places().stream().anyMatch(Place::cloudIdentity) ? ", the device's cloud CONNECT" : ""));
        }

        private void plant(Place p) throws BenchIoException {
            String canary = canaries.get(p);
            if (p.passwordOf() != null) {
                boolean self = p.passwordOf().equals(shell.user());
                boolean changed = shell.passwd(p.passwordOf(), self && login != null ? login.password() : null, canary, false);
                if (!changed) {
                    throw new BenchFault("the passwd dialogue did not change the password of " + p.passwordOf()
                            + " (the console shows no \"password changed\"): the canary could not be planted");
                }
                if (self && login != null && p.passwordOf().equals(login.user())) {
                    currentPassword = canary;
                }
                ctx.evidence().step("planted " + canary + " as the password of " + p.passwordOf() + " (" + p.name() + ")");
                return;
            }
            ctx.evidence().step("planted " + canary + " in " + p.name() + " through " + p.write().describe() + ": "
                    + Printable.of(surfaces.write(p.write(), canary)));
            for (Access a : p.read()) {
                String back = surfaces.readShowing(a, canary);
                if (back.contains(canary)) {
                    if (!working.contains(a)) {
                        working.add(a);
                    }
                } else {
                    ctx.evidence().note("the read-back path " + a.describe() + " does not show the canary of " + p.name()
                            + " right after planting (\"" + Printable.of(back.strip()) + "\"): it cannot tell, and is left out");
                }
            }
            if (p.read().stream().noneMatch(working::contains) && !p.cloudIdentity()) {
                throw new BenchFault("no read-back path of " + p.name() + " shows its canary right after planting: whether"
                        + " the reset erases it could not be seen");
            }
        }

        /** Triggers the reset and waits for the boot after it to show what a fresh device shows. */
        private void trigger() throws BenchIoException, InterruptedException {
            Lifecycle.ResetMethod method = reset.method();
            // Only what follows the reset counts: a fresh device's words printed before it prove nothing.
            console.skipToEnd();
            long from = console.position();
            ctx.evidence().step("factory reset: " + method.describe());
            Instant start = Instant.now();
            if (method.button() != null) {
                ctx.dut().button(method.button()).press(Duration.ofMillis(method.holdMs()));
            } else if (method.console() != null) {
                // No prompt comes back: the device restarts.
                console.send(method.console() + "\r");
            } else {
                SignedCommand command = SignedCommand.of(method.mqttCommand(), random, ctx.services().cloud().labCa());
                Duration within = Duration.ofMillis(cloud.config().attemptTimeoutMs());
                if (!cloud.publishToDevice(cloud.config().commandTopic(), command.bytes(), within)) {
                    throw new BenchFault("the device did not subscribe to " + cloud.config().commandTopic() + " within "
                            + within.toMillis() + " ms: the reset command could not be sent");
                }
                ctx.evidence().note("published on " + cloud.config().commandTopic() + ": " + command.firstLine() + " + signature");
            }
            Pattern fresh = BoundedPattern.compile(Pattern.quote(reset.freshDeviceShows()));
            try {
                console.expect(bootLimit, fresh);
            } catch (ExpectTimeout e) {
                ctx.evidence().transcript("the console after the reset", from, console.position());
                throw new BenchFault("the reset did not visibly happen: the console did not show \"" + reset.freshDeviceShows()
                        + "\" (lifecycle.factory-reset.fresh-device-shows) within " + bootLimit.toMillis() + " ms of "
                        + method.describe() + "; whether data survives a reset cannot be judged without one");
            }
            ctx.evidence().note("the device shows \"" + reset.freshDeviceShows() + "\" " + Duration.between(start, Instant.now()).toMillis()
                    + " ms after the reset began");
            ctx.evidence().transcript("the boot after the reset", from, console.position());
            currentPassword = null;
        }

        /** Looks for every canary everywhere; returns the findings, one per place where anything was found. */
        private List<String> search() throws BenchIoException, InterruptedException {
            Map<Place, List<String>> where = new LinkedHashMap<>();
            Instant since = Instant.now();
            ctx.dut().transition(Dut.State.LOGIN, ID + ": look for the canaries after the reset");
            for (Place p : reset.places()) {
                if (p.passwordOf() != null && tryPassword(p)) {
                    where.computeIfAbsent(p, k -> new ArrayList<>()).add("it still logs in as " + p.passwordOf() + " at the console");
                }
            }
            shellAfterReset();
            for (Access a : working) {
                String answer = surfaces.read(a);
                ctx.evidence().note("after the reset, " + a.describe() + " answers: " + Printable.of(answer.strip()));
                canaries.forEach((place, canary) -> {
                    if (answer.contains(canary)) {
                        where.computeIfAbsent(place, k -> new ArrayList<>()).add("readable through " + a.describe());
                    }
                });
            }
            if (reset.places().stream().anyMatch(Place::cloudIdentity)) {
                for (Place p : cloudIdentity(since)) {
                    where.computeIfAbsent(p, k -> new ArrayList<>()).add("the device connects to the bench's cloud with it");
                }
            }
            List<String> found = new ArrayList<>();
            where.forEach((place, how) -> found.add(place.name() + " (canary " + canaries.get(place) + "): "
                    + String.join(", ", how)));
            return found;
        }

        /** Whether the planted password still logs in (it must not). */
        private boolean tryPassword(Place p) throws BenchIoException {
            String canary = canaries.get(p);
            console.skipToEnd();
            console.send("\r");
            Console.Match m;
            try {
                m = console.expect(Duration.ofMillis(ctx.profile().timeouts().commandMs()), Prompts.LOGIN, Prompts.SHELL);
            } catch (ExpectTimeout e) {
                throw new BenchFault("no login prompt after the reset to try the planted password at");
            }
            if (m.pattern() == Prompts.SHELL) {
                ctx.evidence().note("the console gives a shell without a login: the planted password of " + p.passwordOf()
                        + " cannot be tried there");
                return false;
            }
            if (shell.logIn(p.passwordOf(), canary, false)) {
                if (login != null && p.passwordOf().equals(login.user())) {
                    currentPassword = canary;
                }
                shell.logOut();
                return true;
            }
            ctx.evidence().note("the planted password of " + p.passwordOf() + " is refused at the console login");
            return false;
        }

        private void shellAfterReset() throws BenchIoException {
            if (currentPassword == null) {
                shell.reachShell(login, "after the reset");
                return;
            }
            // The reset kept the login user's planted password: the profile's no longer works.
            console.skipToEnd();
            console.send("\r");
            try {
                console.expect(Duration.ofMillis(ctx.profile().timeouts().commandMs()), Prompts.LOGIN);
            } catch (ExpectTimeout e) {
                throw new BenchFault("no login prompt after the reset");
            }
            if (!shell.logIn(login.user(), currentPassword, false)) {
                throw new BenchFault("neither the profile's nor the planted password logs in as " + login.user() + " after the reset");
            }
        }

        /** The places whose planted identity the device's next CONNECT carries (none should). */
        private List<Place> cloudIdentity(Instant since) throws InterruptedException {
            Duration within = Duration.ofMillis(cloud.config().attemptTimeoutMs());
            Attempt a = cloud.awaitConnect(since, within);
            if (a == null) {
                ctx.evidence().note("the device did not connect to the bench's cloud within " + within.toMillis()
                        + " ms after the reset: the identity it uses there could not be compared");
                return List.of();
            }
            ctx.evidence().note("after the reset the device connects as: " + a.describe());
            List<Place> found = new ArrayList<>();
            canaries.forEach((place, canary) -> {
                if (place.cloudIdentity() && (canary.equals(a.connect().user()) || canary.equals(a.connect().clientId()))) {
                    found.add(place);
                }
            });
            return found;
        }

        /** A reset that kept the login user's planted password leaves the profile's unusable: set it back. */
        private void restorePassword() throws BenchIoException {
            if (currentPassword == null || login == null) {
                return;
            }
            // search() left the console at a shell, logged in with the planted password.
            boolean restored = shell.passwd(login.user(), currentPassword, login.password(), true);
            ctx.evidence().note(restored ? "the password of " + login.user() + " was set back to the profile's"
                    : "RESTORE FAILED: the password of " + login.user() + " is still the planted " + currentPassword
                    + "; the technician must reset it");
        }
    }
}
