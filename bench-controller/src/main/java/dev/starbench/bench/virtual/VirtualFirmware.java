package dev.starbench.bench.virtual;

import dev.starbench.bench.BenchIoException;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Firmware;
import dev.starbench.config.SimulatedOta;
import dev.starbench.image.ImageException;
import dev.starbench.image.ImageFormat;
import dev.starbench.image.ImageVersion;
import dev.starbench.image.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * The virtual DUT's factory firmware. A real DUT comes with its maker's development key and signed
 * image; for the virtual one the bench makes them on first use where the profile says, so the shipped
 * profiles run the update checks on a fresh machine without keys or images in git.
 */
public final class VirtualFirmware {
    private static final int PAYLOAD_BYTES = 64 * 1024;

    private VirtualFirmware() {
    }

    /** Makes the key pair and the signed factory image if none of their files exists yet. */
    public static void ensure(DeviceProfile profile) throws BenchIoException {
        Firmware fw = profile == null ? null : profile.firmware();
        SimulatedOta ota = profile == null || profile.simulation() == null ? null : profile.simulation().ota();
        if (fw == null || ota == null || fw.signingKey() == null
                || Files.exists(fw.signingKey()) || Files.exists(fw.image()) || Files.exists(ota.trustedKey())) {
            return;
        }
        try {
            for (Path p : new Path[] {fw.signingKey(), fw.image(), ota.trustedKey()}) {
                Files.createDirectories(p.getParent());
            }
            SigningKey key = SigningKey.generate(SigningKey.Type.ECDSA_P256);
            key.writePrivate(fw.signingKey());
            Files.setPosixFilePermissions(fw.signingKey(), PosixFilePermissions.fromString("rw-------"));
            key.writePublic(ota.trustedKey());
            byte[] payload = new byte[PAYLOAD_BYTES];
            new SecureRandom().nextBytes(payload);
            Integer tlv = fw.deviceType() == null ? null : fw.deviceType().tlv();
            String type = fw.deviceType() == null ? null : fw.deviceType().value();
            byte[] image = ImageFormat.named(fw.format()).rebuild(payload, new ImageFormat.Changes(
                    ImageVersion.parse(ota.factoryVersion()), ota.factorySecurityCounter(), tlv, type, false), key);
            Files.write(fw.image(), image);
        } catch (IOException | ImageException | RuntimeException e) {
            throw new BenchIoException("cannot make the virtual DUT's factory firmware in " + fw.image().getParent()
                    + ": " + e.getMessage(), e);
        }
    }
}
