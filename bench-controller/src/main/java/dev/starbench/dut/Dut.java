package dev.starbench.dut;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.gpio.ButtonLine;
import dev.starbench.bench.power.PowerProtocol;
import dev.starbench.bench.power.PowerState;
import dev.starbench.bench.power.SwitchRefused;
import dev.starbench.bench.serial.LineRate;
import dev.starbench.config.DeviceProfile;
import dev.starbench.console.BoundedPattern;
import dev.starbench.console.Console;
import dev.starbench.console.ExpectTimeout;
import dev.starbench.console.Login;
import dev.starbench.console.Printable;
import dev.starbench.console.PromptClassifier;
import dev.starbench.console.PromptClassifier.Stage;
import dev.starbench.console.Prompts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The device under test as checks see it: power, buttons, console, and a strategy that gets the device
 * to the state a check needs (OFF → BOOTLOADER → LOGIN → SHELL). It remembers where it left the device
 * and the boot that got it there, and reuses that when a cheap probe on the console shows the device is
 * still there, instead of booting again. Checks say where they need the device; they never switch power
 * or wait for boots themselves, except the few whose procedure is the power event itself, which ask for
 * a fresh boot or a cut.
 */
public final class Dut {
    /**
     * Where the device is. LOGIN: booted to its OS, the console at its login prompt where it offers one;
     * SHELL: at a shell prompt. A state is only ever the strategy's belief, confirmed by a probe before it
     * is relied on.
     */
    public enum State { OFF, BOOTLOADER, LOGIN, SHELL, UNKNOWN }

    /** Told of what the strategy does, so the journal shows every power change, boot and reuse. */
    @FunctionalInterface
    public interface Listener {
        /**
         * A power change: {@code state} on or off, or unknown when the switch did not confirm it;
         * {@code reached} is what the switch read back (or why nothing could be), so the journal says how
         * the bench knows.
         */
        void power(String state, String cause, PowerState reached);

        /** One step the strategy took (waking a quiet console, reusing a booted device). */
        default void step(String text) {
        }

        /** Console output worth keeping as evidence (the boot of a failed transition). */
        default void transcript(String title, long from, long to) {
        }

        /** A boot reached its OS's login or shell: called once per boot, with its boot time. */
        default void booted(Boot boot) {
        }
    }

    /** The boot stopped with nothing to run (MCUboot's words): no prompt will follow, so stop waiting. */
    public static final Pattern NO_BOOTABLE_IMAGE = BoundedPattern.compile("Unable to find bootable image|no bootable image");
    /** Output that only a starting device prints: after a login prompt, it means the device restarted. */
    private static final List<Pattern> RESTART = List.of(Prompts.AUTOBOOT, Prompts.KERNEL_START,
            BoundedPattern.compile("U-Boot (?:SPL )?\\d{4}\\.\\d{2}"));

    private final PowerProtocol power;
    private final Map<String, ButtonLine> buttons;
    private final Console console;
    private final LineRate lineRate;
    private final DeviceProfile profile;
    private final Listener listener;
    private State state = State.UNKNOWN;
    /** The boot that brought the device to {@link #state}; null when the bench has not watched one since power-on. */
    private Boot boot;
    /** Console position where the strategy last left the device: what follows is the checks' doing (or a restart). */
    private long leftAt;
    /** When the supply last went off (System.nanoTime), or 0 when the bench does not know. */
    private long offSince;

    public Dut(PowerProtocol power, Map<String, ButtonLine> buttons, Console console, LineRate lineRate,
               DeviceProfile profile, Listener listener) {
        this.power = power;
        this.buttons = buttons;
        this.console = console;
        this.lineRate = lineRate;
        this.profile = profile;
        this.listener = listener;
    }

    public Console console() {
        return console;
    }

    public DeviceProfile profile() {
        return profile;
    }

    /** The console line's rate now: the profile's, the fixture's, or what a baud scan detected. */
    public int consoleBaud() {
        return lineRate.baud();
    }

    /** Switches the console line to another rate; the next boot is read at it. */
    public synchronized void setConsoleBaud(int baud) throws BenchIoException {
        lineRate.setBaud(baud);
        forget();
    }

    public synchronized State state() {
        return state;
    }

    /** The boot the device runs from, as the bench watched it from power-on; null when there is none. */
    public synchronized Boot boot() {
        return boot;
    }

    public boolean isPowered() {
        return power.isOn();
    }

    // ---- the strategy ------------------------------------------------------------------------------

    /**
     * Gets the device to {@code target} and returns the boot it runs from. A device already there (the
     * state the strategy left it in, confirmed by a probe on the console) is reused; otherwise it is
     * booted from power-on. BOOTLOADER is reached by typing interrupt keys through the autoboot.
     *
     * @throws TransitionFailed when the device does not get there: the message names the stage last seen
     */
    public Boot transition(State target, String cause) throws BenchIoException {
        return transition(target, cause, null);
    }

    /**
     * As {@link #transition(State, String)}; for SHELL, {@code credential} logs in at a login prompt
     * (null: only a device that gives a shell without login gets there).
     */
    public synchronized Boot transition(State target, String cause, Login.Credential credential) throws BenchIoException {
        switch (target) {
            case OFF -> {
                cut(cause);
                return null;
            }
            case UNKNOWN -> throw new IllegalArgumentException("UNKNOWN is no state a check can ask for");
            default -> {
            }
        }
        boolean there = boot != null && reachable(state, target) && stillThere();
        if (there && reached(state, target)) {
            listener.step("the device is still at " + state + " since the boot for \"" + boot.cause()
                    + "\" (the console answered a probe): not booted again for " + cause);
            return boot;
        }
        if (!there) {
            freshBoot(cause, target == State.BOOTLOADER ? Interrupt.of(profile) : null);
        }
        if (target == State.SHELL && state == State.LOGIN && credential != null) {
            logIn(credential, cause);
        }
        if (!reached(state, target)) {
            throw failed(target, cause);
        }
        return boot;
    }

    /** Boots from power-on and watches the boot until it settles; never reuses. */
    public Boot freshBoot(String cause) throws BenchIoException {
        return freshBoot(cause, null);
    }

    /**
     * Power-cycles the device and watches its boot until it settles: at the OS's login or shell (waking a
     * quiet console with {@code " \r\n"} and Ctrl-C, never a bare Enter), at a boot that found nothing to
     * run, or at the boot timeout. With {@code interrupt}, its keys are typed from power-on until the
     * bootloader decides: its prompt or password gate ends the watch there; a kernel start means the
     * autoboot ran through, and the watch goes on to the OS. The Boot says where it got; only a console
     * that sent no byte at all is a failure here (the adapter, its wiring or the rate).
     */
    public synchronized Boot freshBoot(String cause, Interrupt interrupt) throws BenchIoException {
        long at = powerOnFresh(cause);
        long t0 = System.nanoTime();
        Instant poweredOn = Instant.now();
        if (!observable()) {
            // Nothing to watch: the device counts as booted once powered, and checks wait for their own signals.
            return settle(cause, at, poweredOn, t0, null, State.LOGIN);
        }
        long deadline = t0 + Duration.ofMillis(profile.timeouts().bootMs()).toNanos();
        if (interrupt != null) {
            Console.Match m;
            try (Interrupt.Typer typer = interrupt.start(console)) {
                m = console.expect(left(deadline), Prompts.BOOTLOADER_PROMPT, Prompts.BOOTLOADER_PASSWORD,
                        Prompts.KERNEL_START, Prompts.LOGIN, Prompts.SHELL, NO_BOOTABLE_IMAGE);
                typer.rethrow();
            } catch (ExpectTimeout e) {
                requireOutput(at);
                return settle(cause, at, poweredOn, t0, null, null);
            }
            if (m.pattern() != Prompts.KERNEL_START) {
                return settle(cause, at, poweredOn, t0, m, null);
            }
        }
        return settle(cause, at, poweredOn, t0, awaitOsPrompt(at, deadline), null);
    }

    /**
     * Power-cycles the device and returns at power-on, watching nothing: for a procedure that reads the
     * raw boot itself (the baud scan, where no prompt is recognisable at a wrong rate).
     */
    public synchronized Boot unwatchedBoot(String cause) throws BenchIoException {
        long at = powerOnFresh(cause);
        return new Boot(cause, at, Instant.now(), at, Stage.UNKNOWN, null, null);
    }

    /** Cuts the supply now, whatever the device is doing (a power-loss test); the next transition boots. */
    public synchronized void cut(String cause) throws BenchIoException {
        powerOff(cause);
    }

    // ---- manual power, for the technician's console ----------------------------------------------

    public synchronized void powerOff(String cause) throws BenchIoException {
        switchPower(false, cause);
        state = State.OFF;
    }

    public synchronized void powerOn(String cause) throws BenchIoException {
        switchPower(true, cause);
    }

    /**
     * Power-cycles the DUT and returns the console position at power-on: the boot's first byte comes
     * after it, and anything the console held before is skipped.
     */
    public synchronized long powerCycle(String cause) throws BenchIoException {
        return powerOnFresh(cause);
    }

    /** Classifies what the console printed last: the stage it shows now. */
    public PromptClassifier.Stage observe() {
        long end = console.position();
        return PromptClassifier.classify(console.visibleText(end - 2048, end));
    }

    public ButtonLine button(String name) throws BenchIoException {
        ButtonLine b = buttons.get(name);
        if (b == null) {
            throw new BenchIoException("the fixture wires no button named " + name + " (it has " + buttons.keySet() + ")");
        }
        return b;
    }

    // ---- inside the strategy -----------------------------------------------------------------------

    /**
     * Off (unless known to be off since the bench switched it off), the fixture's off-time counted from
     * when the supply went off, then on. A supply in an UNKNOWN state may be on: switched on again, the
     * device would not boot afresh.
     */
    private long powerOnFresh(String cause) throws BenchIoException {
        if (power.lastKnown().level() != PowerState.Level.OFF || offSince == 0) {
            switchPower(false, cause);
        }
        long rest = power.offTime().toNanos() - (System.nanoTime() - offSince);
        if (rest > 0) {
            sleep(rest);
        }
        // Whatever the old boot still had in flight is not part of the new one.
        console.skipToEnd();
        long at = console.position();
        switchPower(true, cause);
        return at;
    }

    /**
     * Switches the supply, forgetting where the device was. A switch that did not confirm leaves the
     * supply unknown: said so to the listener, then a bench fault. One refused changed nothing.
     */
    private void switchPower(boolean on, String cause) throws BenchIoException {
        PowerState reached;
        try {
            reached = on ? power.on() : power.off();
        } catch (SwitchRefused e) {
            throw e;
        } catch (BenchIoException e) {
            forget();
            listener.power("unknown", cause, PowerState.unknown(e.getMessage()));
            throw e;
        }
        if (!on) {
            offSince = System.nanoTime();
        }
        forget();
        listener.power(on ? "on" : "off", cause, reached);
    }

    private boolean observable() {
        return profile.console() != null;
    }

    /** The OS's login or shell prompt (or a boot with nothing to run); null when the console offers none even when woken. */
    private Console.Match awaitOsPrompt(long at, long deadline) throws BenchIoException {
        try {
            Console.Match m = console.expectPrompt(left(deadline), Prompts.LOGIN, Prompts.SHELL, Prompts.ACTIVATE, NO_BOOTABLE_IMAGE);
            if (m.pattern() != Prompts.ACTIVATE) {
                return m;
            }
            listener.step("BusyBox asks for Enter to activate the console: sending \" \\r\\n\"");
        } catch (ExpectTimeout quiet) {
            requireOutput(at);
            listener.step("no prompt within the boot timeout: sending \" \\r\\n\" and Ctrl-C to wake the console");
        }
        // A space before the newline: never a bare Enter, which a bootloader would take as "repeat".
        console.send(" \r\n");
        console.send("\u0003");
        try {
            return console.expectPrompt(commandTimeout(), Prompts.LOGIN, Prompts.SHELL);
        } catch (ExpectTimeout none) {
            return null;
        }
    }

    private void requireOutput(long at) {
        if (console.position() == at) {
            state = State.UNKNOWN;
            throw new TransitionFailed("the console sent no byte within " + profile.timeouts().bootMs()
                    + " ms of power-on: check the adapter, its wiring (TX/RX/GND) and the baud rate", null);
        }
    }

    /** Records where the boot got to; a boot that reached its OS is reported once, with its boot time. */
    private Boot settle(String cause, long at, Instant poweredOn, long t0, Console.Match prompt, State assumed) {
        // To when the prompt came, not to when the console had stayed quiet after it.
        Duration took = Duration.ofNanos((prompt == null ? System.nanoTime() : prompt.arrivedNanos()) - t0);
        long end = console.position();
        Stage stage = prompt == null ? Stage.UNKNOWN : stageOf(prompt);
        if (stage == Stage.UNKNOWN) {
            stage = PromptClassifier.classify(console.visibleText(Math.max(at, end - 2048), end));
        }
        state = assumed != null ? assumed : switch (stage) {
            case BOOTLOADER_PROMPT -> State.BOOTLOADER;
            case LOGIN, PASSWORD -> State.LOGIN;
            case SHELL -> State.SHELL;
            // An OS that started and offers no prompt (a production console): booted, with nothing to log in to.
            case KERNEL, ACTIVATE_CONSOLE, UNKNOWN -> prompt == null && Prompts.KERNEL_START.matcher(console.visibleText(at, end)).find()
                    ? State.LOGIN : State.UNKNOWN;
            default -> State.UNKNOWN;
        };
        boolean os = assumed == null && prompt != null && (prompt.pattern() == Prompts.LOGIN || prompt.pattern() == Prompts.SHELL);
        boot = new Boot(cause, at, poweredOn, end, stage, prompt, os ? took : null);
        leftAt = end;
        if (os) {
            listener.booted(boot);
        }
        return boot;
    }

    private static Stage stageOf(Console.Match m) {
        Pattern p = m.pattern();
        return p == Prompts.LOGIN ? Stage.LOGIN : p == Prompts.SHELL ? Stage.SHELL
                : p == Prompts.BOOTLOADER_PROMPT ? Stage.BOOTLOADER_PROMPT : p == Prompts.BOOTLOADER_PASSWORD ? Stage.BOOTLOADER_PASSWORD
                : Stage.UNKNOWN;
    }

    /** Whether a device in this state could serve the target after a probe (SHELL from LOGIN needs a login). */
    private static boolean reachable(State s, State target) {
        return reached(s, target) || target == State.SHELL && s == State.LOGIN;
    }

    private static boolean reached(State s, State target) {
        return switch (target) {
            case LOGIN -> s == State.LOGIN || s == State.SHELL;
            default -> s == target;
        };
    }

    /**
     * The liveness probe: the device is where the strategy left it if it is powered, printed nothing that
     * only a starting device prints, and answers at its prompt: Ctrl-C at a bootloader prompt (never a bare
     * Enter there: it repeats the last command), Enter at a login or shell prompt, which only reprint it.
     * Updates the state to the prompt that answered.
     */
    private boolean stillThere() throws BenchIoException {
        if (!power.isOn()) {
            return false;
        }
        if (!observable()) {
            return true;
        }
        long now = console.position();
        if (state != State.BOOTLOADER && restarted(console.visibleText(leftAt, now))) {
            listener.step("the console shows the device starting again since the bench left it at " + state
                    + ": it restarted on its own, so it is booted afresh");
            forget();
            return false;
        }
        if (state == State.LOGIN && boot.prompt() == null) {
            listener.step("the device's console offers no prompt to probe: it counts as still booted since it stayed"
                    + " powered and printed no new boot");
            return true;
        }
        console.skipToEnd();
        try {
            if (state == State.BOOTLOADER) {
                console.send("\u0003");
                console.expectPrompt(commandTimeout(), Prompts.BOOTLOADER_PROMPT);
            } else {
                console.send("\r");
                Console.Match m = console.expectPrompt(commandTimeout(), Prompts.LOGIN, Prompts.SHELL, Prompts.PASSWORD);
                if (m.pattern() == Prompts.PASSWORD) {
                    // It sat at a half-typed login: an empty password ends it, after the login's failure delay.
                    console.send("\r");
                    m = console.expectPrompt(commandTimeout(), Prompts.LOGIN, Prompts.SHELL);
                }
                state = m.pattern() == Prompts.SHELL ? State.SHELL : State.LOGIN;
            }
        } catch (ExpectTimeout e) {
            listener.step("the device did not answer a probe at its " + state + " prompt within "
                    + profile.timeouts().commandMs() + " ms: it is booted afresh");
            forget();
            return false;
        }
        leftAt = console.position();
        return true;
    }

    private static boolean restarted(String since) {
        return RESTART.stream().anyMatch(p -> p.matcher(since).find());
    }

    private void logIn(Login.Credential credential, String cause) throws BenchIoException {
        long from = console.position();
        Login.Attempt a = new Login(console, commandTimeout(), Duration.ZERO).attempt(credential);
        leftAt = console.position();
        if (a.outcome() == Login.Outcome.ACCEPTED) {
            state = State.SHELL;
            return;
        }
        listener.transcript("login for " + cause, from, console.position());
        throw new TransitionFailed("the console login did not take the credential given for " + cause + " ("
                + a.outcome() + "): the device is at its login, not at a shell", boot);
    }

    private TransitionFailed failed(State target, String cause) {
        long end = console.position();
        long from = boot == null ? Math.max(0, end - 2048) : boot.powerOnAt();
        listener.transcript("the boot that did not reach " + target, from, end);
        String tail = Printable.of(console.visibleText(Math.max(from, end - 160), end).strip());
        return new TransitionFailed("the device did not reach " + target + " for " + cause + ": it was last seen at stage "
                + observe() + (tail.isEmpty() ? "" : " (console: …" + tail + ")"), boot);
    }

    private void forget() {
        boot = null;
        state = State.UNKNOWN;
    }

    private Duration commandTimeout() {
        return Duration.ofMillis(profile.timeouts().commandMs());
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static void sleep(long nanos) throws BenchIoException {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted during the power off-time", e);
        }
    }
}
