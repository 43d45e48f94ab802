package dev.starbench.checks.comms;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.mqtt.Attempt;
import dev.starbench.bench.mqtt.Broker;
import dev.starbench.bench.mqtt.CloudEndpoint;
import dev.starbench.bench.mqtt.JsseTls;
import dev.starbench.bench.mqtt.SignedCommand;
import dev.starbench.bench.mqtt.Upstream;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.CheckId;
import dev.starbench.checks.NotApplicable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * EN 303 645 5.5-1 (integrity and replay): the bench, as the cloud, sends the DUT one signed command,
 * sees it obeyed on the status topic, then sends the very same bytes again. A DUT that acts again
 * can be driven by anyone who recorded its traffic once.
 *
 * <p>Command format (the bench's, documented in the README): a JSON line with {@code action},
 * {@code counter} and {@code nonce}, then a line with the Base64 ECDSA-SHA256 signature of the JSON
 * line by the lab CA's key. Status replies starting with {@code executed} mean the DUT acted.
 */
public class ReplayCheck {
    private static final String ID = "comms.replay";
    private static final String ACTED = "executed";

    @Test
    @CheckId(ID)
    public void replayedCommandsAreRefused(ITestContext testContext) throws BenchIoException, InterruptedException {
        CheckContext ctx = CheckContext.of(testContext);
        CloudProcedure cloud = CloudProcedure.open(ctx, true);
        var config = cloud.config;
        if (config.commandTopic() == null) {
            throw new NotApplicable("the profile declares no command topic (`network.cloud.command-topic`)");
        }
        Upstream broker = cloud.broker();
        BlockingQueue<Broker.Message> status = broker.subscribe(config.statusTopic());
        var tls = config.tls() ? new JsseTls("lab CA", cloud.goodLeaf()) : null;
        cloud.evidence.step("serve the DUT's cloud with a certificate it trusts; wait for its CONNECT");
        try (CloudEndpoint endpoint = cloud.listen(config.port(), tls, true)) {
            cloud.deviceRuns();
            Attempt a = cloud.awaitConnect(endpoint);
            if (a == null) {
                throw new BenchFault("the DUT did not connect to its cloud within " + cloud.attemptTimeout.toMillis()
                        + " ms (" + endpoint.attempts().size() + " attempts without a CONNECT): no command can be sent");
            }
            cloud.evidence.note(a.describe());
            // Its subscription follows its CONNECT; a first status message shows it is listening.
            status.poll(2, TimeUnit.SECONDS);
            status.clear();

            // The nonce comes from the run's seed; the counter is the clock (see SignedCommand).
            SignedCommand signed = SignedCommand.of("blink", new Random(ctx.seedFor(ID)), cloud.labCa);
            byte[] command = signed.bytes();
            cloud.evidence.step("publish a signed command on " + config.commandTopic() + ": "
                    + signed.firstLine() + " + signature");
            broker.publish(config.commandTopic(), command);
            String first = reply(status, cloud.attemptTimeout);
            cloud.evidence.note("status after the command: " + (first == null ? "(none)" : first));
            if (first == null || !first.startsWith(ACTED)) {
                throw new BenchFault("the DUT did not act on a fresh, validly signed command (status: "
                        + (first == null ? "none within " + cloud.attemptTimeout.toMillis() + " ms" : first)
                        + "): a refused replay would prove nothing");
            }
            cloud.evidence.step("replay the identical bytes on " + config.commandTopic());
            broker.publish(config.commandTopic(), command);
            String second = reply(status, cloud.attemptTimeout);
            cloud.evidence.note("status after the replay: " + (second == null ? "(none)" : second));
            boolean actedAgain = second != null && second.startsWith(ACTED);
            Boolean claimed = ctx.profile().network().replayProtection();
            if (!actedAgain) {
                cloud.evidence.finding("the DUT refused the replayed command"
                        + (second == null ? " (no reaction)" : " (" + second + ")"));
                return;
            }
            cloud.evidence.finding("the DUT acted again on a replayed command: " + second);
            if (!Boolean.TRUE.equals(claimed)) {
                throw new NotApplicable("informational: the DUT acts on replayed commands, and the profile"
                        + " makes no replay-protection claim (`network.replay-protection`)");
            }
            throw new AssertionError("the DUT acted on a replayed signed command although its maker claims"
                    + " replay protection (" + second + ")");
        }
    }

    private static String reply(BlockingQueue<Broker.Message> status, Duration timeout) throws InterruptedException {
        Broker.Message m = status.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return m == null ? null : new String(m.payload(), StandardCharsets.UTF_8);
    }
}
