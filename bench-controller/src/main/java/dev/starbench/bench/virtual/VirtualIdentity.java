package dev.starbench.bench.virtual;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.net.LabCa;
import dev.starbench.bench.net.LabPki;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.SimulatedIdentity;
import dev.starbench.image.PrivateKeys;
import dev.starbench.vdut.contract.Flaw;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * The virtual unit's identity towards its cloud, provisioned as a factory would: the device CA the
 * maker declares (made on first use where the profile says), a key of the unit's own kept beside the
 * CA key in {@code units/UNIT-ID.key}, and a certificate over it issued for this run. A real unit comes
 * provisioned; the virtual one gets its key and certificate in the simulation.
 *
 * <p>The identity flaws are the factory's mistakes, so they are made here: {@code shared-device-key}
 * gives every unit the one key in {@code units/shared.key} (each still with its own certificate), and
 * {@code expired-device-cert} issues a certificate that expired a month before the run.
 */
public final class VirtualIdentity {
    static final String SHARED = "shared";

    private VirtualIdentity() {
    }

    /** The unit's key and certificate chain (its own certificate, then the device CA's); null without {@code simulation.identity}. */
    public static LabPki.Identity provision(DeviceProfile profile) throws BenchIoException {
        SimulatedIdentity unit = profile == null || profile.simulation() == null ? null : profile.simulation().identity();
        if (unit == null) {
            return null;
        }
        // The loader holds these together: simulation.identity needs the declared device CA's certificate.
        Path caCert = profile.network().cloud().deviceIdentity().caCert();
        LabCa.ensure(caCert, unit.caKey(), "StarBench virtual device CA");
        LabPki.Identity ca = LabPki.readCa(caCert, unit.caKey());
        boolean shared = profile.simulation().flaws().contains(Flaw.SHARED_DEVICE_KEY);
        PrivateKeyInfo key = unitKey(unit.caKey().resolveSibling("units").resolve((shared ? SHARED : unit.unitId()) + ".key"));
        SubjectPublicKeyInfo publicKey;
        try {
            publicKey = PrivateKeys.publicHalf(key);
        } catch (IOException e) {
            throw new BenchIoException("cannot derive the public key of unit " + unit.unitId() + ": " + e.getMessage(), e);
        }
        Instant now = Instant.now();
        boolean expired = profile.simulation().flaws().contains(Flaw.EXPIRED_DEVICE_CERT);
        Instant notBefore = expired ? now.minus(Duration.ofDays(395)) : now.minus(Duration.ofDays(1));
        Instant notAfter = expired ? now.minus(Duration.ofDays(30)) : now.plus(Duration.ofDays(3650));
        String model = profile.device().model() == null ? "unit" : profile.device().model();
        return LabPki.deviceCertificate(ca, model + " " + unit.unitId(), LabPki.privateKey(key), publicKey, notBefore, notAfter);
    }

    /** The unit's key from its file, made on first use: a unit keeps its key from run to run, as a device does. */
    private static PrivateKeyInfo unitKey(Path file) throws BenchIoException {
        if (!Files.exists(file)) {
            try {
                Files.createDirectories(file.getParent());
                LabPki.writePrivateKey(LabPki.keyPair().getPrivate(), file);
            } catch (IOException e) {
                throw new BenchIoException("cannot make the unit key " + file + ": " + e.getMessage(), e);
            }
        }
        return LabPki.readPrivateKey(file);
    }
}
