package dev.starbench.vdut.jtag;

import java.util.Arrays;

/**
 * What a bus master on the device sees: its flash from {@value #FLASH_BASE} (the firmware image, the
 * rest erased to 0xFF, read-only on the bus as flash is without its controller) and its RAM from
 * {@value #RAM_BASE_TEXT}. Anything else is a bus error.
 */
final class TargetMemory {
    static final long FLASH_BASE = 0x0;
    static final long RAM_BASE = 0x2000_0000L;
    static final String RAM_BASE_TEXT = "0x20000000";
    static final int RAM_SIZE = 64 * 1024;
    private static final int FLASH_PAGE = 4096;

    private final byte[] flash;
    private final byte[] ram = new byte[RAM_SIZE];

    /** @param image the flash's content from address 0; the flash is that size rounded up to a 4 KiB page */
    TargetMemory(byte[] image) {
        int size = Math.max(FLASH_PAGE, (image.length + FLASH_PAGE - 1) / FLASH_PAGE * FLASH_PAGE);
        flash = new byte[size];
        Arrays.fill(flash, (byte) 0xFF);
        System.arraycopy(image, 0, flash, 0, image.length);
    }

    int flashSize() {
        return flash.length;
    }

    /** What the firmware leaves in RAM once it runs: from the start of RAM, the rest zero. */
    void resetRam(byte[] content) {
        Arrays.fill(ram, (byte) 0);
        System.arraycopy(content, 0, ram, 0, Math.min(content.length, ram.length));
    }

    /** Flash to 0xFF and RAM to zero, as an erase-all does. */
    void eraseAll() {
        Arrays.fill(flash, (byte) 0xFF);
        Arrays.fill(ram, (byte) 0);
    }

    byte read(long address) throws AccessPort.BusFault {
        if (inFlash(address)) {
            return flash[(int) (address - FLASH_BASE)];
        }
        if (inRam(address)) {
            return ram[(int) (address - RAM_BASE)];
        }
        throw new AccessPort.BusFault(String.format("no memory at 0x%08x", address));
    }

    void write(long address, byte value) throws AccessPort.BusFault {
        if (inRam(address)) {
            ram[(int) (address - RAM_BASE)] = value;
            return;
        }
        throw new AccessPort.BusFault(String.format(inFlash(address) ? "flash at 0x%08x is not writable from the bus"
                : "no memory at 0x%08x", address));
    }

    private boolean inFlash(long address) {
        return address >= FLASH_BASE && address < FLASH_BASE + flash.length;
    }

    private boolean inRam(long address) {
        return address >= RAM_BASE && address < RAM_BASE + ram.length;
    }
}
