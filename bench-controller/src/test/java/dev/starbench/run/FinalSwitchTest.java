package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import dev.starbench.bench.gpio.GpioLines;
import dev.starbench.bench.gpio.GpioRelayPower;
import dev.starbench.bench.power.SwitchRefused;
import dev.starbench.config.Fixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.testng.annotations.Test;

/** The finaliser's switch is the run's last: a check still unwinding after it switches nothing. */
public class FinalSwitchTest {

    @Test
    public void afterTheFinaliserNoSwitchReachesTheRelay() throws Exception {
        try (GpioLines gpio = GpioLines.open(new Fixture.Gpio(Fixture.Provider.MOCK, null))) {
            GpioLines.Line line = gpio.output("power", 17, true);
            List<String> levels = new CopyOnWriteArrayList<>();
            line.onLevelChange((pin, high) -> levels.add(pin + "=" + (high ? 1 : 0)));
            FinalSwitch power = new FinalSwitch(new GpioRelayPower(line, Duration.ZERO));

            power.on();
            assertFalse(power.last(false).isOn());
            SwitchRefused refused = expectThrows(SwitchRefused.class, power::on);
            assertTrue(refused.getMessage().contains("power relay on GPIO 17 is not switched again"), refused.getMessage());
            expectThrows(SwitchRefused.class, power::cycle);
            assertFalse(power.isOn(), "the supply stays where the finaliser put it");
            assertEquals(levels, List.of("17=0", "17=1"));
        }
    }
}
