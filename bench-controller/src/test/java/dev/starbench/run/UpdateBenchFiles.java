package dev.starbench.run;

import dev.starbench.image.ImageFormat;
import dev.starbench.image.ImageVersion;
import dev.starbench.image.SigningKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * What an update test needs, made fresh by the test (no blobs in the repository): a maker's
 * development key, the public key the virtual DUT trusts, a signed factory image, and a profile whose
 * {@code firmware:} section points at them and whose simulated device runs an OTA agent.
 */
public final class UpdateBenchFiles {
    public static final int DEVICE_TYPE_TLV = 0xa0;

    private UpdateBenchFiles() {
    }

    /**
     * The hardened virtual profile with these flaws, a quick boot (no autoboot delay), an OTA agent
     * on a free loopback port that installs in {@code installMs}, and {@code cuts} power cuts.
     *
     * @param update the YAML lines of {@code firmware.update} after "method: "; null for http-upload to the agent
     */
    public static Path profile(Path dir, SigningKey.Type keyType, long installMs, int cuts, String update, String... flaws)
            throws IOException, dev.starbench.image.ImageException {
        Files.createDirectories(dir);
        SigningKey key = SigningKey.generate(keyType);
        key.writePrivate(dir.resolve("dev-key.pem"));
        writeImages(dir, key, false);
        return write(dir, installMs, flaws, ""
                + "  format: mcuboot\n"
                + "  image: vcam-1.4.2.signed.bin\n"
                + "  signing-key: dev-key.pem\n", cuts, update);
    }

    /**
     * As {@link #profile}, but the lab has no signing key: the profile supplies the maker's newer image
     * 1.5.0 and older image 1.4.1 (signed with a key made here and thrown away). With {@code raw}, the
     * bench treats them as opaque bytes and the profile declares their versions; the virtual DUT still
     * gets MCUboot images and verifies them, as a maker's device does.
     */
    public static Path suppliedProfile(Path dir, boolean raw, long installMs, int cuts, String... flaws)
            throws IOException, dev.starbench.image.ImageException {
        Files.createDirectories(dir);
        writeImages(dir, SigningKey.generate(SigningKey.Type.ECDSA_P256), true);
        return write(dir, installMs, flaws, ""
                + "  format: " + (raw ? "raw" : "mcuboot") + "\n"
                + "  image: vcam-1.4.2.signed.bin\n"
                + "  newer-image: vcam-1.5.0.signed.bin\n"
                + "  older-image: vcam-1.4.1.signed.bin\n"
                + (raw ? "  newer-version: \"1.5.0\"\n  older-version: \"1.4.1\"\n" : ""), cuts, null);
    }

    private static void writeImages(Path dir, SigningKey key, boolean newerAndOlder)
            throws IOException, dev.starbench.image.ImageException {
        key.writePublic(dir.resolve("dev-key.pub.pem"));
        byte[] payload = new byte[24 * 1024];
        new Random(42).nextBytes(payload);
        for (String v : newerAndOlder ? new String[] {"1.4.2", "1.5.0", "1.4.1"} : new String[] {"1.4.2"}) {
            byte[] image = ImageFormat.named("mcuboot").rebuild(payload,
                    new ImageFormat.Changes(ImageVersion.parse(v), 1L, DEVICE_TYPE_TLV, "VCAM-1", false), key);
            Files.write(dir.resolve("vcam-" + v + ".signed.bin"), image);
        }
    }

    /**
     * Without the network section: no update check needs it, and its fixed loopback ports would meet
     * those of other runs on the machine.
     */
    private static Path write(Path dir, long installMs, String[] flaws, String images, int cuts, String update) throws IOException {
        int port = freePort();
        String hardened = VirtualBench.withoutNetwork(VirtualBench.withoutFirmware(Files.readString(VirtualBench.profile("virtual-hardened"))));
        String text = hardened.replace("bootdelay-s: 2", "bootdelay-s: 0");
        text = text.replace("flaws: []", "flaws: [" + String.join(", ", flaws) + "]");
        text += "  ota:\n"
                + "    http-port: " + port + "\n"
                + "    trusted-key: dev-key.pub.pem\n"
                + "    install-ms: " + installMs + "\n"
                + "    factory-version: \"1.4.2\"\n"
                + "    factory-security-counter: 1\n"
                + "    device-type: { tlv: 0xa0, value: VCAM-1 }\n"
                + "firmware:\n"
                + images
                + "  device-type: { tlv: 0xa0, value: VCAM-1 }\n"
                + "  install-timeout-ms: 15000\n"
                + "  power-loss-cuts: " + cuts + "\n"
                + "  update:\n"
                + (update != null ? update
                : "    method: http-upload\n    url: http://127.0.0.1:" + port + "/update\n    field: image\n");
        Path file = dir.resolve("profile.yaml");
        Files.writeString(file, text);
        return file;
    }

    public static int portOf(Path profile) throws IOException {
        String text = Files.readString(profile);
        int at = text.indexOf("http-port: ") + "http-port: ".length();
        return Integer.parseInt(text.substring(at, text.indexOf('\n', at)).strip());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
