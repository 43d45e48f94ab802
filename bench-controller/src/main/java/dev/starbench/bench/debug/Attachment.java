package dev.starbench.bench.debug;

import dev.starbench.config.DebugPort;
import java.util.List;

/**
 * What one attach found, in the three states IoTHackBot's jtagprobe names, plus the bench's own failure.
 *
 * @param state        what the port is
 * @param reason       the sentence that decides it, with the values that show it
 * @param id           the JTAG IDCODE or SW-DP DPIDR the chain answered with; null when none
 * @param dpidr        the DP's DPIDR; null when unread
 * @param accessPorts  each AP that answered with a non-zero IDR
 * @param reads        one per declared memory range, in the profile's order (empty when the chain is dead)
 * @param lockEvidence the registers that show a lock or its absence, each as "name = value (meaning)"
 * @param notes        everything else worth keeping (OpenOCD's version, init messages, what could not be read)
 */
public record Attachment(State state, String reason, Long id, Long dpidr, List<AccessPortId> accessPorts,
                         List<MemoryRead> reads, List<String> lockEvidence, List<String> notes) {

    public enum State {
        /** The DP answers and a MEM-AP read of memory succeeds. */
        OPEN,
        /** The DP answers and memory access is denied, with a register that shows the lock. */
        LOCKED,
        /** Nothing answers on the chain: fused off, unpowered, or miswired. */
        DEAD,
        /** The bench could not tell: the adapter did not come up, another part answered, or a denial no register explains. */
        UNKNOWN
    }

    public Attachment {
        accessPorts = List.copyOf(accessPorts);
        reads = List.copyOf(reads);
        lockEvidence = List.copyOf(lockEvidence);
        notes = List.copyOf(notes);
    }

    public record AccessPortId(int ap, long idr) {
        @Override
        public String toString() {
            return String.format("AP %d IDR 0x%08x", ap, idr);
        }
    }

    /**
     * One range read through the MEM-AP: never its bytes, only how many, their SHA-256 and whether they
     * look erased.
     *
     * @param error what OpenOCD said when the read failed; null when it succeeded
     */
    public record MemoryRead(DebugPort.Range range, int bytes, String sha256, boolean erased, String error) {
        public boolean ok() {
            return error == null;
        }

        @Override
        public String toString() {
            String where = String.format("%s at 0x%08x", range.name(), range.address());
            return ok() ? String.format("%s: read %d bytes, SHA-256 %s%s", where, bytes, sha256, erased ? " (all 0xFF: erased)" : "")
                    : where + ": denied (" + error + ")";
        }
    }

    public String describe() {
        return state + ": " + reason;
    }
}
