package dev.starbench.vdut.jtag;

/**
 * A vendor AP modelled on nRF52's CTRL-AP (AP 1): RESET, ERASEALL, ERASEALLSTATUS, APPROTECTSTATUS and
 * IDR 0x02880000. APPROTECTSTATUS reads 1 when the access port protection is off and 0 when it is on.
 * ERASEALL is what {@code nrf52_recover} writes: it wipes flash and RAM and lifts the protection; the
 * bench must never cause it, so the device logs it loudly.
 */
final class CtrlAp implements AccessPort {
    static final int RESET = 0x000;
    static final int ERASEALL = 0x004;
    static final int ERASEALLSTATUS = 0x008;
    static final int APPROTECTSTATUS = 0x00C;
    static final int IDR = 0x0FC;
    static final int CTRL_AP_IDR = 0x02880000;

    /** What the device does when the AP asks for an erase-all. */
    interface Target {
        boolean protectedNow();

        void eraseAllAndUnlock();
    }

    private final Target target;
    private int reset;

    CtrlAp(Target target) {
        this.target = target;
    }

    void powerOnReset() {
        reset = 0;
    }

    @Override
    public int read(int register) {
        return switch (register) {
            case RESET -> reset;
            case APPROTECTSTATUS -> target.protectedNow() ? 0 : 1;
            case IDR -> CTRL_AP_IDR;
            default -> 0; // ERASEALL is write-only; ERASEALLSTATUS: the erase is done at once
        };
    }

    @Override
    public void write(int register, int value) {
        switch (register) {
            case RESET -> reset = value & 1;
            case ERASEALL -> {
                if ((value & 1) != 0) {
                    target.eraseAllAndUnlock();
                }
            }
            default -> {
                // read-only registers ignore writes
            }
        }
    }
}
