package dev.starbench.bench.net;

import dev.starbench.bench.BenchIoException;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

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
        if (cloud.caCert() == null || Files.exists(cloud.caCert()) || Files.exists(cloud.caKey())) {
            return;
        }
        try {
            Files.createDirectories(cloud.caCert().toAbsolutePath().getParent());
            Files.createDirectories(cloud.caKey().toAbsolutePath().getParent());
            LabPki.newCa("StarBench lab CA").writePem(cloud.caCert(), cloud.caKey());
            ownerOnly(cloud.caKey());
        } catch (IOException e) {
            throw new BenchIoException("cannot make the lab CA " + cloud.caCert() + ": " + e.getMessage(), e);
        }
    }

    private static void ownerOnly(Path key) throws IOException {
        try {
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // nothing finer to set on this file system
        }
    }
}
