package dev.starbench.bench.gpio;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.linuxfs.provider.gpio.digital.LinuxFsDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import dev.starbench.bench.BenchIoException;
import dev.starbench.config.Fixture;
import java.util.ArrayList;
import java.util.List;

/**
 * The bench's GPIO outputs, on the provider the fixture names. Auto-detection is off on purpose: with
 * pi4j-plugin-mock on the classpath Pi4J's auto context would prefer the mock, and a Pi would then
 * switch nothing while reporting success.
 */
public final class GpioLines implements AutoCloseable {
    private final Context pi4j;
    private final String providerId;
    private final List<DigitalOutput> outputs = new ArrayList<>();

    private GpioLines(Context pi4j, String providerId) {
        this.pi4j = pi4j;
        this.providerId = providerId;
    }

    public static GpioLines open(Fixture.Gpio gpio) throws BenchIoException {
        try {
            var builder = Pi4J.newContextBuilder().noAutoDetect().disableShutdownHook();
            String id;
            switch (gpio.provider()) {
                case MOCK -> {
                    builder.add(MockDigitalOutputProvider.newInstance());
                    id = MockDigitalOutputProvider.ID;
                }
                case GPIOD -> {
                    builder.add(GpioDDigitalOutputProvider.newInstance());
                    id = GpioDDigitalOutputProvider.ID;
                }
                case LINUXFS -> {
                    builder.add(LinuxFsDigitalOutputProvider.newInstance());
                    id = LinuxFsDigitalOutputProvider.ID;
                }
                default -> throw new BenchIoException("unsupported GPIO provider " + gpio.provider());
            }
            return new GpioLines(builder.build(), id);
        } catch (RuntimeException e) {
            throw new BenchIoException("cannot open GPIO provider " + gpio.provider() + ": " + e.getMessage(), e);
        }
    }

    /** An output that starts, and is left by Pi4J's shutdown, at its inactive level. */
    public Line output(String name, int pin, boolean activeLow) throws BenchIoException {
        return output(name, pin, activeLow, false);
    }

    /** An output that starts inactive and is left by Pi4J's shutdown at the level asked for. */
    public Line output(String name, int pin, boolean activeLow, boolean activeAfterShutdown) throws BenchIoException {
        DigitalState inactive = activeLow ? DigitalState.HIGH : DigitalState.LOW;
        DigitalState active = activeLow ? DigitalState.LOW : DigitalState.HIGH;
        try {
            DigitalOutput out = pi4j.create(DigitalOutput.newConfigBuilder(pi4j)
                    .id(name)
                    .name(name)
                    .address(pin)
                    .initial(inactive)
                    .shutdown(activeAfterShutdown ? active : inactive)
                    .provider(providerId)
                    .build());
            outputs.add(out);
            return new Line(name, pin, activeLow, out);
        } catch (RuntimeException e) {
            throw new BenchIoException("cannot claim GPIO " + pin + " for " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        pi4j.shutdown();
    }

    /** One output line with its polarity; "active" means relay energised or button pressed. */
    public static final class Line {
        private final String name;
        private final int pin;
        private final boolean activeLow;
        private final DigitalOutput out;

        Line(String name, int pin, boolean activeLow, DigitalOutput out) {
            this.name = name;
            this.pin = pin;
            this.activeLow = activeLow;
            this.out = out;
        }

        public void set(boolean active) throws BenchIoException {
            try {
                out.state(active ^ activeLow ? DigitalState.HIGH : DigitalState.LOW);
            } catch (RuntimeException e) {
                throw new BenchIoException("GPIO " + pin + " (" + name + ") did not switch: " + e.getMessage(), e);
            }
        }

        public boolean isActive() {
            return out.state().isHigh() ^ activeLow;
        }

        public String name() {
            return name;
        }

        public int pin() {
            return pin;
        }

        public boolean activeLow() {
            return activeLow;
        }

        public boolean isHigh() {
            return out.state().isHigh();
        }

        /** Reports every level change as (pin, high); the virtual fixture forwards these to the DUT. */
        public void onLevelChange(LevelListener listener) {
            out.addListener(event -> listener.levelChanged(pin, event.state().isHigh()));
        }
    }

    @FunctionalInterface
    public interface LevelListener {
        void levelChanged(int pin, boolean high);
    }
}
