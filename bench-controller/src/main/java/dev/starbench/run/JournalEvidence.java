package dev.starbench.run;

import dev.starbench.checks.Evidence;
import dev.starbench.console.Console;
import dev.starbench.console.SecretScanner;
import dev.starbench.report.DeviceKey;
import dev.starbench.report.Hashes;
import dev.starbench.report.Measurement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Evidence of the running check, journaled as it comes. Console excerpts are what the technician's
 * terminal showed (no colour codes or queries, which a report would only half remove), with their
 * secrets masked as shown; every raw byte stays in the transcript file.
 */
final class JournalEvidence implements Evidence {
    static final String TRANSCRIPT_FILE = "console.transcript";
    /** Keeps the journal small on a flooding console; the full stream is in the transcript file. */
    private static final int MAX_EXCERPT = 16 * 1024;

    private final Journal journal;
    private final Console console;
    private volatile String checkId;

    JournalEvidence(Journal journal, Console console) {
        this.journal = journal;
        this.console = console;
    }

    void currentCheck(String id) {
        checkId = id;
    }

    /** The check under way; null between checks. */
    String currentCheck() {
        return checkId;
    }

    @Override
    public void step(String text) {
        journal.evidence(checkId, "step", text, null);
    }

    @Override
    public void transcript(String title, long from, long to) {
        String text = SecretScanner.mask(console.visibleText(from, to));
        String cut = text.length() > MAX_EXCERPT
                ? "[… " + (text.length() - MAX_EXCERPT) + " earlier chars in " + TRANSCRIPT_FILE + "]\n" + text.substring(text.length() - MAX_EXCERPT)
                : text;
        journal.evidence(checkId, "transcript", title + "\n" + cut, TRANSCRIPT_FILE);
    }

    @Override
    public void finding(String text) {
        journal.evidence(checkId, "finding", text, null);
    }

    @Override
    public void note(String text) {
        journal.evidence(checkId, "note", text, null);
    }

    /** Hashed now, as it stands: the tool that wrote it has ended, and nothing writes it again. */
    @Override
    public void file(String title, Path file) {
        Path runDir = journal.file().toAbsolutePath().getParent();
        Path at = file.toAbsolutePath().normalize();
        if (!at.startsWith(runDir)) {
            throw new IllegalArgumentException(file + " is not in the run directory " + runDir);
        }
        String name = runDir.relativize(at).toString().replace('\\', '/');
        try {
            journal.evidenceFile(name, Hashes.sha256(at), Files.size(at));
        } catch (IOException e) {
            note(title + ": " + name + " could not be read to hash it (" + e.getMessage() + ")");
            return;
        }
        journal.evidence(checkId, "file", title, name);
    }

    @Override
    public void measurement(Measurement m) {
        journal.measurement(checkId, m);
    }

    @Override
    public void deviceKey(DeviceKey key) {
        journal.evidence(checkId, DeviceKey.KIND, key.text(), null);
    }
}
