package dev.starbench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The public key a unit identified itself with in a run (comms.device-identity): the SHA-256 of its
 * DER SubjectPublicKeyInfo, and the certificate it came in. It is journalled as evidence of the kind
 * {@value #KIND}, one line a person reads and the history parses, so units can be compared across
 * runs: two units of a model must never share a key.
 *
 * @param keySha256 lowercase hex, 64 digits
 * @param serial    the certificate's serial number, lowercase hex
 * @param subject   the certificate's subject (RFC 2253), as the device sent it
 */
public record DeviceKey(String keySha256, String serial, String subject) {
    public static final String KIND = "device-key";
    /** The check that records it. */
    public static final String CHECK = "comms.device-identity";
    private static final int MAX_SUBJECT = 512;
    private static final Pattern LINE = Pattern.compile(
            "public key SHA-256 ([0-9a-f]{64}), certificate serial ([0-9a-f]{1,80}), subject (.{0," + MAX_SUBJECT + "})");

    public DeviceKey {
        if (keySha256 == null || !keySha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a key's SHA-256 is 64 lowercase hex digits, got " + keySha256);
        }
        if (serial == null || !serial.matches("[0-9a-f]{1,80}")) {
            throw new IllegalArgumentException("a serial is 1 to 80 lowercase hex digits, got " + serial);
        }
        // The subject is the device's to choose: one line, bounded, so the evidence stays one parseable line.
        subject = subject == null ? "" : subject.replaceAll("[\\p{Cntrl}]", "?");
        subject = subject.length() > MAX_SUBJECT ? subject.substring(0, MAX_SUBJECT) : subject;
    }

    /** The evidence line. */
    public String text() {
        return "public key SHA-256 " + keySha256 + ", certificate serial " + serial + ", subject " + subject;
    }

    public static Optional<DeviceKey> parse(String text) {
        Matcher m = LINE.matcher(text == null ? "" : text);
        return m.matches() ? Optional.of(new DeviceKey(m.group(1), m.group(2), m.group(3))) : Optional.empty();
    }

    /** The keys a run recorded, in the order its checks did. */
    public static List<DeviceKey> of(RunRecord record) {
        List<DeviceKey> keys = new ArrayList<>();
        for (RunRecord.CheckResult c : record.checks()) {
            for (RunRecord.Evidence e : c.evidence()) {
                if (KIND.equals(e.kind())) {
                    parse(e.text()).ifPresent(keys::add);
                }
            }
        }
        return keys;
    }

    /**
     * Another unit's key, from its run (a run directory given with {@code --other-unit}): this unit's key
     * must differ from it.
     */
    public record OtherUnit(String runId, String deviceModel, DeviceKey key) {
        public String describe() {
            return "the unit of run " + runId + (deviceModel == null ? "" : " (model " + deviceModel + ")") + ": "
                    + key.text();
        }
    }
}
