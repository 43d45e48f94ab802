package dev.starbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code starbench report verify DIR}: is this run directory what the bench wrote? Checks the
 * Ed25519 signature over record.json, the SHA-256 of every file record.json lists (the journal and
 * the console transcript among them), and, when the journal is intact, that every derived output
 * is what the journal renders to. Each problem names the file that changed.
 */
public final class ReportVerifier {

    /** @param problems one line per file that changed, is missing or is not signed; empty = verified */
    public record Result(List<String> problems, List<String> verified, String signerFingerprint) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private ReportVerifier() {}

    /**
     * @param trustedFingerprint the fingerprint the signer must have, or null to accept any key
     *                           (the fingerprint is reported either way)
     */
    public static Result verify(Path dir, String trustedFingerprint) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> verified = new ArrayList<>();
        byte[] record;
        try {
            record = RecordReader.readRegular(dir.resolve(ReportWriter.RECORD_JSON), RecordReader.MAX_RECORD,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(dir.resolve(ReportWriter.RECORD_JSON) + " (not a run directory?)");
        }
        String signer = null;
        Path sigFile = dir.resolve(RecordSignature.SIG_FILE);
        if (!Files.exists(sigFile)) {
            problems.add(RecordSignature.SIG_FILE + ": missing, so record.json is not signed");
        } else {
            RecordSignature.Check c = RecordSignature.check(record,
                    RecordReader.readRegular(sigFile, RecordReader.MAX_SIGNATURE, LinkOption.NOFOLLOW_LINKS));
            signer = c.fingerprint();
            if (!c.valid()) {
                problems.add(c.problem());
            } else if (trustedFingerprint != null && !trustedFingerprint.equalsIgnoreCase(signer)) {
                problems.add(RecordSignature.SIG_FILE + ": signed by key " + signer + ", not by the trusted key "
                        + trustedFingerprint);
            } else {
                verified.add(ReportWriter.RECORD_JSON + ": Ed25519 signature valid (key " + signer + ")");
            }
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(record);
        } catch (IOException e) {
            problems.add(ReportWriter.RECORD_JSON + ": not valid JSON any more: " + e.getMessage());
            return new Result(List.copyOf(problems), List.copyOf(verified), signer);
        }
        boolean journalIntact = false;
        String journalName = null;
        for (JsonNode f : root.path("files")) {
            String path = f.path("path").asText();
            String want = f.path("sha256").asText();
            if (Text.relativeHref(path) == null) {
                problems.add(path + ": listed with a path outside the run directory");
                continue;
            }
            Path file = dir.resolve(path);
            if (!Files.isRegularFile(file)) {
                problems.add(path + ": missing (record.json lists it with SHA-256 " + want + ")");
                continue;
            }
            String got = Hashes.sha256(file);
            if (!got.equals(want)) {
                problems.add(path + ": changed (SHA-256 " + got + ", record.json says " + want + ")");
            } else {
                verified.add(path + ": SHA-256 matches");
                if (path.endsWith(".jsonl")) {
                    journalIntact = true;
                    journalName = path;
                }
            }
        }
        if (!root.has("files") || root.path("files").isEmpty()) {
            problems.add(ReportWriter.RECORD_JSON + ": lists no evidence files (written by an older controller?)");
        }
        if (journalIntact) {
            derived(dir, dir.resolve(journalName), record, problems, verified);
        }
        return new Result(List.copyOf(problems), List.copyOf(verified), signer);
    }

    /** Outputs that differ from what the intact journal renders to were edited after the run. */
    private static void derived(Path dir, Path journal, byte[] record, List<String> problems, List<String> verified)
            throws IOException {
        Map<String, byte[]> expected;
        try {
            expected = ReportWriter.render(RecordBuilder.fromJournal(journal));
        } catch (IOException e) {
            problems.add(dir.relativize(journal) + ": cannot be rendered: " + e.getMessage());
            return;
        }
        if (!Arrays.equals(expected.get(ReportWriter.RECORD_JSON), record)) {
            // A different controller build renders differently; the signature above is what counts then.
            verified.add(ReportWriter.RECORD_JSON + ": not re-rendered here (written by another controller build)");
            return;
        }
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            Path file = dir.resolve(e.getKey());
            if (e.getKey().equals(ReportWriter.RECORD_JSON) || !Files.exists(file)) {
                continue;
            }
            // Read only a regular file of the expected size: a FIFO or /dev/zero in its place is simply changed.
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) == e.getValue().length
                    && Arrays.equals(Files.readAllBytes(file), e.getValue())) {
                verified.add(e.getKey() + ": identical to what the journal renders to");
            } else {
                problems.add(e.getKey() + ": changed (differs from what the journal renders to; "
                        + "`starbench report render` rebuilds it)");
            }
        }
    }
}
