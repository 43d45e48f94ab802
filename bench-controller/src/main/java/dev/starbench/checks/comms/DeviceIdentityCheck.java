package dev.starbench.checks.comms;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.mqtt.Attempt;
import dev.starbench.bench.mqtt.JsseTls;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.CheckId;
import dev.starbench.checks.Evidence;
import dev.starbench.checks.NotApplicable;
import dev.starbench.config.DeviceIdentity;
import dev.starbench.config.Firmware;
import dev.starbench.console.Console;
import dev.starbench.dut.Boot;
import dev.starbench.image.PrivateKeys;
import dev.starbench.report.DeviceKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * EN 303 645 5.4-3 and 5.5-1, JC-STAR S1.1-01/S1.1-11: the device proves to its cloud who it is with a
 * certificate and key of its own, not a secret every unit shares. The bench, as the cloud, asks for a
 * client certificate (naming no issuer, taking whatever comes), records it, and judges: a certificate at
 * all (or a per-unit token the maker declares), valid now, not self-signed unless declared so, a strong
 * key, issued under the declared device CA, its private key nowhere an attacker reads (the boot log and
 * console, the firmware images the profile supplies), and its key unlike other units' ({@code --other-unit}).
 */
public class DeviceIdentityCheck {
    static final String ID = DeviceKey.CHECK;
    /** The limit the loader holds profile images to; a larger file is not what the profile named. */
    private static final long MAX_IMAGE = 64L * 1024 * 1024;

    @Test
    @CheckId(ID)
    public void deviceProvesItsOwnIdentity(ITestContext testContext) throws BenchIoException, InterruptedException {
        CheckContext ctx = CheckContext.of(testContext);
        CloudProcedure cloud = CloudProcedure.open(ctx, true);
        Evidence evidence = ctx.evidence();
        DeviceIdentity declared = cloud.config.deviceIdentity();
        if (!cloud.config.tls()) {
            throw new AssertionError("the profile's cloud URL " + cloud.config.url() + " is plaintext MQTT: no TLS, so no"
                    + " client certificate; the device can identify itself only by what it sends in the clear");
        }
        Attempt a = cloud.phase("the device's identity (certificate from the lab CA the device trusts; a client"
                        + " certificate requested, any issuer taken)",
                new JsseTls("lab CA, " + cloud.config.host(), cloud.goodLeaf(), true), cloud.config.port(), true);
        if (a == null || !a.handshakeOk()) {
            throw new BenchFault("the device completed no TLS handshake with the certificate it should trust ("
                    + (a == null ? "no attempt" : a.describe()) + "): what it identifies itself with was never seen;"
                    + " check the profile's cloud URL and lab CA");
        }
        if (a.clientChain().isEmpty()) {
            withoutCertificate(ctx, declared, a);
            return;
        }
        DeviceCertificate cert;
        try {
            cert = DeviceCertificate.of(a.clientChain());
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("the device presented a client certificate whose key cannot be read ("
                    + e.getMessage() + "): " + a.clientChain().get(0).getSubjectX500Principal().getName());
        }
        evidence.note("the device's certificate: " + cert.describe());
        evidence.deviceKey(cert.deviceKey());

        List<String> failures = new ArrayList<>();
        Consumer<String> fail = finding -> {
            evidence.finding(finding);
            failures.add(finding);
        };
        List<String> allowed = declared == null ? DeviceIdentity.DEFAULT_CURVES : declared.curves();
        Instant now = Instant.now();
        judge(cert.validityProblem(now), fail);
        judge(cert.keyProblem(allowed), fail);
        boolean selfSigned = cert.selfSigned();
        boolean selfSignedDeclared = declared != null && declared.selfSigned();
        X509Certificate ca = declared == null || declared.caCert() == null ? null : readCa(declared.caCert());
        if (selfSigned && !selfSignedDeclared) {
            fail.accept("the certificate is self-signed, and the profile does not declare self-signed unit certificates"
                    + " (`self-signed: true`): anyone can make one with the same subject");
        } else if (!selfSigned && ca != null) {
            judge(cert.chainProblem(ca, now), fail);
        }
        exposure(ctx, cert, fail);
        otherUnits(ctx, cert, fail);

        if (!failures.isEmpty()) {
            throw new AssertionError(String.join("; ", failures));
        }
        String under = selfSigned ? "self-signed, as the profile declares" : ca == null ? null
                : "issued under the declared device CA " + ca.getSubjectX500Principal().getName();
        if (under == null) {
            throw new NotApplicable("the profile declares no device CA (`network.cloud.device-identity.ca-cert`), so whether"
                    + " the certificate is the maker's cannot be judged; it is valid, its key is strong and was not found"
                    + " exposed (the evidence names it: " + cert.subject() + ")");
        }
        evidence.finding("the device presents a certificate of its own, " + under + ": " + cert.subject() + ", serial "
                + cert.serial() + ", valid until " + cert.leaf().getNotAfter().toInstant() + ", " + cert.key()
                + "; its private key is in none of the places searched"
                + (ctx.otherUnits().isEmpty() ? "" : "; its public key differs from the " + ctx.otherUnits().size()
                + " other unit(s) given"));
    }

    private static void judge(String problem, Consumer<String> fail) {
        if (problem != null) {
            fail.accept(problem);
        }
    }

    /** No client certificate: only a token the maker declares per unit can tell this unit from the next. */
    private static void withoutCertificate(CheckContext ctx, DeviceIdentity declared, Attempt a) {
        if (a.connect() == null) {
            throw new BenchFault("the device presented no client certificate and sent no MQTT CONNECT ("
                    + a.describe() + "): how it identifies itself was not seen");
        }
        String connect = a.connect().describe();
        if (!a.connect().passwordSent() && a.connect().user() == null) {
            throw new AssertionError("the device presented no client certificate and sent no credential at all ("
                    + connect + "): the cloud cannot tell it from any other client");
        }
        if (declared != null && declared.perUnitToken() && a.connect().passwordSent()) {
            ctx.evidence().finding("the device presented no client certificate; it authenticates with the MQTT password,"
                    + " which the maker declares a token of this unit alone (`per-unit-token: true`); the bench never keeps"
                    + " a password, so that the token differs between units rests on the declaration (" + connect + ")");
            return;
        }
        String by = a.connect().passwordSent() ? "user name and password" : "user name alone";
        throw new AssertionError("the device presented no client certificate and authenticates only by " + by + " ("
                + connect + "), which the profile does not declare a per-unit token: whoever learns them from one"
                + " unit is that unit, or every unit, to the cloud");
    }

    private static X509Certificate readCa(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new BenchFault("cannot read the declared device CA " + file + ": " + e.getMessage());
        }
    }

    /**
     * Looks for the certificate's private key where an attacker reads: what the console printed (the boot
     * log included, when the console still holds it) and the firmware images the profile supplies. A key
     * found is named by where it lies and its public key's hash, never shown.
     */
    private static void exposure(CheckContext ctx, DeviceCertificate cert, Consumer<String> fail) {
        Evidence evidence = ctx.evidence();
        List<String> searched = new ArrayList<>();
        if (ctx.profile().console() != null) {
            Console console = ctx.dut().console();
            String held = console.textSince(0);
            long start = console.position() - held.length();
            Boot boot = ctx.dut().boot();
            if (boot == null) {
                evidence.note("the bench watched no boot of the running device from power-on: only the console output"
                        + " it holds is searched");
            } else if (boot.log(console) == null) {
                evidence.note("the log of the boot the device runs from is no longer held whole (the console keeps its"
                        + " newest 1 MiB): the part still held is searched");
            }
            searched.add("the console output the run holds (" + held.length() + " chars"
                    + (boot != null && boot.log(console) != null ? ", the boot log included" : "") + ")");
            for (PrivateKeys.Found f : PrivateKeys.in(held.getBytes(StandardCharsets.ISO_8859_1))) {
                long at = start + f.offset();
                String where = boot != null && at >= boot.powerOnAt() && at < boot.settledAt()
                        ? "the boot log (the boot for \"" + boot.cause() + "\")" : "the console";
                report(cert, f, where + " at stream position " + at, evidence, fail);
            }
        }
        Firmware fw = ctx.profile().firmware();
        if (fw != null) {
            for (Path image : Arrays.asList(fw.image(), fw.newerImage(), fw.olderImage())) {
                if (image == null) {
                    continue;
                }
                byte[] bytes = readImage(image, evidence);
                if (bytes != null) {
                    searched.add("the firmware image " + image + " (" + bytes.length + " bytes)");
                    for (PrivateKeys.Found f : PrivateKeys.in(bytes)) {
                        report(cert, f, "the firmware image " + image + " at byte " + f.offset(), evidence, fail);
                    }
                }
            }
        }
        evidence.step("searched for the certificate's private key (PEM, and DER as PKCS#8, SEC 1 and PKCS#1): "
                + (searched.isEmpty() ? "nothing to search (no console, no firmware image in the profile)"
                : String.join("; ", searched)));
    }

    private static byte[] readImage(Path image, Evidence evidence) {
        try {
            if (!Files.isRegularFile(image) || Files.size(image) > MAX_IMAGE) {
                evidence.note("the firmware image " + image + " is not a readable file within " + MAX_IMAGE
                        + " bytes: not searched");
                return null;
            }
            return Files.readAllBytes(image);
        } catch (IOException e) {
            evidence.note("the firmware image " + image + " cannot be read (" + e.getMessage() + "): not searched");
            return null;
        }
    }

    private static void report(DeviceCertificate cert, PrivateKeys.Found f, String where, Evidence evidence,
                               Consumer<String> fail) {
        if (cert.keySha256().equals(f.publicKeySha256())) {
            fail.accept("the certificate's private key lies in " + where + " (" + f.form() + "; the SHA-256 of its public"
                    + " key, " + f.publicKeySha256() + ", is the certificate's): whoever reads it is this unit to the cloud");
        } else {
            evidence.note("a private key that is not the certificate's lies in " + where + ": " + f.form()
                    + (f.publicKeySha256() == null ? "" : ", public key SHA-256 " + f.publicKeySha256()));
        }
    }

    /** Units of one model must not share a key: a key on two units is a key the maker copied. */
    private static void otherUnits(CheckContext ctx, DeviceCertificate cert, Consumer<String> fail) {
        if (ctx.otherUnits().isEmpty()) {
            ctx.evidence().note("no other unit given (`--other-unit`): whether this key is this unit's alone is not"
                    + " compared in this run; `starbench history` shows units of a model that share a key");
            return;
        }
        for (DeviceKey.OtherUnit other : ctx.otherUnits()) {
            if (other.key().keySha256().equals(cert.keySha256())) {
                boolean sameSubject = Objects.equals(other.key().subject(), cert.subject());
                fail.accept("the same public key as " + other.describe() + (sameSubject
                        ? " (the same certificate subject too: a cloned certificate, or that run tested this very unit)"
                        : "") + ": the units share their private key");
            } else {
                ctx.evidence().note("the public key differs from " + other.describe());
            }
        }
    }
}
