package dev.starbench.vdut.jtag;

import java.util.Map;
import java.util.function.Consumer;

/**
 * An ADIv5 JTAG-DP (DPv1) behind a 4-bit IR: IDCODE, BYPASS, DPACC, APACC and ABORT. A DPACC/APACC scan
 * shifts in RnW, A[3:2] and 32 data bits; its Update starts the access, and the next scan's Capture
 * returns the ACK (JTAG-DP answers OK/FAULT; a fault shows only in the sticky flags of CTRL/STAT) and
 * the data of the previous read. RDBUFF is how a probe collects the last read. The power-up requests
 * of CTRL/STAT are acknowledged at once; AP accesses before the debug and system power-up
 * acknowledgements, and accesses an AP refuses, set STICKYERR, which stays until written back as 1.
 */
final class JtagDp implements Tap.Registers {
    static final int IR_ABORT = 0x8;
    static final int IR_DPACC = 0xA;
    static final int IR_APACC = 0xB;
    static final int IR_IDCODE = 0xE;
    static final int IR_BYPASS = 0xF;

    static final int DP_DPIDR = 0x0;
    static final int DP_CTRL_STAT = 0x4;
    static final int DP_SELECT = 0x8;
    static final int DP_RDBUFF = 0xC;

    static final int CSYSPWRUPACK = 1 << 31;
    static final int CSYSPWRUPREQ = 1 << 30;
    static final int CDBGPWRUPACK = 1 << 29;
    static final int CDBGPWRUPREQ = 1 << 28;
    static final int CDBGRSTACK = 1 << 27;
    static final int CDBGRSTREQ = 1 << 26;
    static final int STICKYERR = 1 << 5;
    static final int STICKYCMP = 1 << 4;
    static final int STICKYORUN = 1 << 1;
    private static final int STICKY = STICKYERR | STICKYCMP | STICKYORUN;
    /** Requests, TRNCNT, MASKLANE, TRNMODE, ORUNDETECT: what a write keeps. */
    private static final int WRITABLE = CSYSPWRUPREQ | CDBGPWRUPREQ | CDBGRSTREQ | 0x00FFFF0D;

    private static final int ACK_OK_FAULT = 0b010;
    private static final int DR_ACC_BITS = 35;

    private final long idcode;
    private final int dpidr;
    private final Map<Integer, AccessPort> aps;
    private final Consumer<String> log;
    private int ctrlStat;
    private int select;
    private long readResult;

    /** @param aps by APSEL; an absent AP reads as zero (IDR 0 means no AP) and ignores writes */
    JtagDp(long idcode, int dpidr, Map<Integer, AccessPort> aps, Consumer<String> log) {
        this.idcode = idcode;
        this.dpidr = dpidr;
        this.aps = Map.copyOf(aps);
        this.log = log;
    }

    /** The DP's registers as they are after the target's power-on reset. */
    void powerOnReset() {
        ctrlStat = 0;
        select = 0;
        readResult = 0;
    }

    @Override
    public int irLength() {
        return 4;
    }

    @Override
    public int resetInstruction() {
        return IR_IDCODE;
    }

    @Override
    public int drLength(int instruction) {
        return switch (instruction) {
            case IR_IDCODE -> 32;
            case IR_DPACC, IR_APACC, IR_ABORT -> DR_ACC_BITS;
            default -> 1;
        };
    }

    @Override
    public long capture(int instruction) {
        return switch (instruction) {
            case IR_IDCODE -> idcode & 0xFFFFFFFFL;
            case IR_DPACC, IR_APACC, IR_ABORT -> (readResult << 3) | ACK_OK_FAULT;
            default -> 0;
        };
    }

    @Override
    public void update(int instruction, long value) {
        boolean read = (value & 1) != 0;
        int a = (int) ((value >>> 1) & 3) << 2;
        int data = (int) (value >>> 3);
        switch (instruction) {
            case IR_DPACC -> readResult = dp(read, a, data) & 0xFFFFFFFFL;
            case IR_APACC -> readResult = ap(read, a, data) & 0xFFFFFFFFL;
            case IR_ABORT -> {
                // DAPABORT ends a stalled transfer; nothing here ever stalls.
                readResult = 0;
            }
            default -> {
                // IDCODE and BYPASS have no update action
            }
        }
    }

    @Override
    public void reset() {
        // Test-Logic-Reset resets the TAP, not the DP's registers (those reset at power-on).
    }

    private int dp(boolean read, int address, int data) {
        if (!read) {
            switch (address) {
                case DP_CTRL_STAT -> writeCtrlStat(data);
                case DP_SELECT -> select = data;
                default -> {
                    // DPIDR and RDBUFF ignore writes
                }
            }
            return 0;
        }
        return switch (address) {
            case DP_DPIDR -> dpidr;
            case DP_CTRL_STAT -> ctrlStat;
            case DP_SELECT -> select;
            default -> 0; // RDBUFF reads as zero on a JTAG-DP: the scan itself returns the previous result
        };
    }

    private void writeCtrlStat(int value) {
        int sticky = (ctrlStat & STICKY) & ~(value & STICKY);
        int requests = value & WRITABLE;
        int acks = ((requests & CSYSPWRUPREQ) << 1) | ((requests & CDBGPWRUPREQ) << 1) | ((requests & CDBGRSTREQ) << 1);
        if ((acks & CDBGPWRUPACK) != 0 && (ctrlStat & CDBGPWRUPACK) == 0) {
            log.accept("debug power-up requested by the probe");
        }
        ctrlStat = requests | acks | sticky;
    }

    private int ap(boolean read, int a, int data) {
        int register = (select & 0xF0) | a;
        int apsel = (select >>> 24) & 0xFF;
        if ((ctrlStat & (CDBGPWRUPACK | CSYSPWRUPACK)) != (CDBGPWRUPACK | CSYSPWRUPACK)) {
            ctrlStat |= STICKYERR;
            return 0;
        }
        AccessPort ap = aps.get(apsel);
        if (ap == null) {
            return 0;
        }
        try {
            if (read) {
                return ap.read(register);
            }
            ap.write(register, data);
            return 0;
        } catch (AccessPort.BusFault e) {
            ctrlStat |= STICKYERR;
            return 0;
        }
    }
}
