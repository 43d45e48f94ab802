package dev.starbench.image;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import dev.starbench.cli.MainAccess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testng.annotations.Test;

/** `starbench image keygen`, `sign` and `inspect` through the real command line. */
public class ImageCommandTest {
    @Test
    public void signThenInspectShowsVersionCounterHashAndSignature() throws Exception {
        Path dir = Files.createTempDirectory("starbench-image-cli");
        Path key = dir.resolve("dev.pem");
        Path pub = dir.resolve("dev.pub.pem");
        Path payload = Files.write(dir.resolve("app.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Path signed = dir.resolve("app.signed.bin");
        assertEquals(MainAccess.execute("image", "keygen", "--type", "ed25519", "-o", key.toString(), "--public", pub.toString()), 0);
        assertEquals(MainAccess.execute("image", "sign", "--key", key.toString(), "--version", "2.1.0+5", "--security-counter", "9",
                "--device-type-tlv", "0xa0", "--device-type", "VCAM-1", "-o", signed.toString(), payload.toString()), 0);
        String out = capture(() -> MainAccess.execute("image", "inspect", "--trust", pub.toString(), signed.toString()));
        assertTrue(out.contains("format             mcuboot"), out);
        assertTrue(out.contains("version            2.1.0+5"), out);
        assertTrue(out.contains("security counter   9"), out);
        assertTrue(out.contains("(matches)"), out);
        assertTrue(out.contains("signature          valid (ed25519) by trusted key"), out);
        assertEquals(MainAccess.execute("image", "sign", "--version", "x.y", "-o", signed.toString(), payload.toString()), 3);
        assertEquals(MainAccess.execute("image", "inspect", dir.resolve("missing.bin").toString()), 3);
    }

    private static String capture(java.util.concurrent.Callable<Integer> call) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals((int) call.call(), 0);
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
