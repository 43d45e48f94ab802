package dev.starbench.bench.mqtt;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.net.LabPki;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;

/**
 * The bench's command format on a device's command topic: a JSON line {@code {"action","counter","nonce"}},
 * then a line with the Base64 ECDSA-SHA256 signature of the JSON line by the lab CA's key.
 *
 * @param firstLine the JSON line, for the evidence (the signature says nothing to a reader)
 */
public record SignedCommand(String firstLine, byte[] bytes) {
    /**
     * The nonce comes from {@code random} (the caller's seeded stream, so a rerun sends the same); the
     * counter is the clock, because a device that remembers the highest counter it obeyed must see a fresh
     * one in a rerun too.
     */
    public static SignedCommand of(String action, Random random, LabPki.Identity labCa) throws BenchIoException {
        if (labCa == null) {
            throw new BenchIoException("a signed command needs the lab CA's key (network.cloud.ca-cert and ca-key)");
        }
        byte[] nonce = new byte[8];
        random.nextBytes(nonce);
        String body = "{\"action\":\"" + action.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"counter\":"
                + System.currentTimeMillis() + ",\"nonce\":\"" + HexFormat.of().formatHex(nonce) + "\"}";
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(labCa.key());
            s.update(body.getBytes(StandardCharsets.UTF_8));
            return new SignedCommand(body, (body + "\n" + Base64.getEncoder().encodeToString(s.sign())).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new BenchIoException("cannot sign a command with the lab CA key: " + e.getMessage(), e);
        }
    }
}
