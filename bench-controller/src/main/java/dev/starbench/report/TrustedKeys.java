package dev.starbench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The keys whose signatures {@code starbench report verify} accepts. A signature checked against the
 * key that came with the data proves only that someone signed it; what counts is who. By default:
 * this bench's own key ({@code ~/.starbench/bench-key.pub.pem}, or the public half of
 * {@code bench-key.pem}) and a keyring of other benches' public keys, one PEM file each, in
 * {@code ~/.starbench/trusted-keys/}. Keys a fixture names as its {@code signing-key} join the keyring
 * when the bench first signs with them, since they are this bench's own too.
 */
public final class TrustedKeys {
    private static final String PUB_SUFFIX = ".pub.pem";

    /** Fingerprint to the file it was read from. */
    private final Map<String, Path> keys;
    private final String description;

    private TrustedKeys(Map<String, Path> keys, String description) {
        this.keys = Collections.unmodifiableMap(keys);
        this.description = description;
    }

    /** ~/.starbench/trusted-keys: the keyring. */
    public static Path keyringDir() {
        return RecordSignature.defaultKeyFile().resolveSibling("trusted-keys");
    }

    /** This bench's own key and the keyring's. */
    public static TrustedKeys ofThisBench() throws IOException {
        return load(RecordSignature.defaultKeyFile(), keyringDir());
    }

    /**
     * @param ownKey the bench's private key file; its .pub.pem beside it is read if present, else the key itself
     */
    static TrustedKeys load(Path ownKey, Path keyring) throws IOException {
        Map<String, Path> keys = new LinkedHashMap<>();
        Path ownPublic = RecordSignature.publicKeyFile(ownKey);
        Path own = Files.exists(ownPublic) ? ownPublic : Files.exists(ownKey) ? ownKey : null;
        if (own != null) {
            keys.put(RecordSignature.fingerprintOf(own), own);
        }
        int inKeyring = 0;
        if (Files.isDirectory(keyring)) {
            List<Path> files;
            try (Stream<Path> list = Files.list(keyring)) {
                files = list.filter(f -> f.getFileName().toString().endsWith(".pem")).sorted().toList();
            }
            for (Path f : files) {
                keys.putIfAbsent(RecordSignature.fingerprintOf(f), f);
                inKeyring++;
            }
        }
        String description = (own == null ? "no key of this bench (" + ownPublic + " does not exist)" : "this bench's key " + own)
                + " and " + inKeyring + " key" + (inKeyring == 1 ? "" : "s") + " in " + keyring;
        return new TrustedKeys(keys, description);
    }

    /** Exactly these keys (`--public-key`): the run must have been signed by one of them. */
    public static TrustedKeys of(List<Path> keyFiles) throws IOException {
        Map<String, Path> keys = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (Path f : keyFiles) {
            keys.putIfAbsent(RecordSignature.fingerprintOf(f), f);
            names.add(f.toString());
        }
        return new TrustedKeys(keys, "the key" + (names.size() == 1 ? " " : "s ") + String.join(", ", names)
                + " given with --public-key");
    }

    public boolean trusts(String fingerprint) {
        return fingerprint != null && keys.containsKey(fingerprint.toLowerCase(java.util.Locale.ROOT));
    }

    /** The file a trusted key was read from. */
    public Path source(String fingerprint) {
        return keys.get(fingerprint.toLowerCase(java.util.Locale.ROOT));
    }

    /** Where the trusted keys came from, for messages. */
    public String description() {
        return description;
    }

    /**
     * Puts the public half of a key this bench signs with (a fixture's {@code signing-key}) into the
     * keyring, named by its fingerprint, unless it is there. Best effort: a bench that cannot write
     * its keyring still signs, and verify names the key with how to trust it.
     */
    public static void rememberOwn(Path privateKeyFile) {
        try {
            String fingerprint = RecordSignature.fingerprintOf(privateKeyFile);
            Path keyring = keyringDir();
            Files.createDirectories(keyring);
            Files.writeString(keyring.resolve(fingerprint.substring(0, 16) + PUB_SUFFIX), RecordSignature.publicPem(privateKeyFile),
                    StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException known) {
            // remembered by an earlier run
        } catch (IOException e) {
            // see above
        }
    }
}
