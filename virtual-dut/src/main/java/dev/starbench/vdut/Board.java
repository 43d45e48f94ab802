package dev.starbench.vdut;

/** What the firmware can do to the board it runs on: read a strap or button, and restart itself. */
interface Board {
    /** Whether the named input (a wire from the bench) is held active now. */
    boolean held(String input);

    /**
     * Restarts the device as its watchdog would: the running firmware stops and boots afresh. Safe to
     * call from the firmware's own thread, which then unwinds at its next console access.
     */
    void reboot(String why);
}
