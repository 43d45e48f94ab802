package dev.starbench.dut;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.gpio.ButtonLine;
import dev.starbench.bench.power.PowerProtocol;
import dev.starbench.bench.power.PowerState;
import dev.starbench.bench.serial.LineRate;
import dev.starbench.config.DeviceProfile;
import dev.starbench.console.Console;
import dev.starbench.console.ExpectTimeout;
import dev.starbench.console.PromptClassifier;
import dev.starbench.console.Prompts;
import java.time.Duration;
import java.util.Map;

/**
 * The device under test as checks see it: power, buttons and console, and the state it was last seen
 * in. Checks never open hardware themselves; they ask the Dut.
 */
public final class Dut {
    public enum State { OFF, BOOTLOADER, BOOTED, SHELL, UNKNOWN }

    /**
     * Told of every power change, so the journal shows when the DUT was powered, why, and how the bench
     * knows: {@code reached} is what the switch confirmed, or UNKNOWN when it did not.
     */
    @FunctionalInterface
    public interface PowerListener {
        void power(String state, String cause, PowerState reached);
    }

    private final PowerProtocol power;
    private final Map<String, ButtonLine> buttons;
    private final Console console;
    private final LineRate lineRate;
    private final DeviceProfile profile;
    private final PowerListener listener;
    private volatile State state = State.UNKNOWN;

    public Dut(PowerProtocol power, Map<String, ButtonLine> buttons, Console console, LineRate lineRate,
               DeviceProfile profile, PowerListener listener) {
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

    /** Switches the console line to another rate; the next power-cycle boots into it. */
    public void setConsoleBaud(int baud) throws BenchIoException {
        lineRate.setBaud(baud);
    }

    public State state() {
        return state;
    }

    public boolean isPowered() {
        return power.isOn();
    }

    public void powerOff(String cause) throws BenchIoException {
        switchPower(false, cause);
        state = State.OFF;
    }

    public void powerOn(String cause) throws BenchIoException {
        switchPower(true, cause);
        state = State.UNKNOWN;
    }

    // A switch that did not confirm leaves the supply unknown: said so in the journal, then a bench fault.
    private void switchPower(boolean on, String cause) throws BenchIoException {
        PowerState reached;
        try {
            reached = on ? power.on() : power.off();
        } catch (BenchIoException e) {
            state = State.UNKNOWN;
            listener.power("unknown", cause, PowerState.unknown(e.getMessage()));
            throw e;
        }
        listener.power(on ? "on" : "off", cause, reached);
    }

    /**
     * Power-cycles the DUT and returns the console position at power-on: the boot's first byte comes
     * after it, and anything the console held before is skipped.
     */
    public long powerCycle(String cause) throws BenchIoException {
        powerOff(cause);
        power.sleepOffTime();
        // Whatever the old boot still had in flight is not part of the new one.
        console.skipToEnd();
        long at = console.position();
        powerOn(cause);
        return at;
    }

    /** Records what a check saw the DUT do; the strategy for later steps starts from here. */
    public void seen(State observed) {
        state = observed;
    }

    /** Classifies what the console printed last and records the state it shows; tells the stage. */
    public PromptClassifier.Stage observe() {
        long end = console.position();
        PromptClassifier.Stage stage = PromptClassifier.classify(console.text(end - 2048, end));
        switch (stage) {
            case BOOTLOADER_PROMPT, BOOTLOADER_PASSWORD, AUTOBOOT_COUNTDOWN, BOOTLOADER_BANNER -> seen(State.BOOTLOADER);
            case KERNEL, ACTIVATE_CONSOLE, LOGIN, PASSWORD -> seen(State.BOOTED);
            case SHELL -> seen(State.SHELL);
            case UNKNOWN -> seen(State.UNKNOWN);
        }
        return stage;
    }

    public ButtonLine button(String name) throws BenchIoException {
        ButtonLine b = buttons.get(name);
        if (b == null) {
            throw new BenchIoException("the fixture wires no button named " + name + " (it has " + buttons.keySet() + ")");
        }
        return b;
    }

    /**
     * From power-on, waits for the boot to leave the bootloader (kernel start, a login or a shell
     * prompt), within the profile's boot timeout.
     */
    public Console.Match awaitOsStart() throws ExpectTimeout, BenchIoException {
        Console.Match m = console.expect(Duration.ofMillis(profile.timeouts().bootMs()),
                Prompts.KERNEL_START, Prompts.LOGIN, Prompts.SHELL);
        seen(m.pattern() == Prompts.SHELL ? State.SHELL : State.BOOTED);
        return m;
    }
}
