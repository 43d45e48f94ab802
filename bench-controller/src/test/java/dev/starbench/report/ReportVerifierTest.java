package dev.starbench.report;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import dev.starbench.run.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

/**
 * `report verify` on a run directory written as a run writes it: a journal with its evidence files,
 * the outputs rendered from it, signed with the bench's key. What is trusted is this bench's key and
 * its keyring, not the key that came with the signature.
 */
public class ReportVerifierTest {
    private Path dir;
    private Path runDir;
    private Path benchKey;
    private Path keyring;

    @BeforeMethod
    void writeARun() throws IOException {
        dir = Files.createTempDirectory("verify-test");
        runDir = Files.createDirectories(dir.resolve("run"));
        benchKey = dir.resolve("home/bench-key.pem");
        keyring = dir.resolve("home/trusted-keys");
        Files.writeString(runDir.resolve("console.transcript"), "2025-05-01T09:00:01Z RX \"login: \"\n");
        Files.writeString(runDir.resolve("virtual-dut.log"), "2025-05-01T09:00:00Z vdut: power on\n");
        Path journal = runDir.resolve("journal.jsonl");
        try (Journal j = Journal.create(journal, StepClock.standard())) {
            j.runStarted(Journals.manifest("debug.c1"));
            j.checkStarted("debug.c1", "Check 1", List.of("JC-STAR-1.1"));
            j.checkEnded("debug.c1", Verdict.FAIL, "a root shell without a password", 1000);
            j.finaliser("powered-off", "relay off");
            for (String f : List.of("console.transcript", "virtual-dut.log")) {
                j.evidenceFile(f, Hashes.sha256(runDir.resolve(f)), Files.size(runDir.resolve(f)));
            }
            j.runEnded();
        }
        ReportWriter.writeAll(RecordBuilder.fromJournal(journal), runDir);
        RecordSignature.sign(runDir, benchKey);
    }

    @AfterMethod(alwaysRun = true)
    void removeDir() throws IOException {
        TestDirs.delete(dir);
    }

    private ReportVerifier.Result verify() throws IOException {
        return ReportVerifier.verify(runDir, TrustedKeys.load(benchKey, keyring));
    }

    @Test
    void theRunAsWrittenVerifiesAndEveryFileIsListed() throws IOException {
        ReportVerifier.Result r = verify();
        assertTrue(r.ok(), r.problems().toString());
        for (String f : List.of("journal.jsonl", "console.transcript", "virtual-dut.log", "junit.xml", "report.html",
                "checklist.csv", "checklist.md")) {
            assertTrue(r.verified().contains(f + ": SHA-256 matches"), f + " in " + r.verified());
        }
        assertTrue(r.verified().get(0).startsWith("record.json: Ed25519 signature valid, by the trusted key "
                + RecordSignature.fingerprintOf(benchKey)), r.verified().toString());
    }

    /** The forgery: FAIL made PASS in record.json, and signed again with a fresh key. */
    @Test
    void aRunReSignedWithAnotherKeyIsUntrustedUntilThatKeyIsTrusted() throws IOException {
        Path record = runDir.resolve("record.json");
        String forged = Files.readString(record).replace("\"outcome\" : \"fail\"", "\"outcome\" : \"pass\"")
                .replace("\"verdict\" : \"FAIL\"", "\"verdict\" : \"PASS\"");
        assertTrue(!forged.equals(Files.readString(record)));
        Files.writeString(record, forged);
        Path forgerKey = dir.resolve("forger/key.pem");
        RecordSignature.sign(runDir, forgerKey);
        String forger = RecordSignature.fingerprintOf(forgerKey);

        ReportVerifier.Result r = verify();
        assertEquals(r.signerFingerprint(), forger);
        assertTrue(r.onlyUntrusted(), r.problems().toString());
        assertEquals(r.problems().size(), 1, r.problems().toString());
        String said = r.problems().get(0).toString();
        assertTrue(said.startsWith("UNTRUSTED: record.json.sig: record.json is validly signed, but by key " + forger
                + ", which is not trusted here (trusted: this bench's key " + RecordSignature.publicKeyFile(benchKey)
                + " and 0 keys in " + keyring + ")"), said);
        assertTrue(said.contains("copy that file into " + TrustedKeys.keyringDir() + "/"), said);

        assertTrue(ReportVerifier.verify(runDir, TrustedKeys.of(List.of(RecordSignature.publicKeyFile(benchKey))))
                .onlyUntrusted(), "--public-key names exactly the keys to trust");

        Files.createDirectories(keyring);
        Files.copy(RecordSignature.publicKeyFile(forgerKey), keyring.resolve("other-bench.pub.pem"));
        r = verify();
        assertTrue(r.ok(), "trusted once its key is in the keyring: " + r.problems());
    }

    @Test
    void eachDeletedOutputIsNamedAsMissing() throws IOException {
        for (String f : List.of("report.html", "junit.xml", "checklist.md")) {
            Files.delete(runDir.resolve(f));
        }
        ReportVerifier.Result r = verify();
        assertEquals(r.problems().stream().map(ReportVerifier.Problem::toString).map(p -> p.substring(0, p.indexOf(" (")))
                .toList(), List.of("MISSING: junit.xml: missing", "MISSING: report.html: missing", "MISSING: checklist.md: missing"));
    }

    @Test
    void anAddedFileAndAnAddedDirectoryAreNamedAsUnexpected() throws IOException {
        Files.writeString(runDir.resolve("notes.txt"), "added later\n");
        Files.createDirectories(runDir.resolve("extra/deeper"));
        Files.writeString(runDir.resolve("extra/deeper/x.bin"), "x");
        ReportVerifier.Result r = verify();
        assertEquals(r.problems().stream().map(ReportVerifier.Problem::toString).toList(),
                List.of("UNEXPECTED: extra: a directory the run did not write", "UNEXPECTED: notes.txt: a file the run did not write"));
    }

    @Test
    void theVirtualDutsLogIsCoveredEditedOrDeleted() throws IOException {
        Path log = runDir.resolve("virtual-dut.log");
        Files.writeString(log, "2025-05-01T09:00:00Z vdut: power off\n");
        ReportVerifier.Result r = verify();
        assertEquals(r.problems().size(), 1, r.problems().toString());
        assertTrue(r.problems().get(0).toString().startsWith("CHANGED: virtual-dut.log: changed (SHA-256 "), r.problems().toString());
        Files.delete(log);
        r = verify();
        assertTrue(r.problems().get(0).toString().startsWith("MISSING: virtual-dut.log: missing"), r.problems().toString());
    }

    @Test
    void aSymlinkInPlaceOfAListedFileIsNotTheFile() throws IOException {
        Path html = runDir.resolve("report.html");
        Path elsewhere = Files.move(html, dir.resolve("report.html"));
        Files.createSymbolicLink(html, elsewhere);
        ReportVerifier.Result r = verify();
        assertTrue(r.problems().stream().anyMatch(p -> p.toString().equals("CHANGED: report.html: a link or directory, not the file the run wrote")), r.problems().toString());
    }
}
