package dev.starbench.bench.gpio;

import dev.starbench.bench.BenchIoException;
import java.time.Duration;

/** A GPIO line wired across one of the DUT's buttons (reset, factory reset, boot strap). */
public final class ButtonLine {
    private final GpioLines.Line line;

    public ButtonLine(GpioLines.Line line) {
        this.line = line;
    }

    public String name() {
        return line.name();
    }

    /** Holds the button down until {@link #release()}: a strap the device reads at power-on. */
    public void hold() throws BenchIoException {
        line.set(true);
    }

    public void release() throws BenchIoException {
        line.set(false);
    }

    /** Presses for {@code hold}, then releases; the release happens even if the wait is interrupted. */
    public void press(Duration hold) throws BenchIoException {
        line.set(true);
        try {
            Thread.sleep(hold.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted while holding " + line.name(), e);
        } finally {
            line.set(false);
        }
    }
}
