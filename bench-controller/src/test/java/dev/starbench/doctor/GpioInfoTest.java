package dev.starbench.doctor;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import org.testng.annotations.Test;

/** gpioinfo's two output formats, as libgpiod 1.6 (bookworm) and 2.x (trixie) print them on a Pi 4. */
public class GpioInfoTest {
    static final String V1_FAN_ON_17 = """
            gpiochip0 - 58 lines:
            \tline   0:     "ID_SDA"       unused   input  active-high\s
            \tline   1:     "ID_SCL"       unused   input  active-high\s
            \tline  17:     "GPIO17"   "gpio-fan"  output  active-high [used]
            \tline  27:     "GPIO27"       unused   input  active-high\s
            \tline  42: "STATUS_LED_G_CLK" "led0" output active-high [used]
            \tline  53:      unnamed       "kernel"   input  active-high [used]
            """;
    static final String V2_17_AND_27_FREE = """
            gpiochip0 - 54 lines:
            \tline   0:\t"ID_SDA"        \tinput
            \tline  17:\t"GPIO17"        \tinput
            \tline  27:\t"GPIO27"        \tinput
            \tline  42:\t"STATUS_LED_G_CLK"\toutput consumer="led0"
            \tline  53:\tunnamed         \tinput consumer=kernel
            """;

    @Test
    public void libgpiod1MarksHeldLinesUsedAndNamesTheConsumerSecond() {
        GpioInfo info = GpioInfo.parse(V1_FAN_ON_17);
        assertEquals(info.lines().size(), 6);
        assertEquals(info.line(17).orElseThrow(), new GpioInfo.Line(17, "GPIO17", "gpio-fan"));
        assertFalse(info.line(27).orElseThrow().used());
        assertEquals(info.line(42).orElseThrow().consumer(), "led0");
        assertEquals(info.line(53).orElseThrow(), new GpioInfo.Line(53, "", "kernel"));
        assertTrue(info.line(54).isEmpty());
    }

    @Test
    public void libgpiod2NamesTheConsumerOfHeldLinesOnly() {
        GpioInfo info = GpioInfo.parse(V2_17_AND_27_FREE);
        assertEquals(info.lines().size(), 5);
        assertFalse(info.line(17).orElseThrow().used());
        assertEquals(info.line(27).orElseThrow().name(), "GPIO27");
        assertEquals(info.line(42).orElseThrow().consumer(), "led0");
        assertEquals(info.line(53).orElseThrow().consumer(), "kernel");
    }
}
