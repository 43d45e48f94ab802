package dev.starbench.bench.net;

import dev.starbench.bench.BenchIoException;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The lab CA a profile names for its cloud. On a real bench the maker provisions the DUT with it; for
 * the virtual DUT (and a first try of a new bench) the bench makes one on first use where the profile
 * says, so the shipped profiles work on a fresh machine without a key committed to git.
 */
public final class LabCa {
    private LabCa() {
    }

    /** Makes the profile's lab CA if neither of its files exists yet; leaves an existing or half-present pair alone. */
    public static void ensure(DeviceProfile profile) throws BenchIoException {
        if (profile == null || profile.network() == null || profile.network().cloud() == null) {
            return;
        }
        Network.Cloud cloud = profile.network().cloud();
        if (cloud.caCert() != null) {
            ensure(cloud.caCert(), cloud.caKey(), "StarBench lab CA");
        }
    }

    /** Makes a CA named {@code commonName} if neither of its files exists yet. */
    public static void ensure(Path cert, Path key, String commonName) throws BenchIoException {
        if (Files.exists(cert) || Files.exists(key)) {
            return;
        }
        try {
            Files.createDirectories(cert.toAbsolutePath().getParent());
            Files.createDirectories(key.toAbsolutePath().getParent());
            LabPki.newCa(commonName).writePem(cert, key);
            LabPki.ownerOnly(key);
        } catch (IOException e) {
            throw new BenchIoException("cannot make the CA " + cert + ": " + e.getMessage(), e);
        }
    }
}
