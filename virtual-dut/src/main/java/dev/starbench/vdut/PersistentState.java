package dev.starbench.vdut;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The device's flash: survives power cycles and restarts of this program. Keys this version does not
 * know are kept, so an older program does not wipe what a newer one stored.
 */
final class PersistentState {
    private final Path file;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final ObjectNode doc;

    private PersistentState(Path file, ObjectNode doc) {
        this.file = file;
        this.doc = doc;
    }

    static PersistentState open(Path file) throws StartupException {
        ObjectMapper json = new ObjectMapper();
        if (!Files.exists(file)) {
            return new PersistentState(file, json.createObjectNode());
        }
        try {
            if (json.readTree(file.toFile()) instanceof ObjectNode node) {
                return new PersistentState(file, node);
            }
            throw new StartupException(StartupException.RUNTIME, file + ": expected a JSON object");
        } catch (IOException e) {
            // Refuse rather than start from zero: a silently reset counter would mislead a persistence check.
            throw new StartupException(StartupException.RUNTIME, file + ": unreadable state: " + e.getMessage(), e);
        }
    }

    synchronized long bootCount() {
        return doc.path("boot-count").asLong(0);
    }

    synchronized long recordBoot() throws IOException {
        long count = bootCount() + 1;
        doc.put("boot-count", count);
        save();
        return count;
    }

    /** A copy of the value stored under the key, or null. */
    synchronized com.fasterxml.jackson.databind.JsonNode get(String key) {
        com.fasterxml.jackson.databind.JsonNode v = doc.get(key);
        return v == null ? null : v.deepCopy();
    }

    /** Stores the value and saves at once, atomically: a power cut leaves the old or the new state. */
    synchronized void put(String key, com.fasterxml.jackson.databind.JsonNode value) throws IOException {
        doc.set(key, value.deepCopy());
        save();
    }

    private void save() throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        // FileOutputStream, not a channel: a power-off interrupts the boot thread, and an interrupted
        // channel would close mid-write.
        try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
            out.write(json.writeValueAsBytes(doc));
            out.getFD().sync();
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
