package dev.starbench.checks.comms;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.mqtt.Attempt;
import dev.starbench.bench.mqtt.CloudEndpoint;
import dev.starbench.bench.mqtt.JsseTls;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.CheckId;
import java.util.List;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * EN 303 645 5.5-1: the DUT never sends MQTT in plaintext. First the bench offers both its TLS port
 * (with a certificate the DUT trusts) and the plaintext fall-back port; then it refuses the TLS port
 * and watches whether the DUT falls back.
 */
public class TlsEnforcedCheck {
    @Test
    @CheckId("comms.tls-enforced")
    public void mqttNeverTravelsInPlaintext(ITestContext testContext) throws BenchIoException, InterruptedException {
        CheckContext ctx = CheckContext.of(testContext);
        CloudProcedure cloud = CloudProcedure.open(ctx, false);
        var config = cloud.config;
        if (!config.tls()) {
            throw new AssertionError("the profile's cloud URL " + config.url() + " is plaintext MQTT: the DUT"
                    + " is configured to send its MQTT traffic, credentials included, unencrypted");
        }
        if (cloud.labCa == null) {
            ctx.evidence().note("the profile names no lab CA: the TLS port offers a self-signed certificate,"
                    + " so only the plaintext side can be judged");
        }
        var good = cloud.labCa == null ? cloud.rogues().get(0).identity() : cloud.goodLeaf();
        List<Attempt> first;
        ctx.evidence().step("phase 1: TLS on " + config.port() + " and plaintext on " + config.fallbackPort()
                + "; wait for the DUT's first MQTT CONNECT");
        try (CloudEndpoint tls = cloud.listen(config.port(), new JsseTls("lab CA", good), true);
             CloudEndpoint plain = cloud.listen(config.fallbackPort(), null, false)) {
            cloud.deviceRuns();
            first = cloud.watch("phase 1", List.of(tls, plain), cloud.attemptTimeout, true);
        }
        Attempt plainConnect = firstPlainConnect(first);
        if (plainConnect != null) {
            ctx.evidence().finding("the DUT sent its MQTT CONNECT in plaintext while TLS was available: "
                    + plainConnect.describe());
            throw new AssertionError("MQTT CONNECT in plaintext on port " + config.fallbackPort() + " ("
                    + plainConnect.connect().describe() + ")");
        }
        if (first.stream().noneMatch(a -> a.connect() != null)) {
            throw new BenchFault("the DUT sent no MQTT CONNECT within " + cloud.attemptTimeout.toMillis()
                    + " ms on either port (" + first.size() + " connection attempts): it cannot be judged"
                    + " without connecting at all");
        }
        ctx.evidence().step("phase 2: port " + config.port() + " refused, plaintext on " + config.fallbackPort()
                + " open; watch for a fall-back for " + cloud.attemptTimeout.toMillis() + " ms");
        List<Attempt> second;
        try (CloudEndpoint plain = cloud.listen(config.fallbackPort(), null, false)) {
            second = cloud.watch("phase 2", List.of(plain), cloud.attemptTimeout, true);
        }
        Attempt fallback = firstPlainConnect(second);
        if (fallback != null) {
            ctx.evidence().finding("with its TLS port refused, the DUT fell back to plaintext MQTT: " + fallback.describe());
            throw new AssertionError("falls back to plaintext MQTT when TLS is refused ("
                    + fallback.connect().describe() + ")");
        }
        ctx.evidence().finding("the DUT connected over TLS only, and with TLS refused it sent nothing in plaintext"
                + " (" + second.size() + " plaintext connection attempts, none with MQTT)");
    }

    private static Attempt firstPlainConnect(List<Attempt> attempts) {
        return attempts.stream().filter(a -> !a.tls() && a.connect() != null).findFirst().orElse(null);
    }
}
