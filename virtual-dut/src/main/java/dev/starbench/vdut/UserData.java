package dev.starbench.vdut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the device's owner stored on it, in its own file beside the firmware's state: settings, the
 * Wi-Fi and cloud credentials, the passwords the owner set, and the persistent log. The file is read
 * afresh at every boot, so only what reached the flash survives a power cut.
 *
 * <p>Hardened, every write goes to a temporary file that is synced and then renamed over the old
 * one, so a cut leaves the old or the new content. With {@code loses-settings-on-power-cut} the file
 * is rewritten in place, slowly, as firmware writing a flash sector does, at every setting and at
 * every boot; a cut meanwhile leaves a torn file, which the next boot finds corrupt and replaces
 * with factory settings. With {@code reset-keeps-data} a factory reset clears the settings and the
 * log, so the device looks new, but keeps the credentials and the passwords.
 */
final class UserData {
    static final String FILE = "userdata.json";
    /** Keys the owner may set: a name with dots, as {@code wifi.psk} or {@code device.label}. */
    static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_-]{0,31}(?:\\.[a-z0-9_-]{1,32}){0,3}");
    static final int MAX_VALUE = 256;
    static final int MAX_LOG_LINES = 64;
    /** How long a torn write takes: long enough that a cut lands inside it, as on slow NOR flash. */
    static final long SETTING_WRITE_MS = 300;
    static final long BOOT_WRITE_MS = 1000;
    private static final int CHUNKS = 10;
    // Credentials live apart from the settings: a flawed reset forgets to erase them.
    private static final String SETTINGS = "settings";
    private static final String CREDENTIALS = "credentials";
    private static final String PASSWORDS = "passwords";
    private static final String LOG = "log";
    private static final String BOOTS = "boots";
    /** Set by the owner's first write, cleared by every reset: a flawed reset looks complete. */
    private static final String SET_UP = "set-up";

    private final Path file;
    private final boolean tornWrites;
    private final boolean resetKeepsSecrets;
    private final ObjectMapper json = new ObjectMapper();
    private ObjectNode doc;

    UserData(Path dir, boolean tornWrites, boolean resetKeepsSecrets) {
        this.file = dir.resolve(FILE);
        this.tornWrites = tornWrites;
        this.resetKeepsSecrets = resetKeepsSecrets;
        this.doc = json.createObjectNode();
    }

    /**
     * Reads the file as a booting device does; a torn file is reported (the line the device prints)
     * and replaced by factory settings. Null when the file was sound or absent.
     */
    synchronized String load() {
        doc = json.createObjectNode();
        if (!Files.exists(file)) {
            return null;
        }
        try {
            if (json.readTree(file.toFile()) instanceof ObjectNode node) {
                doc = node;
                return null;
            }
        } catch (IOException e) {
            // torn: handled below
        }
        try {
            Files.delete(file);
        } catch (IOException e) {
            System.err.println("vdut: userdata: cannot remove the corrupt " + file + ": " + e.getMessage());
        }
        return "config: /data/" + FILE + " is corrupt: starting from factory settings";
    }

    /** Whether the owner has set anything up; a fresh device shows its setup mode instead. */
    synchronized boolean isSetUp() {
        return doc.path(SET_UP).asBoolean(false);
    }

    synchronized String get(String key) {
        JsonNode v = doc.path(store(key)).get(key);
        return v == null ? null : v.asText();
    }

    /** Every key and value the owner set, settings first. */
    synchronized Map<String, String> all() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String store : new String[] {SETTINGS, CREDENTIALS}) {
            doc.path(store).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }

    /** Stores a setting; what the write leaves on a power cut depends on the flaw (see the class). */
    synchronized void set(String key, String value) throws IOException, InterruptedException {
        node(store(key)).put(key, value);
        doc.put(SET_UP, true);
        save(SETTING_WRITE_MS);
    }

    /** The password the owner set for this account, or null while it has its factory password. */
    synchronized String password(String user) {
        JsonNode v = doc.path(PASSWORDS).get(user);
        return v == null ? null : v.asText();
    }

    synchronized void setPassword(String user, String password) throws IOException, InterruptedException {
        node(PASSWORDS).put(user, password);
        doc.put(SET_UP, true);
        save(SETTING_WRITE_MS);
    }

    synchronized void log(String line) throws IOException, InterruptedException {
        ArrayNode log = doc.has(LOG) ? (ArrayNode) doc.get(LOG) : doc.putArray(LOG);
        log.add(line);
        while (log.size() > MAX_LOG_LINES) {
            log.remove(0);
        }
        save(SETTING_WRITE_MS);
    }

    synchronized java.util.List<String> logLines() {
        java.util.List<String> out = new java.util.ArrayList<>();
        doc.path(LOG).forEach(l -> out.add(l.asText()));
        return out;
    }

    /**
     * The firmware's own write at every boot (it counts boots in the owner's file, as much firmware
     * keeps its housekeeping in its config): a torn one takes {@link #BOOT_WRITE_MS}. Nothing to write
     * on a device nobody has set up.
     */
    synchronized void recordBoot() throws IOException, InterruptedException {
        if (!isSetUp()) {
            return;
        }
        doc.put(BOOTS, doc.path(BOOTS).asLong(0) + 1);
        save(BOOT_WRITE_MS);
    }

    /** Erases what the owner stored; with reset-keeps-data only what is visible. */
    synchronized void factoryReset() throws IOException {
        ObjectNode kept = json.createObjectNode();
        if (resetKeepsSecrets) {
            for (String store : new String[] {CREDENTIALS, PASSWORDS}) {
                if (doc.has(store)) {
                    kept.set(store, doc.get(store));
                }
            }
        }
        doc = kept;
        if (kept.isEmpty()) {
            Files.deleteIfExists(file);
        } else {
            atomicSave();
        }
    }

    private static String store(String key) {
        return key.startsWith("wifi.") || key.startsWith("cloud.") ? CREDENTIALS : SETTINGS;
    }

    private ObjectNode node(String store) {
        return doc.has(store) ? (ObjectNode) doc.get(store) : doc.putObject(store);
    }

    private void save(long tornMillis) throws IOException, InterruptedException {
        if (tornWrites) {
            tornSave(tornMillis);
        } else {
            atomicSave();
        }
    }

    private void atomicSave() throws IOException {
        Path tmp = file.resolveSibling(FILE + ".tmp");
        // FileOutputStream, not a channel: a power-off interrupts the thread, and an interrupted channel
        // would close mid-write.
        try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
            out.write(json.writeValueAsBytes(doc));
            out.getFD().sync();
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Truncates the file and writes it back in chunks; a power cut (an interrupt) stops it half-way. */
    private void tornSave(long millis) throws IOException, InterruptedException {
        byte[] bytes = json.writeValueAsString(doc).getBytes(StandardCharsets.UTF_8);
        try (FileOutputStream out = new FileOutputStream(file.toFile())) {
            for (int i = 0; i < CHUNKS; i++) {
                out.write(bytes, bytes.length * i / CHUNKS, bytes.length * (i + 1) / CHUNKS - bytes.length * i / CHUNKS);
                out.flush();
                out.getFD().sync();
                if (i < CHUNKS - 1) {
                    Thread.sleep(millis / CHUNKS);
                }
            }
        }
    }
}
