package dev.starbench.vdut;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.testng.annotations.Test;

public class UartLineTest {
    private static final byte[] TEXT = "U-Boot 2024.01-vdut (Nov 01 2026)\r\n".getBytes(StandardCharsets.US_ASCII);

    private static byte[] reframe(byte[] b, int tx, int rx) {
        return UartLine.reframe(b, 0, b.length, tx, rx);
    }

    @Test
    public void equalRatesPassBytesUnchanged() {
        assertEquals(reframe(TEXT, 57600, 57600), TEXT);
    }

    @Test
    public void aReceiverAtTwiceTheRateReadsTheStartBitAsData() {
        // 0xFF at 9600: start bit lasts two receiver bits, so data bit 0 is sampled low; the rest is high.
        assertEquals(reframe(new byte[] {(byte) 0xff}, 9600, 19200), new byte[] {(byte) 0xfe});
    }

    @Test
    public void aReceiverAtHalfTheRateRejectsEveryStartAsAGlitch() {
        // 0x55 alternates every bit: half a receiver bit after each falling edge the line is high again.
        assertEquals(reframe(new byte[] {0x55, 0x55}, 19200, 9600), new byte[0]);
    }

    @Test
    public void aLongLowLineIsAFramingErrorDeliveredAsNul() {
        // 0x00 at 9600 holds the line low for 9 bits: a receiver at 115200 finds its stop bit low.
        byte[] out = reframe(new byte[] {0}, 9600, 115200);
        assertTrue(out.length >= 1 && out[0] == 0, "got " + out.length + " bytes");
    }

    @Test
    public void wrongRatesGarbleTextBothWays() {
        for (int rx : new int[] {9600, 38400, 74880, 115200, 921600, 3000000}) {
            byte[] out = reframe(TEXT, 57600, rx);
            assertNotEquals(new String(out, StandardCharsets.ISO_8859_1), new String(TEXT, StandardCharsets.ISO_8859_1), "at " + rx);
            assertTrue(!new String(out, StandardCharsets.ISO_8859_1).contains("U-Boot"), "at " + rx);
        }
    }

    @Test
    public void theBenchRateCanChangeWhileTheLineIsOpen() throws Exception {
        UartLine line = new UartLine(57600, 115200);
        ByteArrayOutputStream pty = new ByteArrayOutputStream();
        var out = line.towardsBench(pty);
        out.write(TEXT);
        assertNotEquals(pty.toByteArray(), TEXT);
        pty.reset();
        line.benchBaud(57600);
        out.write(TEXT);
        assertEquals(pty.toByteArray(), TEXT);
        assertEquals(line.towardsDevice(TEXT, TEXT.length), TEXT);
        line.benchBaud(9600);
        assertNotEquals(line.towardsDevice(TEXT, TEXT.length), TEXT);
    }
}
