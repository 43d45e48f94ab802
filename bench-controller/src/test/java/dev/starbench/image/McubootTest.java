package dev.starbench.image;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/** MCUboot images as the documented layout says, built, verified and tampered with fresh keys. */
public class McubootTest {
    private static final Mcuboot FORMAT = new Mcuboot();

    private static byte[] payload(int size) {
        byte[] p = new byte[size];
        new Random(7).nextBytes(p);
        return p;
    }

    private static byte[] build(SigningKey key, ImageVersion v, Long counter) throws ImageException {
        return FORMAT.rebuild(payload(3000), new ImageFormat.Changes(v, counter, 0xa0, "VCAM-1", false), key);
    }

    @DataProvider
    public Object[][] keyTypes() {
        return new Object[][] {{SigningKey.Type.ECDSA_P256}, {SigningKey.Type.ED25519}};
    }

    @Test
    public void theHeaderHasTheDocumentedLayout() throws Exception {
        byte[] image = build(SigningKey.generate(SigningKey.Type.ECDSA_P256), new ImageVersion(1, 2, 300, 7), 5L);
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(b.getInt(0), 0x96f3b83d);
        assertEquals(b.getShort(8), (short) 0x200, "ih_hdr_size");
        int protSize = b.getShort(10);
        assertEquals(b.getInt(12), 3000, "ih_img_size excludes the header");
        assertEquals(image[20], 1);
        assertEquals(image[21], 2);
        assertEquals(b.getShort(22), (short) 300);
        assertEquals(b.getInt(24), 7);
        int prot = 0x200 + 3000;
        assertEquals(b.getShort(prot), (short) 0x6908);
        assertEquals(b.getShort(prot + 2), (short) protSize, "the protected area's size counts its info header");
        assertEquals(b.getShort(prot + 4), (short) 0x50, "SEC_CNT first");
        assertEquals(b.getInt(prot + 8), 5);
        int tlv = prot + protSize;
        assertEquals(b.getShort(tlv), (short) 0x6907);
        assertEquals(b.getShort(tlv + 2), (short) (image.length - tlv), "the TLV area runs to the end");
        assertEquals(b.getShort(tlv + 4), (short) 0x10);
        byte[] hash = Arrays.copyOfRange(image, tlv + 8, tlv + 40);
        assertEquals(hash, Mcuboot.sha256(Arrays.copyOf(image, tlv)), "SHA256 covers header, payload and protected TLVs");
    }

    @Test(dataProvider = "keyTypes")
    public void aSignedImageVerifiesOnlyWithItsKey(SigningKey.Type type) throws Exception {
        SigningKey key = SigningKey.generate(type);
        byte[] image = build(key, new ImageVersion(1, 4, 2, 0), 1L);
        ImageFormat.Inspection in = FORMAT.inspect(image, List.of(key.publicKey()));
        assertEquals(in.version(), new ImageVersion(1, 4, 2, 0));
        assertEquals(in.securityCounter(), Long.valueOf(1));
        assertTrue(in.signature().startsWith("valid (" + type.label() + ") by trusted key"), in.signature());
        PublicKey other = SigningKey.generate(type).publicKey();
        assertTrue(FORMAT.inspect(image, List.of(other)).signature().startsWith("INVALID"), "a foreign key does not verify it");
        assertTrue(FORMAT.inspect(image, List.of()).signature().startsWith("not checked"));
        Map<String, String> fields = in.fields().stream().collect(Collectors.toMap(f -> f[0], f -> f[1], (a, b) -> a + "; " + b));
        assertTrue(fields.get("image hash").endsWith("(matches)"));
        assertTrue(fields.get("TLV").contains("KEYHASH"));
    }

    /** Checked with the JDK's own providers over the hashed region, as MCUboot checks it, not with the bench's verifier. */
    @Test(dataProvider = "keyTypes")
    public void signaturesAreWhatMcubootVerifies(SigningKey.Type type) throws Exception {
        SigningKey key = SigningKey.generate(type);
        byte[] image = build(key, new ImageVersion(1, 4, 2, 0), 1L);
        Mcuboot.Parsed p = Mcuboot.parse(image);
        byte[] region = Arrays.copyOf(image, (int) p.hashedEnd());
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(region);
        assertEquals(p.find(Mcuboot.TLV_SHA256).value(), digest);
        boolean ecdsa = type == SigningKey.Type.ECDSA_P256;
        PublicKey jdkKey = java.security.KeyFactory.getInstance(ecdsa ? "EC" : "Ed25519", "SunEC")
                .generatePublic(new java.security.spec.X509EncodedKeySpec(key.publicKey().getEncoded()));
        java.security.Signature s = java.security.Signature.getInstance(ecdsa ? "SHA256withECDSA" : "Ed25519", "SunEC");
        s.initVerify(jdkKey);
        s.update(ecdsa ? region : digest);
        assertTrue(s.verify(p.find(ecdsa ? Mcuboot.TLV_ECDSA_SIG : Mcuboot.TLV_ED25519).value()));
    }

    @Test(dataProvider = "keyTypes")
    public void rebuildingKeepsPayloadAndProtectedTlvs(SigningKey.Type type) throws Exception {
        SigningKey key = SigningKey.generate(type);
        byte[] image = build(key, new ImageVersion(1, 4, 2, 0), 3L);
        byte[] newer = FORMAT.rebuild(image, ImageFormat.Changes.version(new ImageVersion(1, 5, 0, 0)), key);
        Mcuboot.Parsed p = Mcuboot.parse(newer);
        assertEquals(p.version(), new ImageVersion(1, 5, 0, 0));
        assertEquals(p.securityCounter(), Long.valueOf(3));
        assertEquals(new String(p.find(0xa0).value()), "VCAM-1");
        assertEquals(Arrays.copyOfRange(newer, p.hdrSize(), p.hdrSize() + (int) p.imgSize()), payload(3000));
        assertTrue(FORMAT.inspect(newer, List.of(key.publicKey())).signature().startsWith("valid"));
    }

    @Test
    public void tamperedVariantsAreEachCaughtByTheBenchsOwnVerifier() throws Exception {
        SigningKey key = SigningKey.generate(SigningKey.Type.ECDSA_P256);
        byte[] valid = build(key, new ImageVersion(2, 0, 0, 0), 1L);
        SigningKey foreign = SigningKey.generate(SigningKey.Type.ECDSA_P256);
        List<Tampering.Variant> variants = Tampering.variants(FORMAT, valid, new Tampering.Keys(key, foreign, 0xa0, "VCAM-1"));
        assertEquals(variants.stream().map(Tampering.Variant::name).toList(), List.of("payload-byte", "signature-byte",
                "truncated", "appended", "zero-length", "unsigned", "foreign-key", "wrong-device-type"));
        Map<String, byte[]> byName = variants.stream().collect(Collectors.toMap(Tampering.Variant::name, Tampering.Variant::bytes));
        List<PublicKey> trusted = List.of(key.publicKey());
        assertTrue(FORMAT.inspect(byName.get("payload-byte"), trusted).signature().contains("hash does not match"));
        assertTrue(FORMAT.inspect(byName.get("signature-byte"), trusted).signature().startsWith("INVALID"));
        expectThrows(ImageException.class, () -> Mcuboot.parse(byName.get("truncated")));
        expectThrows(ImageException.class, () -> Mcuboot.parse(byName.get("zero-length")));
        assertTrue(FORMAT.inspect(byName.get("appended"), trusted).fields().stream().anyMatch(f -> f[0].equals("trailing bytes")));
        assertTrue(FORMAT.inspect(byName.get("unsigned"), trusted).signature().startsWith("none"));
        assertTrue(FORMAT.inspect(byName.get("foreign-key"), trusted).signature()
                .contains("only with the public key embedded in the image"));
        Mcuboot.Parsed wrong = Mcuboot.parse(byName.get("wrong-device-type"));
        assertEquals(new String(wrong.find(0xa0).value()), "NOT-VCAM-1");
        assertTrue(FORMAT.inspect(byName.get("wrong-device-type"), trusted).signature().startsWith("valid"),
                "only the device type differs: the signature is the maker's");
    }

    @Test
    public void withoutTheMakersKeyEveryVariantButTheWrongDeviceTypeIsBuilt() throws Exception {
        SigningKey maker = SigningKey.generate(SigningKey.Type.ED25519);
        byte[] valid = build(maker, new ImageVersion(1, 5, 0, 0), 1L);
        List<Tampering.Variant> variants = Tampering.variants(FORMAT, valid, new Tampering.Keys(null, null, 0xa0, "VCAM-1"));
        Map<String, Tampering.Variant> byName = variants.stream().collect(Collectors.toMap(Tampering.Variant::name, v -> v));
        List<PublicKey> trusted = List.of(maker.publicKey());
        assertTrue(FORMAT.inspect(byName.get("signature-byte").bytes(), trusted).signature().startsWith("INVALID"));
        assertTrue(FORMAT.inspect(byName.get("unsigned").bytes(), trusted).signature().startsWith("none"));
        assertTrue(FORMAT.inspect(byName.get("foreign-key").bytes(), trusted).signature()
                .startsWith("valid (ed25519) only with the public key embedded"), "a foreign key of the image's own type");
        assertNull(byName.get("wrong-device-type").bytes());
        assertTrue(byName.get("wrong-device-type").notBuilt().contains("needs the maker's signing key"));
    }

    @Test
    public void rawImagesGetOnlyFormatBlindVariants() throws Exception {
        ImageFormat raw = ImageFormat.named("raw");
        List<Tampering.Variant> variants = Tampering.variants(raw, payload(1000), new Tampering.Keys(null,
                SigningKey.generate(SigningKey.Type.ED25519), null, null));
        assertEquals(variants.stream().filter(v -> v.bytes() != null).map(Tampering.Variant::name).toList(),
                List.of("payload-byte", "last-byte", "truncated", "appended", "zero-length"));
        assertTrue(variants.stream().filter(v -> v.bytes() == null).allMatch(v -> v.notBuilt() != null));
        byte[] last = variants.get(1).bytes();
        assertEquals(last[999], (byte) ~payload(1000)[999]);
        assertEquals(Arrays.copyOf(last, 999), Arrays.copyOf(payload(1000), 999), "only the last byte differs");
        assertFalse(raw.canRebuild());
        assertNull(raw.version(payload(10)));
    }

    @Test
    public void malformedImagesSayWhatIsWrong() {
        byte[] b = new byte[64];
        assertTrue(expectThrows(ImageException.class, () -> Mcuboot.parse(b)).getMessage().contains("not an MCUboot image"));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x96f3b83d).putShort(8, (short) 32).putInt(12, 1000);
        assertTrue(expectThrows(ImageException.class, () -> Mcuboot.parse(b)).getMessage().contains("truncated"));
    }

    @Test
    public void keysRoundTripThroughPem() throws Exception {
        Path dir = Files.createTempDirectory("starbench-keys");
        for (SigningKey.Type type : SigningKey.Type.values()) {
            SigningKey key = SigningKey.generate(type);
            Path file = dir.resolve(type.label() + ".pem");
            key.writePrivate(file);
            SigningKey read = SigningKey.read(file);
            assertEquals(read.type(), type);
            assertEquals(read.keyHash(), key.keyHash());
            assertFalse(read.toString().contains("PRIVATE"), "a key never prints itself");
            key.writePublic(dir.resolve(type.label() + ".pub.pem"));
            assertEquals(SigningKey.readPublic(dir.resolve(type.label() + ".pub.pem")).getEncoded(), key.publicKey().getEncoded());
        }
    }

    @Test
    public void versionsCompareFieldByField() {
        ImageVersion v = ImageVersion.parse("1.4.2");
        assertNotNull(v);
        assertEquals(v.nextRevision(), new ImageVersion(1, 4, 3, 0));
        assertEquals(v.previous(), new ImageVersion(1, 4, 1, 0));
        assertEquals(ImageVersion.parse("1.4.2+9").previous(), new ImageVersion(1, 4, 2, 8));
        assertTrue(ImageVersion.parse("1.10.0").compareTo(ImageVersion.parse("1.9.9")) > 0);
        assertNull(ImageVersion.parse("latest"));
        assertNull(new ImageVersion(0, 0, 0, 0).previous());
    }
}
