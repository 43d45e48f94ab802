package dev.starbench.checks.comms;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.mqtt.Attempt;
import dev.starbench.bench.mqtt.JsseTls;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.CheckId;
import java.util.ArrayList;
import java.util.List;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * EN 303 645 5.5-1/5.5-7: the DUT authenticates its cloud. With the lab CA's certificate it must
 * connect (the control: else the bench cannot tell refusal from a dead link); then each rogue
 * certificate in turn, where a CONNECT means the DUT would talk to anyone in the middle.
 */
public class RogueCertificateCheck {
    @Test
    @CheckId("comms.rogue-certificate")
    public void rogueCertificatesAreRefused(ITestContext testContext) throws BenchIoException, InterruptedException {
        CheckContext ctx = CheckContext.of(testContext);
        CloudProcedure cloud = CloudProcedure.open(ctx, true);
        if (!cloud.config.tls()) {
            throw new AssertionError("the profile's cloud URL " + cloud.config.url() + " is plaintext: the DUT"
                    + " authenticates no server at all");
        }
        int port = cloud.config.port();
        Attempt control = cloud.phase("control (certificate from the lab CA the DUT trusts)",
                new JsseTls("lab CA, " + cloud.config.host(), cloud.goodLeaf()), port, true);
        if (control == null || control.connect() == null) {
            throw new BenchFault("the DUT did not connect with the certificate it should trust ("
                    + (control == null ? "no attempt" : control.describe()) + "): refusals of rogue"
                    + " certificates would prove nothing; check the profile's cloud URL and lab CA");
        }
        List<String> accepted = new ArrayList<>();
        List<String> unanswered = new ArrayList<>();
        for (CloudProcedure.Rogue rogue : cloud.rogues()) {
            Attempt a = cloud.phase(rogue.name() + " (" + rogue.description() + ")",
                    new JsseTls(rogue.name(), rogue.identity()), port, false);
            if (a == null) {
                unanswered.add(rogue.name());
            } else if (a.connect() != null) {
                accepted.add(rogue.name() + ": " + a.describe());
            }
        }
        if (!accepted.isEmpty()) {
            accepted.forEach(a -> ctx.evidence().finding("MQTT CONNECT over a rogue certificate, " + a));
            throw new AssertionError("the DUT sent MQTT CONNECT to a server with a rogue certificate: "
                    + String.join("; ", accepted));
        }
        if (!unanswered.isEmpty()) {
            throw new BenchFault("the DUT made no connection attempt during " + unanswered
                    + ": those certificates were never tried");
        }
        ctx.evidence().finding("the DUT connected with the lab CA's certificate and refused all four rogue"
                + " certificates (self-signed, untrusted CA, wrong host name, expired): no CONNECT arrived");
    }
}
