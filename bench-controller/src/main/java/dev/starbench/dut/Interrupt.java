package dev.starbench.dut;

import dev.starbench.bench.BenchIoException;
import dev.starbench.config.DeviceProfile;
import dev.starbench.console.Console;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keys typed from power-on to stop an autoboot: round-robin on a timer, through the whole autoboot
 * window and past its countdown (U-Boot flushes what was typed before it), until the bootloader decides.
 * Never a bare Enter, which a bootloader prompt takes as "repeat the last command".
 */
public final class Interrupt {
    /** Single keys and keyed stop strings seen in shipped bootloaders. */
    public static final List<String> STANDARD_KEYS = List.of(" ", "\u0003", "\u001b", "s", "q", "stop", "tpl", "xyz");
    static final Duration INTERVAL = Duration.ofMillis(25);

    private final List<String> keys;
    private final AtomicInteger typed = new AtomicInteger();

    public Interrupt(List<String> keys) {
        if (keys.isEmpty() || keys.stream().anyMatch(k -> k.isEmpty() || k.strip().isEmpty() && !k.equals(" "))) {
            throw new IllegalArgumentException("interrupt keys must be keys, not empty or a bare Enter: " + keys);
        }
        this.keys = List.copyOf(keys);
    }

    /** The profile's declared stop strings first, then the standard keys. */
    public static Interrupt of(DeviceProfile profile) {
        List<String> keys = new ArrayList<>(profile.bootloader() == null ? List.of() : profile.bootloader().stopStrings());
        keys.addAll(STANDARD_KEYS);
        return new Interrupt(keys);
    }

    public List<String> keys() {
        return keys;
    }

    public Duration interval() {
        return INTERVAL;
    }

    /** How many keys were typed in the last boot that used these keys. */
    public int typed() {
        return typed.get();
    }

    Typer start(Console console) {
        typed.set(0);
        return new Typer(console);
    }

    /** Types on its own thread until closed; never blocks the expect that watches the boot. */
    final class Typer implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "interrupt-keys");
            t.setDaemon(true);
            return t;
        });
        private final AtomicReference<BenchIoException> failure = new AtomicReference<>();

        private Typer(Console console) {
            timer.scheduleAtFixedRate(() -> {
                try {
                    console.send(keys.get(typed.getAndIncrement() % keys.size()));
                } catch (BenchIoException e) {
                    failure.compareAndSet(null, e);
                    timer.shutdown();
                }
            }, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }

        void rethrow() throws BenchIoException {
            BenchIoException e = failure.get();
            if (e != null) {
                throw e;
            }
        }

        @Override
        public void close() {
            timer.shutdownNow();
            try {
                timer.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
