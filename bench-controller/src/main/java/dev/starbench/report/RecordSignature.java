package dev.starbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * The bench's Ed25519 signature over record.json (Bouncy Castle), kept next to it as
 * record.json.sig: a small JSON document with the signature, the public key that made it and its
 * fingerprint. Ed25519 is deterministic, so signing the same record with the same key gives the
 * same file.
 *
 * <p>The key is made on first use, as PKCS#8 PEM readable only by its owner, with the public half
 * beside it ({@code .pub.pem}) to hand to whoever verifies the bench's reports.
 */
public final class RecordSignature {

    public static final String SIG_FILE = "record.json.sig";
    static final String ALGORITHM = "Ed25519";

    private RecordSignature() {}

    /** ~/.starbench/bench-key.pem, the default when the fixture names no signing key. */
    public static Path defaultKeyFile() {
        return Path.of(System.getProperty("user.home"), ".starbench", "bench-key.pem");
    }

    /** Signs runDir/record.json into runDir/record.json.sig; makes the key first if it does not exist. */
    public static Path sign(Path runDir, Path keyFile) throws IOException {
        Ed25519PrivateKeyParameters key = loadOrCreate(keyFile);
        byte[] record = Files.readAllBytes(runDir.resolve(ReportWriter.RECORD_JSON));
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, key);
        s.update(record, 0, record.length);
        byte[] sig = s.generateSignature();
        Ed25519PublicKeyParameters pub = key.generatePublicKey();
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("algorithm", ALGORITHM);
        doc.put("signed-file", ReportWriter.RECORD_JSON);
        doc.put("signed-sha256", Hashes.sha256(record));
        doc.put("public-key", Base64.getEncoder().encodeToString(
                SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pub).getEncoded()));
        doc.put("key-fingerprint", fingerprint(pub));
        doc.put("signature", Base64.getEncoder().encodeToString(sig));
        Path out = runDir.resolve(SIG_FILE);
        AtomicFiles.write(out, (Json.PRETTY.writeValueAsString(doc) + "\n").getBytes(StandardCharsets.UTF_8));
        return out;
    }

    /** @param fingerprint of the key that signed, for the verifier to compare with a trusted one */
    public record Check(boolean valid, String fingerprint, String problem) {}

    /** Checks record.json against record.json.sig; never throws for a bad signature, only reports it. */
    static Check check(byte[] record, byte[] sigFile) {
        JsonNode doc;
        try {
            doc = Json.MAPPER.readTree(sigFile);
        } catch (IOException e) {
            return new Check(false, null, SIG_FILE + " is not valid JSON: " + e.getMessage());
        }
        if (doc == null || !ALGORITHM.equals(doc.path("algorithm").asText())) {
            return new Check(false, null, SIG_FILE + " names no Ed25519 signature");
        }
        Ed25519PublicKeyParameters pub;
        byte[] sig;
        try {
            AsymmetricKeyParameter k = PublicKeyFactory.createKey(Base64.getDecoder().decode(doc.path("public-key").asText()));
            if (!(k instanceof Ed25519PublicKeyParameters p)) {
                return new Check(false, null, SIG_FILE + ": the public key is not an Ed25519 key");
            }
            pub = p;
            sig = Base64.getDecoder().decode(doc.path("signature").asText());
        } catch (IOException | IllegalArgumentException e) {
            return new Check(false, null, SIG_FILE + ": unreadable key or signature: " + e.getMessage());
        }
        Ed25519Signer v = new Ed25519Signer();
        v.init(false, pub);
        v.update(record, 0, record.length);
        boolean ok = v.verifySignature(sig);
        return new Check(ok, fingerprint(pub), ok ? null : ReportWriter.RECORD_JSON
                + " does not match its signature in " + SIG_FILE + " (record.json or the signature changed)");
    }

    /** SHA-256 of the raw 32-byte public key, hex: short enough to read out, long enough to trust. */
    static String fingerprint(Ed25519PublicKeyParameters pub) {
        return Hashes.sha256(pub.getEncoded());
    }

    /** The fingerprint of a public key file (the .pub.pem next to a bench key) or of a private key file. */
    public static String fingerprintOf(Path keyFile) throws IOException {
        try {
            PemObject pem = readPem(keyFile);
            if (pem.getType().equals("PUBLIC KEY")) {
                AsymmetricKeyParameter k = PublicKeyFactory.createKey(pem.getContent());
                if (k instanceof Ed25519PublicKeyParameters p) {
                    return fingerprint(p);
                }
                throw new IOException(keyFile + " holds no Ed25519 public key");
            }
            return fingerprint(privateKey(keyFile, pem).generatePublicKey());
        } catch (RuntimeException malformed) {
            // Bouncy Castle reports bad base64 or DER as unchecked exceptions.
            throw new IOException(keyFile + ": not a readable Ed25519 key: " + malformed.getMessage(), malformed);
        }
    }

    /** The public half of a private key file, as PEM. */
    static String publicPem(Path keyFile) throws IOException {
        Ed25519PublicKeyParameters pub = privateKey(keyFile, readPem(keyFile)).generatePublicKey();
        return pem("PUBLIC KEY", SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pub).getEncoded());
    }

    static Ed25519PrivateKeyParameters loadOrCreate(Path keyFile) throws IOException {
        if (!Files.exists(keyFile)) {
            create(keyFile);
        }
        return privateKey(keyFile, readPem(keyFile));
    }

    private static Ed25519PrivateKeyParameters privateKey(Path keyFile, PemObject pem) throws IOException {
        AsymmetricKeyParameter k = PrivateKeyFactory.createKey(pem.getContent());
        if (!(k instanceof Ed25519PrivateKeyParameters p)) {
            throw new IOException(keyFile + " holds no Ed25519 private key");
        }
        return p;
    }

    private static PemObject readPem(Path keyFile) throws IOException {
        try (PemReader r = new PemReader(new StringReader(Files.readString(keyFile, StandardCharsets.US_ASCII)))) {
            PemObject pem = r.readPemObject();
            if (pem == null) {
                throw new IOException(keyFile + " holds no PEM key");
            }
            return pem;
        }
    }

    private static void create(Path keyFile) throws IOException {
        Path dir = keyFile.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(new SecureRandom());
        String priv = pem("PRIVATE KEY", PrivateKeyInfoFactory.createPrivateKeyInfo(key).getEncoded());
        String pub = pem("PUBLIC KEY", SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key.generatePublicKey()).getEncoded());
        Path tmp = dir.resolve("." + keyFile.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException noPosix) {
            Files.createFile(tmp);
        }
        try {
            Files.writeString(tmp, priv, StandardCharsets.US_ASCII);
            // No replace: two first runs racing keep one key, and both sign with it.
            Files.move(tmp, keyFile);
            Files.writeString(publicKeyFile(keyFile), pub, StandardCharsets.US_ASCII);
        } catch (FileAlreadyExistsException raced) {
            // The other run's key stands.
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static Path publicKeyFile(Path keyFile) {
        String name = keyFile.getFileName().toString();
        return keyFile.resolveSibling((name.endsWith(".pem") ? name.substring(0, name.length() - 4) : name) + ".pub.pem");
    }

    private static String pem(String type, byte[] der) throws IOException {
        StringWriter w = new StringWriter();
        try (PemWriter p = new PemWriter(w)) {
            p.writeObject(new PemObject(type, der));
        }
        return w.toString();
    }
}
