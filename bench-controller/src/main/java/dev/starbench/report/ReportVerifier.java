package dev.starbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code starbench report verify DIR}: is this run directory what a trusted bench wrote? Checks the
 * Ed25519 signature over record.json and that its signer is a trusted key; that every file
 * record.json lists (the journal, the console transcript, the virtual DUT's log, and the outputs
 * rendered beside it) is there with its SHA-256; that nothing else is in the directory; and, when
 * the journal is intact, that every output is what the journal renders to. Each problem names its
 * file.
 */
public final class ReportVerifier {

    /** What is wrong with a file, as `report verify` labels it. */
    public enum Kind {
        /** Its bytes are not the ones signed, or not what the journal renders to. */
        CHANGED,
        /** Listed by the record, not in the directory. */
        MISSING,
        /** In the directory, not written by the run. */
        UNEXPECTED,
        /** Validly signed, by a key that is not trusted here. */
        UNTRUSTED
    }

    public record Problem(Kind kind, String text) {
        @Override
        public String toString() {
            return kind + ": " + text;
        }
    }

    /** @param problems one per file that changed, is missing, is unexpected or is signed by an unknown key; empty = verified */
    public record Result(List<Problem> problems, List<String> verified, String signerFingerprint) {
        public boolean ok() {
            return problems.isEmpty();
        }

        /** Nothing changed, missing or unexpected: the only problem is who signed. */
        public boolean onlyUntrusted() {
            return !problems.isEmpty() && problems.stream().allMatch(p -> p.kind() == Kind.UNTRUSTED);
        }
    }

    private ReportVerifier() {}

    public static Result verify(Path dir, TrustedKeys trusted) throws IOException {
        List<Problem> problems = new ArrayList<>();
        List<String> verified = new ArrayList<>();
        byte[] record;
        try {
            record = RecordReader.readRegular(dir.resolve(ReportWriter.RECORD_JSON), RecordReader.MAX_RECORD,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(dir.resolve(ReportWriter.RECORD_JSON) + " (not a run directory?)");
        }
        String signer = signature(dir, record, trusted, problems, verified);
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(record);
        } catch (IOException e) {
            problems.add(new Problem(Kind.CHANGED, ReportWriter.RECORD_JSON + ": not valid JSON any more: " + e.getMessage()));
            return new Result(List.copyOf(problems), List.copyOf(verified), signer);
        }
        Map<String, String> listed = new LinkedHashMap<>();
        listed.put(ReportWriter.RECORD_JSON, null);
        listed.put(RecordSignature.SIG_FILE, null);
        String journal = null;
        for (JsonNode f : root.path("files")) {
            String path = f.path("path").asText();
            if (checkListed(dir, path, f.path("sha256").asText(), listed, problems, verified) && path.endsWith(".jsonl")) {
                journal = path;
            }
        }
        if (root.path("files").isEmpty()) {
            problems.add(new Problem(Kind.CHANGED, ReportWriter.RECORD_JSON + ": lists no evidence files (written by an older controller?)"));
        }
        if (root.has("outputs")) {
            for (JsonNode f : root.path("outputs")) {
                checkListed(dir, f.path("path").asText(), f.path("sha256").asText(), listed, problems, verified);
            }
        } else {
            // An older record lists no outputs; the ones this build writes are expected, and re-rendered below.
            for (String name : ReportWriter.OUTPUTS) {
                if (listed.putIfAbsent(name, null) == null && !name.equals(ReportWriter.RECORD_JSON)
                        && !Files.isRegularFile(dir.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                    problems.add(new Problem(Kind.MISSING, name + ": missing (`starbench report render` rebuilds it from the journal)"));
                }
            }
        }
        unexpected(dir, listed, problems);
        if (journal != null) {
            derived(dir, dir.resolve(journal), record, problems, verified);
        }
        return new Result(List.copyOf(problems), List.copyOf(verified), signer);
    }

    /** @return the signer's fingerprint, or null if the signature is missing or unreadable */
    private static String signature(Path dir, byte[] record, TrustedKeys trusted, List<Problem> problems, List<String> verified)
            throws IOException {
        Path sigFile = dir.resolve(RecordSignature.SIG_FILE);
        if (!Files.exists(sigFile)) {
            problems.add(new Problem(Kind.MISSING, RecordSignature.SIG_FILE + ": missing, so record.json is not signed"));
            return null;
        }
        RecordSignature.Check c = RecordSignature.check(record,
                RecordReader.readRegular(sigFile, RecordReader.MAX_SIGNATURE, LinkOption.NOFOLLOW_LINKS));
        String signer = c.fingerprint();
        if (!c.valid()) {
            problems.add(new Problem(Kind.CHANGED, c.problem()));
        } else if (!trusted.trusts(signer)) {
            problems.add(new Problem(Kind.UNTRUSTED, RecordSignature.SIG_FILE + ": record.json is validly signed, but by key "
                    + signer + ", which is not trusted here (trusted: " + trusted.description() + "). If you trust the bench "
                    + "that signed it, check that its bench-key.pub.pem has this fingerprint and copy that file into "
                    + TrustedKeys.keyringDir() + "/, or name it with --public-key"));
        } else {
            verified.add(ReportWriter.RECORD_JSON + ": Ed25519 signature valid, by the trusted key " + signer
                    + " (" + trusted.source(signer) + ")");
        }
        return signer;
    }

    /** @return whether the file is there with the listed SHA-256 */
    private static boolean checkListed(Path dir, String path, String want, Map<String, String> listed,
                                       List<Problem> problems, List<String> verified) throws IOException {
        if (Text.relativeHref(path) == null || path.contains("\\")) {
            problems.add(new Problem(Kind.CHANGED, path + ": listed with a path outside the run directory"));
            return false;
        }
        listed.put(path, want);
        Path file = dir.resolve(path);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            problems.add(new Problem(Kind.MISSING, path + ": missing (record.json lists it with SHA-256 " + want + ")"));
            return false;
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            problems.add(new Problem(Kind.CHANGED, path + ": a link or directory, not the file the run wrote"));
            return false;
        }
        String got = Hashes.sha256(file);
        if (!got.equals(want)) {
            problems.add(new Problem(Kind.CHANGED, path + ": changed (SHA-256 " + got + ", record.json says " + want + ")"));
            return false;
        }
        verified.add(path + ": SHA-256 matches");
        return true;
    }

    /** Whatever else is in the directory was not written by the run; an unexpected directory is named once. */
    private static void unexpected(Path dir, Map<String, String> listed, List<Problem> problems) throws IOException {
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(dir)) {
            entries = walk.filter(p -> !p.equals(dir)).sorted().toList();
        }
        List<String> named = new ArrayList<>();
        for (Path e : entries) {
            String rel = dir.relativize(e).toString().replace('\\', '/');
            boolean directory = Files.isDirectory(e, LinkOption.NOFOLLOW_LINKS);
            if (listed.containsKey(rel) || named.stream().anyMatch(rel::startsWith)
                    || directory && listed.keySet().stream().anyMatch(p -> p.startsWith(rel + "/"))) {
                continue;
            }
            if (directory) {
                named.add(rel + "/");
            }
            String what = directory ? "a directory" : Files.isSymbolicLink(e) ? "a link" : "a file";
            problems.add(new Problem(Kind.UNEXPECTED, rel + ": " + what + " the run did not write"
                    + (rel.startsWith("checklist-answered.") ? " (a technician's answers are not covered by the signature:"
                    + " keep them outside the run directory, `starbench checklist --out DIR`)" : "")));
        }
    }

    /** Outputs that differ from what the intact journal renders to were edited after the run. */
    private static void derived(Path dir, Path journal, byte[] record, List<Problem> problems, List<String> verified)
            throws IOException {
        Map<String, byte[]> expected;
        try {
            expected = ReportWriter.render(RecordBuilder.fromJournal(journal));
        } catch (IOException e) {
            problems.add(new Problem(Kind.CHANGED, dir.relativize(journal) + ": cannot be rendered: " + e.getMessage()));
            return;
        }
        if (!Arrays.equals(expected.get(ReportWriter.RECORD_JSON), record)) {
            // A different controller build renders differently; the signature and hashes above are what count then.
            verified.add(ReportWriter.RECORD_JSON + ": not re-rendered here (written by another controller build)");
            return;
        }
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            Path file = dir.resolve(e.getKey());
            if (e.getKey().equals(ReportWriter.RECORD_JSON) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            // Read only a file of the expected size: a huge one in its place is simply changed.
            if (Files.size(file) == e.getValue().length
                    && Arrays.equals(Files.readAllBytes(file), e.getValue())) {
                verified.add(e.getKey() + ": identical to what the journal renders to");
            } else if (problems.stream().noneMatch(p -> p.text().startsWith(e.getKey() + ": "))) {
                problems.add(new Problem(Kind.CHANGED, e.getKey() + ": changed (differs from what the journal renders to; "
                        + "`starbench report render` rebuilds it)"));
            }
        }
    }
}
