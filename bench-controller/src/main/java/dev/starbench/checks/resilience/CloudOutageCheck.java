package dev.starbench.checks.resilience;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.mqtt.Attempt;
import dev.starbench.bench.mqtt.Broker;
import dev.starbench.bench.mqtt.CloudEndpoint.Answer;
import dev.starbench.bench.mqtt.CloudEndpoint.Connection;
import dev.starbench.bench.mqtt.Upstream;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.CheckId;
import dev.starbench.checks.NotApplicable;
import dev.starbench.checks.userdata.DeviceCloud;
import dev.starbench.config.Lifecycle;
import dev.starbench.dut.Dut;
import dev.starbench.report.Measurement;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * EN 303 645 5.9-1/2/3: with the device connected to the bench's cloud, the cloud goes down, first
 * refusing every connection with a TCP reset, then black-holing it (taken, never answered), for the
 * profile's outage time; every connection attempt is recorded with its time. The waits between attempts
 * must grow (back-off), or never be shorter than {@code min-retry-interval-ms}, and no minute may see more
 * than {@code max-attempts-per-minute}. Then the cloud returns and the device must connect and be
 * subscribed again within {@code resume-ms}, without a power cycle.
 */
public class CloudOutageCheck {
    static final String ID = "resilience.cloud-outage";
    private static final Duration PROBE_EVERY = Duration.ofSeconds(1);

    @Test
    @CheckId(ID)
    public void theDeviceBacksOffAndResumes(ITestContext testContext) throws BenchIoException, InterruptedException {
        CheckContext ctx = CheckContext.of(testContext);
        Lifecycle lifecycle = ctx.profile().lifecycle();
        if (lifecycle == null || lifecycle.cloudOutage() == null) {
            throw new NotApplicable("the profile declares no cloud outage to test (lifecycle.cloud-outage)");
        }
        Lifecycle.CloudOutage outage = lifecycle.cloudOutage();
        try (DeviceCloud cloud = DeviceCloud.open(ctx, "a cloud outage")) {
            Duration connectWithin = Duration.ofMillis(cloud.config().attemptTimeoutMs());
            Upstream broker = cloud.broker();
            String commandTopic = cloud.config().commandTopic();
            BlockingQueue<Broker.Message> status = commandTopic == null ? null : broker.subscribe(cloud.config().statusTopic());
            ctx.evidence().step("serve the device's cloud (" + cloud.config().url() + ") and wait up to "
                    + connectWithin.toMillis() + " ms for its CONNECT");
            Instant start = Instant.now();
            ctx.dut().transition(Dut.State.LOGIN, ID + ": the device must run to connect to its cloud");
            Attempt before = cloud.awaitConnect(start, connectWithin);
            if (before == null) {
                throw new BenchFault("the device did not connect to the bench's cloud within " + connectWithin.toMillis()
                        + " ms: an outage of a cloud it never reached proves nothing");
            }
            ctx.evidence().note("connected before the outage: " + before.describe());
            Random random = new Random(ctx.seedFor(ID));
            if (status != null && subscribed(ctx, broker, commandTopic, status, random, connectWithin) == null) {
                ctx.evidence().note("the device answered nothing on " + cloud.config().statusTopic()
                        + " before the outage: its subscriptions cannot be judged after it, only its CONNECT");
                status = null;
            }

            long half = outage.outageMs() / 2;
            Instant down = Instant.now();
            ctx.evidence().step("the cloud goes down: every connection refused with a TCP reset for " + half + " ms");
            cloud.endpoint().answer(Answer.REFUSE);
            Thread.sleep(half);
            ctx.evidence().step("the cloud black-holes: every connection taken and never answered, for "
                    + (outage.outageMs() - half) + " ms");
            cloud.endpoint().answer(Answer.BLACK_HOLE);
            Thread.sleep(outage.outageMs() - half);
            Instant up = Instant.now();
            cloud.endpoint().answer(Answer.SERVE);
            ctx.evidence().step("the cloud is back (connections still held in the black hole are reset); the device has "
                    + outage.resumeMs() + " ms to connect and subscribe again");

            List<Connection> during = new ArrayList<>();
            for (Connection c : cloud.endpoint().connections()) {
                if (!c.at().isBefore(down) && c.at().isBefore(up)) {
                    during.add(c);
                }
            }
            Retries retries = Retries.of(during);
            record(ctx, retries, outage, down);
            Retries.Judgement retrying = retries.judge(outage.maxAttemptsPerMinute(), outage.minRetryIntervalMs(),
                    Duration.between(down, up));

            String resumed = resume(ctx, cloud, broker, commandTopic, status, random, up, Duration.ofMillis(outage.resumeMs()));
            List<String> failures = new ArrayList<>();
            if (retrying.fails()) {
                failures.add(retrying.finding());
            } else {
                ctx.evidence().finding(retrying.finding());
            }
            if (resumed != null) {
                failures.add(resumed);
            }
            if (!failures.isEmpty()) {
                failures.forEach(ctx.evidence()::finding);
                throw new AssertionError(String.join("; ", failures));
            }
        }
    }

    /** Every attempt as a step, each wait as a measurement for the plot, and the busiest minute against its limit. */
    private static void record(CheckContext ctx, Retries retries, Lifecycle.CloudOutage outage, Instant down) {
        for (Retries.Attempt a : retries.attempts()) {
            ctx.evidence().note(String.format("attempt at +%d ms: %s%s%s", Duration.between(down, a.at()).toMillis(),
                    a.answer() == Answer.REFUSE ? "refused (reset)" : a.answer() == Answer.BLACK_HOLE ? "black-holed" : "served",
                    a.ended() == null ? ", still held when the cloud returned"
                            : a.answer() == Answer.BLACK_HOLE ? ", the device gave up after " + Duration.between(a.at(), a.ended()).toMillis() + " ms" : "",
                    a.connections() > 1 ? " (" + a.connections() + " connections in a burst)" : ""));
        }
        ctx.evidence().measurement(Measurement.of("min-retry-interval", outage.minRetryIntervalMs(), "ms"));
        for (Retries.Gap g : retries.gaps()) {
            ctx.evidence().measurement(Measurement.of("retry-gap." + (g.answer() == Answer.REFUSE ? "refused" : "black-holed"),
                    g.ms(), "ms"));
        }
        ctx.evidence().measurement(Measurement.atMost("attempts-busiest-minute", retries.busiestMinute(), "1",
                outage.maxAttemptsPerMinute()));
    }

    /** Null when the device connected and answered on its subscriptions in time; else the finding. */
    private static String resume(CheckContext ctx, DeviceCloud cloud, Upstream broker, String commandTopic,
                                 BlockingQueue<Broker.Message> status, Random random, Instant up, Duration limit)
            throws InterruptedException, BenchIoException {
        Attempt back = cloud.awaitConnect(up, limit);
        if (back == null || Duration.between(up, back.at()).compareTo(limit) > 0) {
            return "the device did not connect again within " + limit.toMillis() + " ms of its cloud's return"
                    + " (it needs a power cycle to resume)";
        }
        long connectMs = Duration.between(up, back.at()).toMillis();
        ctx.evidence().note("connected again " + connectMs + " ms after the cloud's return: " + back.describe());
        ctx.evidence().measurement(Measurement.atMost("resume-connect-time", connectMs, "ms", limit.toMillis()));
        if (status == null) {
            return null;
        }
        Duration left = limit.minus(Duration.between(up, Instant.now()));
        String answer = subscribed(ctx, broker, commandTopic, status, random, left.isNegative() ? Duration.ZERO : left);
        if (answer == null) {
            return "the device connected again but did not subscribe to " + commandTopic + " within " + limit.toMillis()
                    + " ms of its cloud's return (no answer to the bench's probes)";
        }
        ctx.evidence().measurement(Measurement.atMost("resume-subscribed-time", Duration.between(up, Instant.now()).toMillis(),
                "ms", limit.toMillis()));
        return null;
    }

    /**
     * Whether the device listens on its command topic: the answer on its status topic to an unsigned probe
     * (refused, as it should be), sent each second until one comes; null when none did in time.
     */
    private static String subscribed(CheckContext ctx, Upstream broker, String commandTopic, BlockingQueue<Broker.Message> status,
                                     Random random, Duration within) throws InterruptedException, BenchIoException {
        status.clear();
        String probe = "starbench-probe " + Long.toHexString(random.nextLong());
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            broker.publish(commandTopic, probe.getBytes(StandardCharsets.UTF_8));
            long wait = Math.min(PROBE_EVERY.toNanos(), deadline - System.nanoTime());
            Broker.Message m = status.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
            if (m != null) {
                String text = new String(m.payload(), StandardCharsets.UTF_8);
                ctx.evidence().note("the device answered on " + m.topic() + ": " + text);
                return text;
            }
        }
        return null;
    }
}
