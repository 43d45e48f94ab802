package dev.starbench.console;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.testng.annotations.Test;

public class BaudScoreTest {
    private static final byte[] BOOT = ("\r\nU-Boot 2024.01 (Nov 01 2026 - 12:00:00 +0000)\r\n\r\nCPU:   ARMv7 Processor rev 5 (v7l)\r\n"
            + "DRAM:  256 MiB\r\nHit any key to stop autoboot:  2 \b\b\b 1 ").getBytes(StandardCharsets.ISO_8859_1);

    @Test
    public void bootTextIsReadableAndNamesItsKnownStrings() {
        BaudScore s = BaudScore.of(115200, BOOT);
        assertTrue(s.readable(), s.describe());
        assertEquals(s.known(), List.of("U-Boot"));
        assertEquals(s.printable(), 1.0);
        assertTrue(s.score() > 70, s.describe());
    }

    @Test
    public void framingErrorsAndNoiseAreNotReadableAndRankBelowText() {
        byte[] noise = new byte[512];
        new Random(7).nextBytes(noise);
        byte[] nuls = new byte[512];
        BaudScore text = BaudScore.of(115200, BOOT);
        for (byte[] garbage : List.of(noise, nuls)) {
            BaudScore s = BaudScore.of(9600, garbage);
            assertFalse(s.readable(), s.describe());
            assertTrue(s.score() < text.score() / 2, s.describe());
        }
    }

    @Test
    public void aFewCleanBytesAreNoEvidence() {
        BaudScore s = BaudScore.of(9600, "ok\r\n".getBytes(StandardCharsets.US_ASCII));
        assertFalse(s.readable());
        assertTrue(s.score() < 30, s.describe());
        assertEquals(BaudScore.of(9600, new byte[0]).score(), 0.0);
    }
}
