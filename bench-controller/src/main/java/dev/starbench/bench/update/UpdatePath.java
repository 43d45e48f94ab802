package dev.starbench.bench.update;

import dev.starbench.bench.BenchIoException;
import dev.starbench.config.Firmware;
import dev.starbench.config.Network;
import java.time.Duration;
import java.util.Random;

/**
 * How an image reaches the device: the profile chooses (http-upload, command, mqtt-ota). A path may
 * hold resources (the bench's cloud for mqtt-ota) from its first use until it is closed.
 */
public interface UpdatePath extends AutoCloseable {
    /**
     * What the installer said.
     *
     * @param accepted true when it reported success, false when it refused, null when it gave no answer
     *                 (connection dropped, timeout)
     */
    record Answer(Boolean accepted, String text) {
        public String describe() {
            return (accepted == null ? "no answer" : accepted ? "accepted" : "refused") + ": " + text;
        }
    }

    /** Pushes one image and waits for the installer's answer, at most {@code timeout}. */
    Answer push(byte[] image, String fileName, Duration timeout) throws BenchIoException, InterruptedException;

    /**
     * Waits until the device can take an image on this path, for paths where it must first come to the
     * bench (mqtt-ota: connect and subscribe); throws when it does not within the path's own timeout.
     */
    default void awaitReady() throws BenchIoException, InterruptedException {
    }

    @Override
    default void close() {
    }

    /** What the journal shows about the path (never secrets). */
    String describe();

    /** The installer's words made safe for one journal line, and bounded. */
    static String shorten(String text) {
        String printable = dev.starbench.console.Printable.of(text);
        return printable.length() <= 300 ? printable : printable.substring(0, 300) + "…";
    }

    /**
     * @param cloud    the profile's {@code network.cloud}; needed by mqtt-ota only (the config ensures it is there)
     * @param offerIds draws mqtt-ota's offer ids: seeded from the run, so a rerun offers the same
     */
    static UpdatePath of(Firmware.Update update, Network.Cloud cloud, Random offerIds) {
        return switch (update.method()) {
            case "http-upload" -> new HttpUpload(update.url(), update.field());
            case "command" -> new CommandUpdate(update.command());
            case "mqtt-ota" -> new MqttOta(update, cloud, offerIds);
            default -> throw new IllegalArgumentException("no update path " + update.method());
        };
    }
}
