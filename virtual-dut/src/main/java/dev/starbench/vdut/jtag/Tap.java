package dev.starbench.vdut.jtag;

/**
 * One TAP controller: the state machine, the instruction register and the data register the current
 * instruction selects. It acts on TCK's rising edge (capture, shift, state change) and presents TDO
 * from the shift register in between, as the probe samples it while TCK is low. Updates happen on
 * entering Update-IR/Update-DR, which on silicon is the falling edge right after.
 */
final class Tap {
    /** The registers behind the TAP, chosen by the instruction. */
    interface Registers {
        int irLength();

        /** The instruction Test-Logic-Reset selects (IDCODE). */
        int resetInstruction();

        /** The length of the data register this instruction selects (1 for BYPASS). */
        int drLength(int instruction);

        /** What Capture-DR loads into the shift register. */
        long capture(int instruction);

        /** What Update-DR does with the shifted-in value. */
        void update(int instruction, long value);

        /** Test-Logic-Reset was entered (by TMS or TRST). */
        void reset();
    }

    /** The two low bits of Capture-IR are 01, as 1149.1 requires; the probe checks them. */
    private static final int IR_CAPTURE = 0b0001;

    private final Registers registers;
    private final int irMask;
    private TapState state = TapState.TEST_LOGIC_RESET;
    private int instruction;
    private long irShift;
    private long drShift;
    private int drLength = 1;

    Tap(Registers registers) {
        this.registers = registers;
        this.irMask = (1 << registers.irLength()) - 1;
        this.instruction = registers.resetInstruction();
    }

    /** One rising edge of TCK with these TMS and TDI levels. */
    void clock(boolean tms, boolean tdi) {
        switch (state) {
            case CAPTURE_DR -> {
                drLength = registers.drLength(instruction);
                drShift = registers.capture(instruction);
            }
            case SHIFT_DR -> drShift = (drShift >>> 1) | ((tdi ? 1L : 0L) << (drLength - 1));
            case CAPTURE_IR -> irShift = IR_CAPTURE;
            case SHIFT_IR -> irShift = (irShift >>> 1) | ((tdi ? 1L : 0L) << (registers.irLength() - 1));
            default -> {
                // no register moves in the other states
            }
        }
        TapState before = state;
        state = state.next(tms);
        if (state == TapState.UPDATE_IR) {
            instruction = (int) (irShift & irMask);
        } else if (state == TapState.UPDATE_DR) {
            registers.update(instruction, drShift & lengthMask(drLength));
        } else if (state == TapState.TEST_LOGIC_RESET && before != TapState.TEST_LOGIC_RESET) {
            reset();
        }
    }

    /** TRST, power-on, or five TCKs with TMS high. */
    void reset() {
        state = TapState.TEST_LOGIC_RESET;
        instruction = registers.resetInstruction();
        registers.reset();
    }

    /** The level on TDO: the shift register's low bit while shifting (a real TAP floats it otherwise). */
    boolean tdo() {
        return switch (state) {
            case SHIFT_DR -> (drShift & 1) != 0;
            case SHIFT_IR -> (irShift & 1) != 0;
            default -> false;
        };
    }

    private static long lengthMask(int bits) {
        return bits >= 64 ? -1L : (1L << bits) - 1;
    }
}
