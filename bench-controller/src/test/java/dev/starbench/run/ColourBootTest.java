package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import dev.starbench.report.RunRecord;
import dev.starbench.report.Verdict;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.Test;

/**
 * A bootloader that colours its words, as some vendors' do: "Starting kernel" crosses the wire with SGR
 * codes inside it, then the OS prints its log and offers no prompt (a production console). The checks
 * read the boot as a terminal shows it, so both see the kernel start: the autoboot ran through, and the
 * OS console offered nothing to log in to; neither is "no kernel start" (INCONCLUSIVE). The device is a
 * real pty pair whose "power on" (the fixture's command driver) writes the boot into it.
 */
public class ColourBootTest {
    private static final String UART = "debug.uart-console";
    private static final String BOOTLOADER = "debug.bootloader-interrupt";

    @Test(timeOut = 180_000)
    public void aKernelStartWithColourCodesInsideIsAKernelStart() throws Exception {
        Path dir = Files.createTempDirectory("colour-boot");
        Path bench = dir.resolve("bench-tty");
        Path dut = dir.resolve("dut-tty");
        Process socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + bench, "pty,raw,echo=0,link=" + dut)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!(Files.exists(bench) && Files.exists(dut))) {
                assertTrue(System.nanoTime() < deadline && socat.isAlive(), "socat made its ptys");
                Thread.sleep(10);
            }
            try (InputStream keys = new FileInputStream(dut.toFile())) {
                // Holds the device's end open (a pty whose last reader goes away hangs up) and takes the keys typed at it.
                Thread drain = new Thread(() -> {
                    try {
                        while (keys.read() >= 0) {
                            // the bootloader reads nothing: it does not stop for keys
                        }
                    } catch (IOException e) {
                        // closed: the test is over
                    }
                }, "colour-boot-keys");
                drain.setDaemon(true);
                drain.start();

                Map<String, RunRecord.CheckResult> results = VirtualRunTest.byId(VirtualBench.run(dir, fixture(dir, dut),
                        profile(dir), List.of(UART, BOOTLOADER), null).result().record());
                RunRecord.CheckResult uart = results.get(UART);
                RunRecord.CheckResult bootloader = results.get(BOOTLOADER);
                assertEquals(bootloader.verdict(), Verdict.PASS, VirtualRunTest.describe(bootloader));
                assertTrue(VirtualRunTest.evidenceText(bootloader).contains("autoboot ran through"), VirtualRunTest.describe(bootloader));
                assertEquals(uart.verdict(), Verdict.PASS, VirtualRunTest.describe(uart));
                assertTrue(VirtualRunTest.evidenceText(uart).contains("offered no login or shell"), VirtualRunTest.describe(uart));
            }
        } finally {
            socat.destroy();
            socat.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Power on writes the boot into the device's end of the pty; power off has nothing to do. */
    private static Path fixture(Path dir, Path dut) throws IOException {
        StringBuilder boot = new StringBuilder("\r\nU-Boot 2023.01 (Jan 09 2023 - 10:00:00 +0000)\r\n\r\nDRAM:  512 MiB\r\n"
                + "\u001b[1mStarting\u001b[0m \u001b[32mkernel\u001b[0m ...\r\n\r\n");
        // More than the 2 KB the strategy classifies the boot's end from: the kernel start is only in the whole log.
        for (int i = 0; i < 48; i++) {
            boot.append(String.format("[    0.%06d] colourboot: probing device %02d of the board%n", i * 1234, i).replace("\n", "\r\n"));
        }
        Path bootFile = Files.write(dir.resolve("boot.bin"), boot.toString().getBytes(StandardCharsets.ISO_8859_1));
        return Files.writeString(dir.resolve("colour-boot.yaml"), """
                bench-id: colour-boot
                power:
                  driver: command
                  off-time-ms: 0
                  command:
                    on: [sh, -c, "cat '%s' > '%s'"]
                    off: ["true"]
                serial:
                  path: %s
                  baud: 115200
                """.formatted(bootFile, dut, dir.resolve("bench-tty")));
    }

    private static Path profile(Path dir) throws IOException {
        return Files.writeString(dir.resolve("colour-boot-device.yaml"), """
                device:
                  name: Colour bootloader
                  vendor: StarBench tests
                  model: colour-boot
                  firmware-version: "1"
                console:
                  baud: 115200
                bootloader:
                  type: u-boot
                timeouts:
                  boot-ms: 3000
                  command-ms: 1000
                """);
    }
}
