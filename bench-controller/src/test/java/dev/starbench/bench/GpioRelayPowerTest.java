package dev.starbench.bench;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import dev.starbench.bench.gpio.GpioLines;
import dev.starbench.bench.gpio.GpioRelayPower;
import dev.starbench.bench.power.PowerState;
import dev.starbench.config.Fixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.testng.annotations.Test;

/** The gpio-relay driver on Pi4J's mock provider: the same code that drives a relay on a Pi. */
public class GpioRelayPowerTest {

    @Test
    public void anActiveLowRelayIsEnergisedByALowLineAndStartsOff() throws Exception {
        try (GpioLines gpio = GpioLines.open(new Fixture.Gpio(Fixture.Provider.MOCK, null))) {
            GpioLines.Line line = gpio.output("power", 17, true);
            List<String> levels = new CopyOnWriteArrayList<>();
            line.onLevelChange((pin, high) -> levels.add(pin + "=" + (high ? 1 : 0)));
            GpioRelayPower power = new GpioRelayPower(line, Duration.ofMillis(5));

            assertFalse(power.isOn());
            assertTrue(line.isHigh(), "an active-low relay starts with its line high (off)");
            power.on();
            assertTrue(power.isOn());
            power.cycle();
            power.off();
            assertEquals(levels, List.of("17=0", "17=1", "17=0", "17=1"));
        }
    }

    @Test
    public void theStateIsTheLineReadBackAndSaysItIsOnlyCommanded() throws Exception {
        try (GpioLines gpio = GpioLines.open(new Fixture.Gpio(Fixture.Provider.MOCK, null))) {
            GpioRelayPower power = new GpioRelayPower(gpio.output("power", 17, true), Duration.ZERO);
            PowerState off = power.status();
            assertEquals(off, PowerState.commanded(false, "power relay on GPIO 17 off: the line reads back high (active-low);"
                    + " no sense input, so the supply itself is not read"));
            PowerState on = power.on();
            assertEquals(on.basis(), PowerState.Basis.COMMANDED);
            assertEquals(on.detail(), "power relay on GPIO 17 on: the line reads back low (active-low); no sense input,"
                    + " so the supply itself is not read");
        }
    }

    @Test
    public void anActiveHighLineIsHighWhenOn() throws Exception {
        try (GpioLines gpio = GpioLines.open(new Fixture.Gpio(Fixture.Provider.MOCK, null))) {
            GpioLines.Line line = gpio.output("power", 5, false);
            new GpioRelayPower(line, Duration.ZERO).on();
            assertTrue(line.isHigh());
        }
    }
}
