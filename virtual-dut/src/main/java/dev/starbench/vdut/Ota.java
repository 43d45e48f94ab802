package dev.starbench.vdut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starbench.vdut.McubootImage.Version;
import dev.starbench.vdut.contract.Flaw;
import dev.starbench.vdut.contract.OtaSettings;
import dev.starbench.vdut.contract.SimulationSettings;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The device's firmware slots and its update agent. Two slots, A and B: a hardened device writes the
 * inactive slot and switches only when the copy is complete, so a power cut leaves the old image
 * bootable. With {@code bricks-on-power-loss} it overwrites the running slot in place and has no
 * fallback. The slot table, the active slot and the minimum security counter live in state.json
 * ("ota"); slot contents are files in the work dir.
 */
final class Ota {
    /** What the installer answers: an HTTP-like status and a sentence. */
    record Answer(int status, String text) {
    }

    private static final int CHUNKS = 20;

    private final SimulationSettings sim;
    private final OtaSettings settings;
    private final PersistentState state;
    private final Path dir;
    private final PublicKey trusted;
    private final byte[] trustedKeyHash;
    // Not the monitor install() holds for a whole install: power-off must get through at once.
    private final Object agentLock = new Object();
    private volatile Session console;
    private volatile String running;
    private OtaHttp http;

    Ota(SimulationSettings sim, PersistentState state, Path dir) {
        this.sim = sim;
        this.settings = sim.ota();
        this.state = state;
        this.dir = dir;
        this.trusted = McubootImage.readPem(settings.trustedKey());
        this.trustedKeyHash = McubootImage.sha256(trusted.getEncoded());
    }

    String runningVersion() {
        return running;
    }

    // ---- boot --------------------------------------------------------------------------------------

    /** Picks the slot to boot and prints the decision; false when no slot holds a bootable image. */
    boolean boot(Session s) throws InterruptedException, IOException {
        ObjectNode st = table();
        String active = st.path("active").asText("a");
        String problem = slotProblem(st, active);
        if (problem == null) {
            running = st.path("slots").path(active).path("version").asText();
            s.println("MCUboot-vdut: booting slot " + active + ", firmware version " + running);
            return true;
        }
        s.println("MCUboot-vdut: slot " + active + ": " + problem);
        if (!sim.has(Flaw.BRICKS_ON_POWER_LOSS)) {
            String other = active.equals("a") ? "b" : "a";
            if (slotProblem(st, other) == null) {
                st.put("active", other);
                state.put("ota", st);
                running = st.path("slots").path(other).path("version").asText();
                s.println("MCUboot-vdut: reverting to slot " + other + ", firmware version " + running);
                return true;
            }
        }
        running = null;
        s.println("MCUboot-vdut: Unable to find bootable image");
        return false;
    }

    private String slotProblem(ObjectNode st, String slot) {
        JsonNode rec = st.path("slots").path(slot);
        if (rec.isMissingNode()) {
            return "empty";
        }
        if (rec.path("factory").asBoolean(false)) {
            return null;
        }
        try {
            byte[] content = Files.readAllBytes(slotFile(slot));
            return HexFormat.of().formatHex(McubootImage.sha256(content)).equals(rec.path("sha256").asText())
                    ? null : "image hash mismatch";
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    private ObjectNode table() {
        JsonNode saved = state.get("ota");
        if (saved instanceof ObjectNode o) {
            return o;
        }
        ObjectNode st = JsonNodeFactory.instance.objectNode();
        st.put("active", "a");
        st.put("min-security-counter", settings.factorySecurityCounter());
        ObjectNode factory = st.putObject("slots").putObject("a");
        factory.put("version", settings.factoryVersion());
        factory.put("security-counter", settings.factorySecurityCounter());
        factory.put("factory", true);
        return st;
    }

    private Path slotFile(String slot) {
        return dir.resolve("slot-" + slot + ".img");
    }

    // ---- the agent, while the OS runs ----------------------------------------------------------------

    boolean overMqtt() {
        return settings.overMqtt();
    }

    OtaSettings settings() {
        return settings;
    }

    void startAgent(Session s) throws InterruptedException, IOException {
        if (settings.overMqtt()) {
            // The cloud client already listens on the offer topic; offers install only while this agent runs.
            synchronized (agentLock) {
                console = s;
            }
            s.println("ota-agent: taking offers on mqtt topic " + settings.offerTopic() + " from the cloud");
            return;
        }
        OtaHttp started;
        try {
            started = OtaHttp.start(settings.httpPort(), this);
        } catch (IOException e) {
            s.println("ota-agent: cannot listen on port " + settings.httpPort() + ": " + e.getMessage());
            return;
        }
        synchronized (agentLock) {
            console = s;
            http = started;
        }
        s.println("ota-agent: listening on http://127.0.0.1:" + settings.httpPort() + "/update");
    }

    /**
     * Power is gone: the agent stops answering and an install in progress stops writing. Only the
     * session that started the agent stops it, so a late unwind cannot stop the next boot's agent.
     */
    void stopAgent(Session s) {
        OtaHttp h;
        synchronized (agentLock) {
            if (console != s) {
                return;
            }
            console = null;
            h = http;
            http = null;
        }
        if (h != null) {
            h.stop();
        }
    }

    private boolean powered(Session s) {
        return console == s && s != null;
    }

    private void say(Session s, String line) {
        try {
            if (powered(s)) {
                s.println("ota-agent: " + line);
            }
        } catch (InterruptedException | IOException e) {
            // power went while printing: the line is lost, as on hardware
        }
    }

    /** A line of the agent's own on the console, while it runs. */
    void note(String line) {
        say(console, line);
    }

    /** Checks and installs one uploaded image; one install at a time, as on a device. */
    synchronized Answer install(byte[] upload) {
        Session s = console;
        if (s == null) {
            return new Answer(503, "device is not running");
        }
        say(s, "received " + upload.length + " bytes");
        Answer refusal = verify(s, upload);
        if (refusal != null) {
            say(s, "refused: " + refusal.text());
            return refusal;
        }
        McubootImage image;
        try {
            image = McubootImage.parse(upload);
        } catch (McubootImage.Invalid e) {
            throw new IllegalStateException("verified images parse", e);
        }
        try {
            return write(s, upload, image);
        } catch (IOException e) {
            say(s, "flash write failed: " + e.getMessage());
            return new Answer(500, "flash write failed: " + e.getMessage());
        }
    }

    private Answer verify(Session s, byte[] upload) {
        McubootImage image;
        try {
            image = McubootImage.parse(upload);
        } catch (McubootImage.Invalid e) {
            return new Answer(400, "malformed image: " + e.getMessage());
        }
        if (!image.hashMatches()) {
            if (!sim.has(Flaw.SKIPS_HASH_CHECK)) {
                return new Answer(400, "image hash mismatch");
            }
        }
        if (image.signatureType == 0) {
            if (!sim.has(Flaw.ACCEPTS_UNSIGNED)) {
                return new Answer(400, "image is not signed");
            }
        } else {
            byte[] keyHash = image.tlvs.get(McubootImage.KEYHASH);
            PublicKey embedded = image.embeddedKey();
            byte[] presented = keyHash != null ? keyHash : embedded != null ? McubootImage.sha256(embedded.getEncoded()) : null;
            PublicKey key = trusted;
            if (presented != null && !Arrays.equals(presented, trustedKeyHash)) {
                if (!sim.has(Flaw.ACCEPTS_FOREIGN_KEY) || embedded == null) {
                    return new Answer(400, "image is signed by an unknown key");
                }
                key = embedded;
            }
            if (!image.signatureVerifies(key)) {
                return new Answer(400, "signature does not verify");
            }
        }
        if (settings.deviceTypeTlv() != null && !settings.deviceType().equals(image.tlvText(settings.deviceTypeTlv()))) {
            return new Answer(400, "image is for device type '" + image.tlvText(settings.deviceTypeTlv())
                    + "', this is '" + settings.deviceType() + "'");
        }
        ObjectNode st = table();
        Version current = Version.parse(running);
        long minCounter = st.path("min-security-counter").asLong(0);
        Long counter = image.securityCounter();
        if (!sim.has(Flaw.ACCEPTS_DOWNGRADE)) {
            if (current != null && image.version.compareTo(current) < 0) {
                return new Answer(409, "downgrade refused: " + image.version + " is older than running " + current);
            }
            if ((counter == null ? 0 : counter) < minCounter) {
                return new Answer(409, "security counter " + counter + " below the minimum " + minCounter);
            }
        }
        return null;
    }

    private Answer write(Session s, byte[] upload, McubootImage image) throws IOException {
        ObjectNode st = table();
        String active = st.path("active").asText("a");
        boolean inPlace = sim.has(Flaw.BRICKS_ON_POWER_LOSS);
        String target = inPlace ? active : active.equals("a") ? "b" : "a";
        ObjectNode rec = JsonNodeFactory.instance.objectNode();
        rec.put("version", image.version.toString());
        rec.put("security-counter", image.securityCounter() == null ? 0 : image.securityCounter());
        rec.put("sha256", HexFormat.of().formatHex(McubootImage.sha256(upload)));
        if (inPlace) {
            // The flaw: the slot table claims the new image before a byte of it is written.
            ((ObjectNode) st.path("slots")).set(target, rec);
            st.put("active", target);
            state.put("ota", st);
        }
        say(s, "verified " + image.version + "; writing slot " + target + (inPlace ? " in place" : ""));
        long pause = settings.installMs() / CHUNKS;
        try (FileOutputStream out = new FileOutputStream(slotFile(target).toFile())) {
            for (int i = 0; i < CHUNKS; i++) {
                if (!powered(s)) {
                    return new Answer(503, "power lost while writing");
                }
                int from = upload.length * i / CHUNKS;
                int to = upload.length * (i + 1) / CHUNKS;
                out.write(upload, from, to - from);
                out.flush();
                out.getFD().sync();
                sleep(pause);
            }
        }
        if (!powered(s)) {
            return new Answer(503, "power lost while writing");
        }
        if (!inPlace) {
            ((ObjectNode) st.path("slots")).set(target, rec);
            st.put("active", target);
        }
        long counter = rec.path("security-counter").asLong();
        st.put("min-security-counter", Math.max(st.path("min-security-counter").asLong(0), counter));
        state.put("ota", st);
        say(s, "installed " + image.version + " in slot " + target + "; active after reboot");
        return new Answer(200, "installed " + image.version + " in slot " + target + "; active after reboot");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
