package dev.starbench.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import dev.starbench.image.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * `image inspect` and `image sign` on images and keys made to mislead or crash them: a second hash or
 * signature the device never reads, TLVs of the wrong length, an embedded key that is no key, PEM
 * files that are not PEM. Each gets its documented exit code and a message, never a stack trace.
 */
public class HostileImagesTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final Cli cli = new Cli();
    private Path dir;
    private Path pub;
    private Path priv;
    private byte[] valid;

    @BeforeClass
    public void keysAndImage() throws Exception {
        dir = Files.createTempDirectory("starbench-hostile-images");
        SigningKey key = SigningKey.generate(SigningKey.Type.ECDSA_P256);
        priv = dir.resolve("dev.pem");
        pub = dir.resolve("dev.pub.pem");
        key.writePrivate(priv);
        key.writePublic(pub);
        valid = TestImages.signed(key, 4096, 1);
    }

    @AfterClass(alwaysRun = true)
    public void close() {
        cli.close();
    }

    private Cli.Result inspect(byte[] image, String... trust) throws Exception {
        Path file = Files.write(Files.createTempFile(dir, "image", ".bin"), image);
        List<String> args = new ArrayList<>(List.of("image", "inspect"));
        for (String t : trust) {
            args.add("--trust");
            args.add(t);
        }
        args.add(file.toString());
        Cli.Result r = cli.run(DEADLINE, args.toArray(String[]::new));
        assertTrue(r.clean(), r.output());
        return r;
    }

    private static void assertExit(Cli.Result r, int exit, String expected) {
        assertEquals(r.exit(), exit, r.output());
        assertTrue(r.output().contains(expected), "expected '" + expected + "' in:\n" + r.output());
    }

    private byte[] with(java.util.function.Consumer<List<TestImages.Tlv>> change) {
        List<TestImages.Tlv> tlvs = new ArrayList<>(TestImages.tlvs(valid));
        change.accept(tlvs);
        return TestImages.withTlvs(valid, tlvs);
    }

    @Test
    public void theExitCodeSaysWhetherTheImageVerifies() throws Exception {
        assertExit(inspect(valid, pub.toString()), 0, "signature          valid (ecdsa-p256) by trusted key");
        assertExit(inspect(valid), 0, "signature          not checked (ecdsa-p256): no trusted key given");
        byte[] payload = valid.clone();
        payload[0x200 + 100] ^= 1;
        assertExit(inspect(payload), 1, "(MISMATCH: computed");
        byte[] signature = valid.clone();
        signature[signature.length - 10] ^= 1;
        assertExit(inspect(signature, pub.toString()), 1, "INVALID (ecdsa-p256): no trusted key verifies it");
        byte[] unsigned = with(tlvs -> tlvs.removeIf(t -> t.type() != 0x10));
        assertExit(inspect(unsigned), 0, "none: the image is unsigned");
        assertExit(inspect(unsigned, pub.toString()), 1, "none: the image is unsigned, so no trusted key verifies it");
        byte[] raw = "opaque firmware".getBytes(StandardCharsets.US_ASCII);
        assertExit(inspect(raw), 0, "format             raw");
        assertExit(inspect(raw, pub.toString()), 2, "unknown (raw image: no signature the bench can read)");
    }

    @Test
    public void aSecondTlvOfAKindMcubootReadsOnceIsRefused() throws Exception {
        // The bench read the first SHA256 and the first signature, a device may read others: both said "valid".
        assertExit(inspect(with(tlvs -> tlvs.add(new TestImages.Tlv(0x10, new byte[32]))), pub.toString()), 3,
                "more than one image hash (SHA256, SHA384 or SHA512) TLV (0x10 (SHA256), 32 bytes, 0x10 (SHA256), 32 bytes)");
        assertExit(inspect(with(tlvs -> tlvs.add(new TestImages.Tlv(0x22, new byte[70]))), pub.toString()), 3,
                "more than one signature TLV");
        assertExit(inspect(with(tlvs -> tlvs.add(new TestImages.Tlv(0x24, new byte[64]))), pub.toString()), 3,
                "more than one signature TLV");
        byte[] keyTwice = with(tlvs -> tlvs.add(1, new TestImages.Tlv(0x02, SigningKey.generate(SigningKey.Type.ECDSA_P256)
                .publicKey().getEncoded())));
        assertExit(inspect(keyTwice, pub.toString()), 3, "more than one key (KEYHASH or PUBKEY) TLV");
    }

    @Test
    public void malformedTlvsAreErrorsNotCrashes() throws Exception {
        assertExit(inspect(with(tlvs -> tlvs.set(1, new TestImages.Tlv(0x01, new byte[3]))), pub.toString()), 3,
                "TLV 0x01 (KEYHASH) has 3 bytes; MCUboot's has 32");
        assertExit(inspect(with(tlvs -> tlvs.set(1, new TestImages.Tlv(0x02, new byte[] {0x30, 0x03, 1, 2, 3})))), 3,
                "the PUBKEY TLV (0x02, 5 bytes) holds no EC or Ed25519 public key");
        byte[] der = SigningKey.generate(SigningKey.Type.ED25519).publicKey().getEncoded();
        byte[] cut = java.util.Arrays.copyOf(der, der.length - 5);
        assertExit(inspect(with(tlvs -> tlvs.set(1, new TestImages.Tlv(0x02, cut)))), 3, "holds no EC or Ed25519 public key");
        assertExit(inspect(with(tlvs -> tlvs.set(0, new TestImages.Tlv(0x10, new byte[31])))), 3,
                "TLV 0x10 (SHA256) has 31 bytes; MCUboot's has 32");
    }

    @Test
    public void keyFilesThatAreNotPemAreErrorsNotCrashes() throws Exception {
        Path badBase64 = Files.writeString(dir.resolve("bad-base64.pem"),
                "-----BEGIN PUBLIC KEY-----\n!!!not base64!!!\n-----END PUBLIC KEY-----\n");
        assertExit(inspect(valid, badBase64.toString()), 3, "error: --trust " + badBase64 + ": not a readable PEM key");
        Path badDer = Files.writeString(dir.resolve("bad-der.pem"), "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getEncoder().encodeToString(new byte[] {0x30, 0x05, 1, 2, 3, 4, 5}) + "\n-----END PUBLIC KEY-----\n");
        assertExit(inspect(valid, badDer.toString()), 3, "error: --trust " + badDer + ":");
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello\n");
        assertExit(inspect(valid, notPem.toString()), 3, "no PEM key in the file");
        Path badPrivate = Files.writeString(dir.resolve("bad-private.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getEncoder().encodeToString(new byte[] {0x30, 0x03, 2, 1, 0}) + "\n-----END PRIVATE KEY-----\n");
        Path payload = Files.write(dir.resolve("payload.bin"), new byte[] {1, 2, 3});
        Cli.Result sign = cli.run(DEADLINE, "image", "sign", "--key", badPrivate.toString(), "-o",
                dir.resolve("out.bin").toString(), payload.toString());
        assertTrue(sign.clean(), sign.output());
        assertExit(sign, 3, "error: --key " + badPrivate + ": not a readable PEM key");
        assertTrue(Files.notExists(dir.resolve("out.bin")), "nothing written");
        Cli.Result tlv = cli.run(DEADLINE, "image", "sign", "--key", priv.toString(), "--device-type-tlv", "-96",
                "--device-type", "X", "-o", dir.resolve("out.bin").toString(), payload.toString());
        assertExit(tlv, 3, "a device type goes in a vendor TLV (0xXXa0..0xXXfe), got -96");
        assertTrue(Files.notExists(dir.resolve("out.bin")), "nothing written, not even half an image");
    }
}
