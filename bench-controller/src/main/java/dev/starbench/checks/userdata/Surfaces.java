package dev.starbench.checks.userdata;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.mqtt.Broker;
import dev.starbench.bench.mqtt.Upstream;
import dev.starbench.bench.net.HttpPage;
import dev.starbench.checks.BenchFault;
import dev.starbench.config.Lifecycle;
import dev.starbench.config.Lifecycle.Access;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes a value to the device and reads it back through the ways the profile declares: a shell command
 * at the console, a message through the bench's cloud, or the device's web page. A read returns what the
 * device answered, to be searched for the value; a read that gets no answer at all is a bench fault,
 * never a sign that the value is gone.
 */
public final class Surfaces {
    private static final long REPUBLISH_MS = 1000;
    private static final long RETRY_READ_MS = 300;

    private final ConsoleShell shell;
    private final DeviceCloud cloud;
    private final HttpPage http;
    private final Duration timeout;

    /**
     * @param shell   at a shell whenever a console access runs (the caller gets it there)
     * @param cloud   the bench's cloud, up for the device; null when no access goes through it
     * @param timeout how long one answer may take (a read over the cloud: until the device is connected and answers)
     */
    public Surfaces(ConsoleShell shell, DeviceCloud cloud, Duration timeout) {
        this.shell = shell;
        this.cloud = cloud;
        this.http = new HttpPage(timeout);
        this.timeout = timeout;
    }

    /** Writes the value; returns what the device said to it, for the evidence. */
    public String write(Access a, String value) throws BenchIoException {
        if (a.console() != null) {
            String out = shell.run(a.console().replace(Lifecycle.VALUE, value)).strip();
            return out.isEmpty() ? "(no output)" : out;
        }
        if (a.mqtt() != null) {
            byte[] payload = a.mqtt().payload().replace(Lifecycle.VALUE, value).getBytes(StandardCharsets.UTF_8);
            boolean sent;
            try {
                sent = cloud.publishToDevice(a.mqtt().topic(), payload, timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchIoException("interrupted while waiting for the device to subscribe to " + a.mqtt().topic(), e);
            }
            if (!sent) {
                throw new BenchFault("no client subscribed to " + a.mqtt().topic() + " within " + timeout.toMillis()
                        + " ms: the device is not listening on its cloud connection, so nothing can be written there");
            }
            return "published on " + a.mqtt().topic();
        }
        Map<String, String> form = new LinkedHashMap<>();
        a.http().form().forEach((k, v) -> form.put(k, v.replace(Lifecycle.VALUE, value)));
        HttpPage.Answer answer = http.post(a.http().url(), form);
        return "HTTP " + answer.status();
    }

    /**
     * What the device answers to the read once it shows the value, or its last answer when it does not
     * within the timeout. A console command has taken effect when its prompt returns; a message or a form
     * may be applied a moment after it was taken, so those reads are repeated.
     */
    public String readShowing(Access a, String value) throws BenchIoException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String answer = read(a);
            if (answer.contains(value) || a.console() != null || System.nanoTime() > deadline) {
                return answer;
            }
            try {
                Thread.sleep(RETRY_READ_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchIoException("interrupted while reading " + a.describe(), e);
            }
        }
    }

    /** What the device answers to the read. */
    public String read(Access a) throws BenchIoException {
        if (a.console() != null) {
            return shell.run(a.console());
        }
        if (a.mqtt() != null) {
            return readOverCloud(a.mqtt());
        }
        HttpPage.Answer answer = http.get(a.http().url());
        if (answer.status() / 100 != 2) {
            throw new BenchFault("GET " + a.http().url() + " answered HTTP " + answer.status() + ": the page cannot be read");
        }
        return answer.body();
    }

    /** Publishes the request until an answer comes (the device may still be connecting), up to the timeout. */
    private String readOverCloud(Lifecycle.Mqtt m) throws BenchIoException {
        Upstream broker = cloud.broker();
        BlockingQueue<Broker.Message> answers = broker.subscribe(m.answerTopic());
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                broker.publish(m.topic(), m.payload().getBytes(StandardCharsets.UTF_8));
                long wait = Math.min(REPUBLISH_MS, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                Broker.Message answer = answers.poll(Math.max(1, wait), TimeUnit.MILLISECONDS);
                if (answer != null) {
                    return new String(answer.payload(), StandardCharsets.UTF_8);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted while waiting for an answer on " + m.answerTopic(), e);
        }
        throw new BenchFault("no answer on " + m.answerTopic() + " within " + timeout.toMillis() + " ms to " + m.topic()
                + ": the device is not connected to the bench's cloud, or does not answer there");
    }
}
