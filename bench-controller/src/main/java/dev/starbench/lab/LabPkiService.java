package dev.starbench.lab;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.net.LabPki;
import dev.starbench.config.Network;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/**
 * The lab CA the profile names (the one the DUT's test firmware trusts), read once per run, and the
 * server certificates it signs, one per host name, made once and reused by every check.
 */
public final class LabPkiService implements LabService {
    private final Network.Cloud cloud;
    private LabPki.Identity ca;
    private final Map<String, LabPki.Identity> leaves = new HashMap<>();

    LabPkiService(Network.Cloud cloud) {
        this.cloud = cloud;
    }

    @Override
    public String name() {
        return "lab-pki";
    }

    /** Whether the profile names a lab CA at all. */
    public boolean hasLabCa() {
        return cloud != null && cloud.caCert() != null;
    }

    /** The profile's lab CA; null when it names none. */
    public synchronized LabPki.Identity labCa() throws BenchIoException {
        if (ca == null && hasLabCa()) {
            if (!Files.isReadable(cloud.caCert()) || !Files.isReadable(cloud.caKey())) {
                throw new BenchIoException("cannot read the lab CA named by the profile: " + cloud.caCert() + " / " + cloud.caKey());
            }
            ca = LabPki.readCa(cloud.caCert(), cloud.caKey());
        }
        return ca;
    }

    /** A certificate for the host signed by the lab CA: what the DUT should accept from its cloud. */
    public synchronized LabPki.Identity leaf(String host) throws BenchIoException {
        LabPki.Identity leaf = leaves.get(host);
        if (leaf == null) {
            LabPki.Identity issuer = labCa();
            if (issuer == null) {
                throw new BenchIoException("the profile names no lab CA to sign a certificate for " + host);
            }
            leaf = LabPki.leaf(issuer, host);
            leaves.put(host, leaf);
        }
        return leaf;
    }

    /** Nothing to release: keys and certificates live in memory only. */
    @Override
    public void close() {
    }
}
