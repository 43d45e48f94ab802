package dev.starbench.vdut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starbench.vdut.contract.GpioWire;
import java.io.IOException;
import java.util.Random;

/**
 * The bootloader's environment, which it saves at every boot (its boot counter). Hardened, it keeps two
 * copies and writes the inactive one, so a power cut leaves a valid copy. With
 * {@code bricks-on-early-power-cut} there is one copy, rewritten in place for {@link #SAVE_MS} from a
 * point early in the boot that this device draws once per process (its own randomness, not the
 * bench's): a cut inside that window leaves no valid environment, and the device stops before its
 * bootloader with "Unable to find bootable image" at every power-on, until the bench holds the
 * recovery strap ({@link GpioWire#RECOVERY}) at power-on and the boot ROM restores the factory copy.
 */
final class BootEnvironment {
    static final String KEY = "bootenv";
    /** The window's start lies between these many ms after power-on. */
    static final long EARLIEST_MS = 100;
    static final long LATEST_MS = 400;
    static final long SAVE_MS = 1000;
    static final String NO_IMAGE = "Unable to find bootable image";

    private final PersistentState state;
    private final boolean singleCopy;
    private final long saveAtMs;

    BootEnvironment(PersistentState state, boolean singleCopy) {
        this.state = state;
        this.singleCopy = singleCopy;
        this.saveAtMs = EARLIEST_MS + new Random().nextLong(LATEST_MS - EARLIEST_MS + 1);
        if (singleCopy) {
            System.err.println("vdut: the bootloader rewrites its only environment copy " + saveAtMs + " to "
                    + (saveAtMs + SAVE_MS) + " ms after power-on");
        }
    }

    /**
     * The boot ROM's part of a power-on: honours the recovery strap, refuses to go on without a valid
     * environment, and starts this boot's environment save. False when the device is bricked.
     */
    boolean start(Session s, Board board) throws InterruptedException, IOException {
        if (board.held(GpioWire.RECOVERY)) {
            s.println("BootROM: recovery strap held: restoring the boot environment from the factory copy");
            state.put(KEY, environment(true));
            s.println("BootROM: boot environment restored");
        }
        JsonNode env = state.get(KEY);
        if (env != null && !env.path("valid").asBoolean(true)) {
            s.println("U-Boot SPL 2024.01-vdut");
            s.println("Trying to boot from MMC1");
            s.println("*** Error: boot environment CRC mismatch (an interrupted write): no boot slot recorded");
            s.println(NO_IMAGE);
            s.println("### ERROR ### Please RESET the board ###");
            return false;
        }
        if (singleCopy) {
            s.beside("vdut-env-save", () -> {
                Thread.sleep(saveAtMs);
                state.put(KEY, environment(false));
                Thread.sleep(SAVE_MS);
                state.put(KEY, environment(true));
            });
        }
        return true;
    }

    private static ObjectNode environment(boolean valid) {
        return JsonNodeFactory.instance.objectNode().put("valid", valid);
    }
}
