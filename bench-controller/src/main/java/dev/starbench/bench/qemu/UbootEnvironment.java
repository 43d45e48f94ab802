package dev.starbench.bench.qemu;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * U-Boot's environment as Debian's qemu_arm64 build keeps it: the first 256 KiB of flash bank 1
 * (pflash index 1, at 0x4000000), a little-endian CRC-32 of the rest, then {@code name=value} entries
 * ending in NUL and a final NUL. A block whose CRC does not match makes U-Boot use its built-in default
 * ("bad CRC, using default environment"), which is the stock one: bootdelay 2, autoboot interruptible.
 *
 * @param variables in the order written; empty: the block is erased, as fresh flash is
 */
public record UbootEnvironment(Map<String, String> variables) {
    /** pflash bank 1, where the qemu_arm64 build's CONFIG_ENV_ADDR (0x4000000) points. */
    public static final int FLASH_INDEX = 1;
    static final int SIZE = 0x40000;
    // The addresses of the stock environment's bootcmd_qfw; qfw's `load` sets filesize to the initrd's.
    private static final String QFW_BOOT = "qfw load ${kernel_addr_r} ${ramdisk_addr_r}"
            + " && booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}";

    public UbootEnvironment {
        variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    }

    /** Erased flash: U-Boot runs on its built-in environment (bootdelay 2; its distro boot tries qfw first). */
    public static UbootEnvironment stock() {
        return new UbootEnvironment(Map.of());
    }

    /**
     * Boots what QEMU hands over through fw_cfg at once, without reading the console: with bootdelay -2
     * U-Boot does not look for a key at all.
     */
    public static UbootEnvironment autobootWithoutInterrupt() {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("bootdelay", "-2");
        vars.put("kernel_addr_r", "0x40400000");
        vars.put("ramdisk_addr_r", "0x44000000");
        vars.put("bootcmd", QFW_BOOT);
        return new UbootEnvironment(vars);
    }

    /** The 256 KiB block as it goes into the flash. */
    byte[] block() {
        byte[] block = new byte[SIZE];
        if (variables.isEmpty()) {
            Arrays.fill(block, (byte) 0xff);
            return block;
        }
        int at = 4;
        for (Map.Entry<String, String> v : variables.entrySet()) {
            byte[] entry = (v.getKey() + "=" + v.getValue() + "\0").getBytes(StandardCharsets.US_ASCII);
            if (at + entry.length >= SIZE) {
                throw new IllegalArgumentException("the environment does not fit in " + SIZE + " bytes");
            }
            System.arraycopy(entry, 0, block, at, entry.length);
            at += entry.length;
        }
        CRC32 crc = new CRC32();
        crc.update(block, 4, SIZE - 4);
        ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) crc.getValue());
        return block;
    }

    /** Writes the block at the start of the flash image, leaving the rest of the bank as it is. */
    void writeTo(Path flash) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(flash.toFile(), "rw")) {
            f.write(block());
        }
    }
}
