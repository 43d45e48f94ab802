package dev.starbench.bench.debug;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import dev.starbench.config.DebugPort;
import dev.starbench.config.DebugProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * Every configuration the bench generates is one the real OpenOCD 0.12 accepts: each adapter driver
 * Debian builds for this machine, both transports, extra lines, and a maker's target script. (Debian
 * builds bcm2835gpio only for ARM, so its lines are checked as text here.)
 */
public class OpenOcdConfigTest {
    private static final List<DebugPort.Range> RAM = List.of(new DebugPort.Range("ram", 0x2000_0000L, 64));
    private static final DebugPort SWD = new DebugPort("swd", DebugPort.NRF52, null, 0x2ba01477L, RAM, false, false, false, null, 8);
    private static final DebugPort JTAG = new DebugPort("jtag", DebugPort.GENERIC, null, 0x4ba00477L, RAM, false, false, false, null, 8);

    private static DebugProbe probe(String driver, String transport, Map<String, Integer> pins, List<String> extra) {
        boolean usb = List.of(DebugProbe.CMSIS_DAP, DebugProbe.JLINK, DebugProbe.HLA).contains(driver);
        return new DebugProbe(driver, transport, 1000, pins, 0, null, usb ? "ABC123" : null,
                null, driver.equals(DebugProbe.REMOTE_BITBANG) ? 21871 : null, null, null, extra, 10_000, null);
    }

    @DataProvider
    public Object[][] configurations() {
        List<String> extra = List.of("adapter srst delay 100", "reset_config srst_only srst_nogate");
        return new Object[][] {
                {probe(DebugProbe.REMOTE_BITBANG, "jtag", null, List.of()), JTAG},
                {probe(DebugProbe.LINUXGPIOD, "swd", Map.of("swclk", 11, "swdio", 25, "srst", 24), extra), SWD},
                {probe(DebugProbe.LINUXGPIOD, "jtag", Map.of("tck", 11, "tms", 25, "tdi", 10, "tdo", 9, "trst", 7), List.of()), JTAG},
                {probe(DebugProbe.CMSIS_DAP, "swd", null, List.of("cmsis_dap_backend usb_bulk")), SWD},
                {probe(DebugProbe.CMSIS_DAP, "jtag", null, List.of()), JTAG},
                {probe(DebugProbe.JLINK, "swd", null, extra), SWD},
                {probe(DebugProbe.JLINK, "jtag", null, List.of()), JTAG},
                {probe(DebugProbe.HLA, "swd", null, List.of()), SWD},
                {probe(DebugProbe.CMSIS_DAP, "swd", null, List.of()), new DebugPort("swd", DebugPort.NRF52,
                        Path.of("/usr/share/openocd/scripts/target/nrf52.cfg"), null, RAM, false, false, false, null, 8)},
        };
    }

    @Test(dataProvider = "configurations")
    public void openOcdAcceptsTheGeneratedConfiguration(DebugProbe probe, DebugPort port) throws Exception {
        Path cfg = Files.createTempFile("starbench-openocd-test", ".cfg");
        Files.writeString(cfg, OpenOcdConfig.render(probe, port, 6666));
        // `shutdown` ends OpenOCD after the configuration is read; `noinit` kept it from touching an adapter.
        Process p = new ProcessBuilder("openocd", "-f", cfg.toString(), "-c", "shutdown").redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "openocd did not end");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(p.exitValue(), 0, Files.readString(cfg) + "\n" + out);
        assertTrue(out.contains("shutdown command invoked"), out);
        assertFalse(out.contains("Error") || out.contains("invalid command"), Files.readString(cfg) + "\n" + out);
    }

    @Test
    public void thePiHeaderDriversNameTheirPinsAndTheHlaItsStLink() {
        String gpiod = OpenOcdConfig.render(probe(DebugProbe.LINUXGPIOD, "swd", Map.of("swclk", 11, "swdio", 25), List.of()), SWD, 7000);
        assertTrue(gpiod.contains("adapter driver linuxgpiod\n") && gpiod.contains("adapter gpio swclk 11 -chip 0\n")
                && gpiod.contains("adapter gpio swdio 25 -chip 0\n") && gpiod.contains("swd newdap starbench cpu -expected-id 0x2ba01477\n")
                && gpiod.contains("target create starbench.mem mem_ap -dap starbench.dap -ap-num 0\n"), gpiod);
        DebugProbe bcm = new DebugProbe(DebugProbe.BCM2835GPIO, "jtag", 1000, Map.of("tck", 11, "tms", 25, "tdi", 10, "tdo", 9), 0,
                0xFE00_0000L, null, null, null, null, null, null, 10_000, null);
        String pi4 = OpenOcdConfig.render(bcm, JTAG, 7000);
        assertTrue(pi4.contains("bcm2835gpio peripheral_base 0xFE000000\n") && pi4.contains("adapter gpio tdo 9\n")
                && pi4.contains("jtag newtap starbench cpu -irlen 4 -expected-id 0x4ba00477\n"), pi4);
        String both = gpiod + pi4;
        assertTrue(both.contains("bindto 127.0.0.1\ntcl_port 7000\nnoinit\n"), "loopback only, and init is the bench's to ask for");
        String hla = OpenOcdConfig.render(probe(DebugProbe.HLA, "swd", null, List.of()), SWD, 7000);
        assertTrue(hla.contains("transport select hla_swd\n") && hla.contains("target create starbench.mem cortex_m -dap starbench.dap"), hla);
    }
}
