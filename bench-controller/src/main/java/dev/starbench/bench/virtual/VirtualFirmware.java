package dev.starbench.bench.virtual;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.net.LabPki;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Firmware;
import dev.starbench.config.SimulatedOta;
import dev.starbench.image.ImageException;
import dev.starbench.image.ImageFormat;
import dev.starbench.image.ImageVersion;
import dev.starbench.image.SigningKey;
import dev.starbench.vdut.contract.Flaw;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
    /** Where device-key-in-image leaves the unit's key, as DER and as PEM. */
    private static final int KEY_BLOB_AT = 0x4000;
    private static final int KEY_PEM_AT = 0x9000;

    private VirtualFirmware() {
    }

    /**
     * Makes the key pair and the signed factory image if none of their files exists yet. With
     * {@code device-key-in-image} the maker's build put the unit's private key into the image (as PKCS#8
     * DER in one place and as PEM in another, as a key blob and a config file would carry it).
     *
     * @param unit the unit's cloud identity (VirtualIdentity); null when it has none
     */
    public static void ensure(DeviceProfile profile, LabPki.Identity unit) throws BenchIoException {
        Firmware fw = profile == null ? null : profile.firmware();
        SimulatedOta ota = profile == null || profile.simulation() == null ? null : profile.simulation().ota();
        if (fw == null || ota == null || fw.signingKey() == null) {
            return;
        }
        byte[] unitKey = unit != null && profile.simulation().flaws().contains(Flaw.DEVICE_KEY_IN_IMAGE)
                ? unit.key().getEncoded() : null;
        if (Files.exists(fw.signingKey()) || Files.exists(fw.image()) || Files.exists(ota.trustedKey())) {
            if (unitKey != null) {
                requireKeyIn(fw.image(), unitKey);
            }
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
            if (unitKey != null) {
                byte[] pem = unit.keyPem().getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(unitKey, 0, payload, KEY_BLOB_AT, unitKey.length);
                System.arraycopy(pem, 0, payload, KEY_PEM_AT, pem.length);
            }
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

    /**
     * An image made earlier without this unit's key cannot act out device-key-in-image; saying so beats a
     * check that PASSes a device whose flaw was never there.
     */
    private static void requireKeyIn(Path image, byte[] key) throws BenchIoException {
        try {
            if (indexOf(Files.readAllBytes(image), key) < 0) {
                throw new BenchIoException("device-key-in-image: " + image + " was made without this unit's key;"
                        + " give the profile a firmware directory of its own (the bench makes image, signing key and"
                        + " trusted key there when none of them exists)");
            }
        } catch (IOException e) {
            throw new BenchIoException("cannot read " + image + ": " + e.getMessage(), e);
        }
    }

    private static int indexOf(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= data.length; i++) {
            for (int k = 0; k < part.length; k++) {
                if (data[i + k] != part[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
