package dev.starbench.dut;

import dev.starbench.console.Console;
import dev.starbench.console.PromptClassifier;
import dev.starbench.console.Prompts;
import java.time.Duration;
import java.time.Instant;

/**
 * One boot the strategy made: where its output starts in the console stream, when power came on, how
 * far it got and how long it took to reach the OS's login or shell.
 *
 * @param cause     why the bench booted the device (as journalled with the power event)
 * @param powerOnAt console position at power-on: the boot's first byte comes after it
 * @param poweredOn when power came on
 * @param settledAt console position where the strategy stopped watching (the prompt's end, or where it gave up)
 * @param stage     the stage the boot was last seen at
 * @param prompt    the match that settled it (a login, shell or bootloader prompt, a password gate, the
 *                  end of a boot that found nothing bootable); null when none came
 * @param bootTime  power-on to the OS's login or shell prompt; null when the OS offered none
 */
public record Boot(String cause, long powerOnAt, Instant poweredOn, long settledAt, PromptClassifier.Stage stage,
                   Console.Match prompt, Duration bootTime) {

    /** Whether the OS came up to a login or a shell: the boot-time then exists. */
    public boolean reachedOs() {
        return bootTime != null;
    }

    /**
     * What the device printed from power-on until the strategy stopped watching, as a terminal showed it;
     * null when the console no longer holds all of it (it keeps the newest 1 MiB), and the boot must be
     * watched again to be read.
     */
    public String log(Console console) {
        return console.holds(powerOnAt) ? console.visibleText(powerOnAt, settledAt) : null;
    }

    /** Whether the kernel started in this boot, as a terminal showed it (a bootloader may colour its words). */
    public boolean kernelStarted(Console console) {
        return Prompts.KERNEL_START.matcher(console.visibleText(powerOnAt, settledAt)).find();
    }
}
