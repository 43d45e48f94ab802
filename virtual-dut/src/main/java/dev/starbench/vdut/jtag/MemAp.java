package dev.starbench.vdut.jtag;

import java.util.function.BooleanSupplier;

/**
 * An AHB-AP (a MEM-AP, as on a Cortex-M4): CSW, TAR, DRW, the banked BD0-3, CFG, BASE and IDR. DRW moves
 * bytes, halfwords or words on their byte lanes and increments TAR when CSW asks for it; packed
 * transfers are not implemented, so CSW reads them back as off and the probe does without. While the
 * device's access port protection is on, CSW.DeviceEn reads 0 and every DRW/BD access is answered with
 * an error response, as a MEM-AP that may not issue transfers does (ADIv5 CSW.DeviceEn).
 */
final class MemAp implements AccessPort {
    static final int CSW = 0x00;
    static final int TAR = 0x04;
    static final int DRW = 0x0C;
    static final int BD0 = 0x10;
    static final int BD3 = 0x1C;
    static final int CFG = 0xF4;
    static final int BASE = 0xF8;
    static final int IDR = 0xFC;

    /** The AHB-AP of an ARM Cortex-M4 (JEP106 ARM, MEM-AP class, AMBA AHB). */
    static final int AHB_AP_IDR = 0x24770011;
    static final int CSW_DEVICE_EN = 1 << 6;
    private static final int CSW_SIZE = 0x7;
    private static final int CSW_ADDRINC_SINGLE = 1 << 4;
    /** Size, AddrInc (single only), Mode, and HPROT/HNONSEC/DbgSwEnable: what a write keeps. */
    private static final int CSW_KEPT = CSW_SIZE | CSW_ADDRINC_SINGLE | 0xF00 | 0xFF00_0000;
    /** BASE with bit 0 clear and all ones: the legacy format's "no debug entries" (no ROM table). */
    private static final int NO_ROM_TABLE = 0xFFFF_FFFF;

    private final TargetMemory memory;
    private final BooleanSupplier enabled;
    private int csw;
    private long tar;

    /** @param enabled whether the device lets this AP issue transfers (false: access port protection on) */
    MemAp(TargetMemory memory, BooleanSupplier enabled) {
        this.memory = memory;
        this.enabled = enabled;
    }

    void powerOnReset() {
        csw = 0x2;
        tar = 0;
    }

    @Override
    public int read(int register) throws BusFault {
        return switch (register) {
            case CSW -> csw | (enabled.getAsBoolean() ? CSW_DEVICE_EN : 0);
            case TAR -> (int) tar;
            case DRW -> drw(false, 0);
            case CFG -> 0; // little-endian, 32-bit addresses and data
            case BASE -> NO_ROM_TABLE;
            case IDR -> AHB_AP_IDR;
            default -> register >= BD0 && register <= BD3 ? transfer(banked(register), 4, false, 0) : 0;
        };
    }

    @Override
    public void write(int register, int value) throws BusFault {
        switch (register) {
            case CSW -> csw = value & CSW_KEPT;
            case TAR -> tar = value & 0xFFFF_FFFFL;
            case DRW -> drw(true, value);
            default -> {
                if (register >= BD0 && register <= BD3) {
                    transfer(banked(register), 4, true, value);
                }
            }
        }
    }

    private long banked(int register) {
        return (tar & ~0xFL) | (register - BD0);
    }

    private int drw(boolean write, int value) throws BusFault {
        int size = switch (csw & CSW_SIZE) {
            case 0 -> 1;
            case 1 -> 2;
            case 2 -> 4;
            default -> throw new BusFault("unsupported transfer size in CSW");
        };
        int result = transfer(tar, size, write, value);
        if ((csw & CSW_ADDRINC_SINGLE) != 0) {
            tar = (tar + size) & 0xFFFF_FFFFL;
        }
        return result;
    }

    /** One bus transfer of {@code size} bytes on the byte lanes of {@code address}. */
    private int transfer(long address, int size, boolean write, int value) throws BusFault {
        if (!enabled.getAsBoolean()) {
            throw new BusFault("the MEM-AP may not issue transfers (access port protection)");
        }
        if (address % size != 0) {
            throw new BusFault("unaligned transfer");
        }
        int lane = (int) (address & 3) * 8;
        int result = 0;
        for (int i = 0; i < size; i++) {
            if (write) {
                memory.write(address + i, (byte) (value >>> (lane + 8 * i)));
            } else {
                result |= (memory.read(address + i) & 0xFF) << (lane + 8 * i);
            }
        }
        return result;
    }
}
