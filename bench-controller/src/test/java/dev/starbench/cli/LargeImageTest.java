package dev.starbench.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import dev.starbench.image.SigningKey;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * A 200 MB image signed and inspected by the real command line in a JVM of 64 MB heap: images are
 * streamed, never held whole (the controller needed 1.5 GB to sign one and 848 MB to inspect it; a
 * Pi Zero 2 W has 512 MB in all). A separate JVM, because only its own -Xmx proves the bound.
 */
public class LargeImageTest {
    private static final long PAYLOAD = 200L << 20;

    private Path dir;

    @BeforeClass
    public void tempDir() throws Exception {
        dir = Files.createTempDirectory("starbench-large-image");
    }

    @AfterClass(alwaysRun = true)
    public void deleteImages() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** `starbench ARGS` in a JVM of its own with a 64 MB heap; returns exit code and output. */
    private String[] starbench(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), "dev.starbench.cli.Main"));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("output.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // A hang guard: either command takes seconds; a child that outlives this has hung.
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("starbench " + String.join(" ", args) + " did not end:\n" + Files.readString(log));
        }
        return new String[] {String.valueOf(p.exitValue()), Files.readString(log)};
    }

    @Test
    public void a200MbImageIsSignedAndInspectedIn64MbOfHeap() throws Exception {
        SigningKey key = SigningKey.generate(SigningKey.Type.ECDSA_P256);
        Path priv = dir.resolve("dev.pem");
        Path pub = dir.resolve("dev.pub.pem");
        key.writePrivate(priv);
        key.writePublic(pub);
        Path payload = dir.resolve("payload.bin");
        try (RandomAccessFile f = new RandomAccessFile(payload.toFile(), "rw")) {
            f.setLength(PAYLOAD);
            f.seek(PAYLOAD / 2);
            f.write("a byte that is not zero".getBytes(StandardCharsets.US_ASCII));
        }
        Path signed = dir.resolve("signed.bin");

        String[] sign = starbench("image", "sign", "--key", priv.toString(), "--version", "2.0.0", "-o", signed.toString(),
                payload.toString());
        assertEquals(sign[0], "0", sign[1]);
        assertTrue(Files.size(signed) > PAYLOAD, sign[1]);
        Files.delete(payload);

        String[] inspect = starbench("image", "inspect", "--trust", pub.toString(), signed.toString());
        assertEquals(inspect[0], "0", inspect[1]);
        assertTrue(inspect[1].contains("payload " + PAYLOAD + " bytes"), inspect[1]);
        assertTrue(inspect[1].contains("(matches)"), inspect[1]);
        assertTrue(inspect[1].contains("signature          valid (ecdsa-p256) by trusted key"), inspect[1]);
    }
}
