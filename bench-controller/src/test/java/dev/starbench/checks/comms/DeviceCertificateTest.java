package dev.starbench.checks.comms;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

import dev.starbench.bench.mqtt.Attempt;
import dev.starbench.bench.mqtt.CloudEndpoint;
import dev.starbench.bench.mqtt.JsseTls;
import dev.starbench.bench.net.LabPki;
import dev.starbench.config.DeviceIdentity;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * What comms.device-identity reads from a unit's certificate, on certificates Bouncy Castle makes: weak and
 * unlisted keys, validity, self-signing and the declared CA; and a real TLS handshake in which the bench's
 * endpoint takes a weak client certificate (and none) rather than losing it to the JDK's own checks.
 */
public class DeviceCertificateTest {
    private LabPki.Identity ca;
    private final Instant now = Instant.now();

    @BeforeClass
    public void setUp() throws Exception {
        ca = LabPki.newCa("StarBench test device CA");
    }

    private LabPki.Identity unit(KeyPair pair, Instant notBefore, Instant notAfter) throws Exception {
        return LabPki.deviceCertificate(ca, "VCAM-1 test", pair.getPrivate(),
                SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()), notBefore, notAfter);
    }

    private LabPki.Identity unit(KeyPair pair) throws Exception {
        return unit(pair, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
    }

    private static KeyPair pair(KeyPairGenerator g, Object spec) throws Exception {
        if (spec instanceof Integer bits) {
            g.initialize(bits);
        } else if (spec != null) {
            g.initialize((ECGenParameterSpec) spec);
        }
        return g.generateKeyPair();
    }

    private static DeviceCertificate read(LabPki.Identity id) throws Exception {
        return DeviceCertificate.of(List.of(id.chain()));
    }

    @Test
    public void weakAndUnlistedKeysAreNamed() throws Exception {
        DeviceCertificate rsa1024 = read(unit(pair(KeyPairGenerator.getInstance("RSA"), 1024)));
        assertEquals(rsa1024.key(), "RSA 1024 bits");
        assertTrue(rsa1024.keyProblem(DeviceIdentity.DEFAULT_CURVES).contains("RSA 1024 bits (at least 2048)"));
        assertNull(read(unit(pair(KeyPairGenerator.getInstance("RSA"), 2048))).keyProblem(DeviceIdentity.DEFAULT_CURVES));

        DeviceCertificate k1 = read(unit(pair(KeyPairGenerator.getInstance("EC", new BouncyCastleProvider()),
                new ECGenParameterSpec("secp256k1"))));
        assertEquals(k1.key(), "EC secp256k1 (256 bits)");
        assertTrue(k1.keyProblem(DeviceIdentity.DEFAULT_CURVES).contains("secp256k1, which is not among the curves"));
        assertNull(k1.keyProblem(List.of("P-256", "secp256k1")), "a curve the profile lists is allowed");

        DeviceCertificate p521 = read(unit(pair(KeyPairGenerator.getInstance("EC"), new ECGenParameterSpec("secp521r1"))));
        assertEquals(p521.curve(), "P-521");
        assertNotNull(p521.keyProblem(DeviceIdentity.DEFAULT_CURVES), "P-521 is off the default list");
        assertNull(read(unit(pair(KeyPairGenerator.getInstance("EC"), new ECGenParameterSpec("secp384r1"))))
                .keyProblem(DeviceIdentity.DEFAULT_CURVES));
        DeviceCertificate ed = read(unit(pair(KeyPairGenerator.getInstance("Ed25519"), null)));
        assertEquals(ed.key(), "Ed25519 (256 bits)");
        assertNull(ed.keyProblem(DeviceIdentity.DEFAULT_CURVES));
    }

    @Test
    public void validitySelfSigningAndTheDeclaredCa() throws Exception {
        KeyPair p256 = pair(KeyPairGenerator.getInstance("EC"), new ECGenParameterSpec("secp256r1"));
        DeviceCertificate good = read(unit(p256));
        assertNull(good.validityProblem(now));
        assertFalse(good.selfSigned());
        assertNull(good.chainProblem(ca.leaf(), now));
        X509Certificate otherCa = LabPki.newCa("another CA").leaf();
        assertTrue(good.chainProblem(otherCa, now).contains("not issued under the declared device CA"));

        DeviceCertificate expired = read(unit(p256, now.minus(Duration.ofDays(60)), now.minus(Duration.ofDays(2))));
        assertTrue(expired.validityProblem(now).startsWith("the certificate expired on "));
        assertNull(expired.chainProblem(ca.leaf(), now), "an expired certificate is reported once, as expired");
        DeviceCertificate early = read(unit(p256, now.plus(Duration.ofDays(2)), now.plus(Duration.ofDays(60))));
        assertTrue(early.validityProblem(now).startsWith("the certificate is not valid yet"));

        DeviceCertificate selfSigned = read(LabPki.leaf(null, "vcam-unit"));
        assertTrue(selfSigned.selfSigned());
        assertTrue(selfSigned.describe().contains("issuer itself (self-signed)"));
        assertEquals(good.deviceKey().keySha256(), good.keySha256());
        assertEquals(good.deviceKey().subject(), "CN=VCAM-1 test,O=StarBench virtual factory");
    }

    /** A real handshake: the bench asks for a client certificate and keeps whatever comes, weak or none. */
    @Test
    public void theCloudEndpointTakesWhateverClientCertificateComes() throws Exception {
        LabPki.Identity weak = unit(pair(KeyPairGenerator.getInstance("RSA"), 1024));
        try (CloudEndpoint endpoint = CloudEndpoint.start(InetAddress.getLoopbackAddress(), 0,
                new JsseTls("test", LabPki.leaf(null, "localhost"), true), null)) {
            handshake(endpoint.port(), weak.keyManagers());
            Attempt withCert = endpoint.awaitAttempt(Duration.ofSeconds(10));
            assertTrue(withCert.handshakeOk(), withCert.describe());
            assertEquals(withCert.clientChain().get(0), weak.leaf());
            assertTrue(DeviceCertificate.of(withCert.clientChain()).keyProblem(DeviceIdentity.DEFAULT_CURVES)
                    .contains("RSA 1024 bits"));
            assertTrue(withCert.describe().contains("client certificate CN=VCAM-1 test"), withCert.describe());

            handshake(endpoint.port(), null);
            Attempt without = endpoint.awaitAttempt(Duration.ofSeconds(10));
            assertTrue(without.handshakeOk(), without.describe());
            assertTrue(without.clientChain().isEmpty());
        }
    }

    private static void handshake(int port, KeyManager[] keys) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            s.startHandshake();
            // TLS 1.3 sends the client's certificate after the server's Finished: a byte of application data
            // makes sure the server has read it before the socket closes
            s.getOutputStream().write(0xe0);
            s.getOutputStream().flush();
        }
    }
}
