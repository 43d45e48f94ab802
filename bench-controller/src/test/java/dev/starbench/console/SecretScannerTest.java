package dev.starbench.console;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.util.List;
import org.testng.annotations.Test;

public class SecretScannerTest {
    private static final String BOOT = "[    2.1] wlan0: connecting with psk=Sup3rS3cret-wifi\r\n"
            + "-----BEGIN EC PRIVATE KEY-----\r\nMHcCAQEEIBx0abc\r\n-----END EC PRIVATE KEY-----\r\nlogin: ";

    @Test
    public void findsKeysAndPasswordsAndMasksThem() {
        List<SecretScanner.Leak> leaks = SecretScanner.scan(BOOT);
        assertEquals(leaks.size(), 2);
        assertEquals(leaks.get(0).kind(), "EC PRIVATE KEY");
        assertTrue(leaks.get(1).maskedLine().contains("psk=[masked 16 chars]"), leaks.get(1).maskedLine());
        String masked = SecretScanner.mask(BOOT);
        assertFalse(masked.contains("Sup3rS3cret") || masked.contains("MHcCAQEE"), masked);
        assertTrue(masked.contains("login: "));
    }

    @Test
    public void ordinaryBootOutputHasNoLeaks() {
        assertTrue(SecretScanner.scan("U-Boot 2024.01\r\nDRAM: 256 MiB\r\nPassword: \r\nLinux version 5.15\r\n").isEmpty());
    }
}
