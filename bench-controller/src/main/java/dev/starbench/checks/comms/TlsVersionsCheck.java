package dev.starbench.checks.comms;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.mqtt.Attempt;
import dev.starbench.bench.mqtt.JsseTls;
import dev.starbench.bench.mqtt.LegacyTls;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.CheckId;
import java.util.ArrayList;
import java.util.List;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * EN 303 645 5.5-1: no obsolete protocol versions or weak suites. The bench offers only TLS 1.0/1.1,
 * then only TLS 1.2 with NULL/3DES suites, each with a certificate the DUT trusts; a completed
 * handshake is the finding, whatever follows it.
 */
public class TlsVersionsCheck {
    @Test
    @CheckId("comms.tls-versions")
    public void oldVersionsAndWeakSuitesAreRefused(ITestContext testContext) throws BenchIoException, InterruptedException {
        CheckContext ctx = CheckContext.of(testContext);
        CloudProcedure cloud = CloudProcedure.open(ctx, true);
        if (!cloud.config.tls()) {
            throw new AssertionError("the profile's cloud URL " + cloud.config.url() + " is plaintext: no TLS at all");
        }
        int port = cloud.config.port();
        var good = cloud.goodLeaf();
        Attempt control = cloud.phase("control (TLS 1.2/1.3, lab CA certificate)", new JsseTls("lab CA", good), port, true);
        if (control == null || !control.handshakeOk()) {
            throw new BenchFault("the DUT did not complete a handshake with the bench's normal TLS ("
                    + (control == null ? "no attempt" : control.describe()) + "): refusing old versions would prove nothing");
        }
        List<String> agreed = new ArrayList<>();
        for (LegacyTls.Offer offer : List.of(LegacyTls.OLD_VERSIONS, LegacyTls.WEAK_SUITES)) {
            Attempt a = cloud.phase(offer.name(), new LegacyTls(offer, good), port, false);
            if (a == null) {
                throw new BenchFault("the DUT made no connection attempt while the bench offered " + offer.name());
            }
            if (a.handshakeOk()) {
                agreed.add(offer.name() + ": negotiated " + a.version() + " " + a.suite()
                        + (a.connect() == null ? "" : ", then MQTT CONNECT " + a.connect().describe()));
            }
        }
        if (!agreed.isEmpty()) {
            agreed.forEach(a -> ctx.evidence().finding("handshake completed with " + a));
            throw new AssertionError("the DUT accepts obsolete TLS: " + String.join("; ", agreed));
        }
        ctx.evidence().finding("the DUT negotiated " + control.version() + " " + control.suite()
                + " normally and refused TLS 1.0/1.1 and NULL/3DES suites");
    }
}
