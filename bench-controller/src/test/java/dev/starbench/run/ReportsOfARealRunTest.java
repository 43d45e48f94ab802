package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import dev.starbench.dut.Interrupt;
import dev.starbench.report.RecordBuilder;
import dev.starbench.report.RecordSignature;
import dev.starbench.report.ReportWriter;
import dev.starbench.report.RunRecord;
import dev.starbench.report.TrustedKeys;
import dev.starbench.report.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * One real run against the insecure virtual DUT, then what an engineer does with its directory:
 * render it again from the journal, verify its signature and hashes, tamper with it, rerun it.
 */
public class ReportsOfARealRunTest {
    private Path dir;
    private Path fixture;
    private Path profile;
    private Path key;
    private Path runDir;

    @BeforeClass
    public void run() throws Exception {
        dir = Files.createTempDirectory("starbench-reports");
        key = dir.resolve("keys/bench-key.pem");
        // The shipped fixture with its jar made absolute and the signing key in the test's directory.
        String jar = VirtualBench.root().resolve("virtual-dut/target/virtual-dut.jar").toString();
        fixture = dir.resolve("fixture.yaml");
        Files.writeString(fixture, Files.readString(VirtualBench.fixture())
                .replace("../virtual-dut/target/virtual-dut.jar", jar) + "signing-key: keys/bench-key.pem\n");
        profile = dir.resolve("profile.yaml");
        Files.copy(VirtualBench.profile("virtual-insecure"), profile);
        CliTest.Captured c = CliTest.cli("run", "--fixture", fixture.toString(), "--device", profile.toString(),
                "--out", dir.resolve("out").toString(), "--lease-dir", dir.resolve("leases").toString());
        assertEquals(c.exit(), 1, c.out() + c.err());
        try (Stream<Path> runs = Files.list(dir.resolve("out"))) {
            runDir = runs.findFirst().orElseThrow();
        }
    }

    @Test
    public void theRunSignsItsRecordWithTheFixturesKeyMadeOnFirstUse() throws Exception {
        assertTrue(Files.isRegularFile(key), "key made on first use");
        assertTrue(Files.isRegularFile(key.resolveSibling("bench-key.pub.pem")));
        assertTrue(Files.isRegularFile(runDir.resolve("record.json.sig")));
        String record = Files.readString(runDir.resolve("record.json"));
        assertTrue(record.contains("\"path\" : \"console.transcript\""), record);
        assertTrue(record.contains("\"path\" : \"virtual-dut.log\""), "the virtual DUT's log is listed too: " + record);
        assertTrue(record.contains("\"path\" : \"report.html\""), "and the outputs beside the record: " + record);
        assertTrue(record.contains("\"seed\" : "), record);
        assertTrue(record.contains("\"name\" : \"boot-time\""), "the UART check measures the boot");
        CliTest.Captured v = CliTest.cli("report", "verify", runDir.toString(),
                "--public-key", key.resolveSibling("bench-key.pub.pem").toString());
        assertEquals(v.exit(), 0, v.out() + v.err());
        assertTrue(v.out().contains("ok: console.transcript: SHA-256 matches"), v.out());
    }

    @Test
    public void renderFromTheJournalEqualsTheRunsOutputsByteForByte() throws Exception {
        Path again = dir.resolve("rendered");
        CliTest.Captured c = CliTest.cli("report", "render", runDir.resolve("journal.jsonl").toString(),
                "--out", again.toString());
        assertEquals(c.exit(), 0, c.err());
        for (String name : ReportWriter.OUTPUTS) {
            assertTrue(Arrays.equals(Files.readAllBytes(runDir.resolve(name)), Files.readAllBytes(again.resolve(name))),
                    name + " differs after render");
        }
    }

    @Test
    public void aChangedRecordOrEvidenceFileFailsVerifyNamingTheFile() throws Exception {
        Path copy = copyOfRun("tampered-record");
        Path record = copy.resolve("record.json");
        Files.writeString(record, Files.readString(record).replace("\"FAIL\"", "\"PASS\""));
        CliTest.Captured v = CliTest.cli("report", "verify", copy.toString());
        assertEquals(v.exit(), 1, v.out());
        assertTrue(v.out().contains("CHANGED: record.json does not match its signature"), v.out());

        Path copy2 = copyOfRun("tampered-transcript");
        Files.writeString(copy2.resolve("console.transcript"), "edited\n", java.nio.file.StandardOpenOption.APPEND);
        v = CliTest.cli("report", "verify", copy2.toString());
        assertEquals(v.exit(), 1, v.out());
        assertTrue(v.out().contains("CHANGED: console.transcript: changed (SHA-256 "), v.out());
        assertFalse(v.out().contains("CHANGED: record.json"), "only the transcript changed: " + v.out());

        Path copy3 = copyOfRun("tampered-html");
        Files.writeString(copy3.resolve("report.html"), Files.readString(copy3.resolve("report.html")).replace("FAIL", "PASS"));
        v = CliTest.cli("report", "verify", copy3.toString());
        assertEquals(v.exit(), 1, v.out());
        assertTrue(v.out().contains("CHANGED: report.html: changed"), v.out());
    }

    @Test
    public void theRunVerifiesWithoutNamingAKeyBecauseThisBenchSignedIt() throws Exception {
        CliTest.Captured v = CliTest.cli("report", "verify", runDir.toString());
        assertEquals(v.exit(), 0, v.out() + v.err());
        assertTrue(v.out().contains("ok: virtual-dut.log: SHA-256 matches"), v.out());
    }

    /** The forgery: FAIL made PASS in record.json and signed again with a fresh Ed25519 key. */
    @Test
    public void aRunReSignedWithAnotherKeyExits2UntilThatKeyIsTrusted() throws Exception {
        Path copy = copyOfRun("forged");
        Path record = copy.resolve("record.json");
        String original = Files.readString(record);
        Files.writeString(record, original.replace("\"outcome\" : \"fail\"", "\"outcome\" : \"pass\""));
        assertFalse(Files.readString(record).equals(original));
        Path forgerKey = dir.resolve("forger/bench-key.pem");
        RecordSignature.sign(copy, forgerKey);
        String forger = RecordSignature.fingerprintOf(forgerKey);

        CliTest.Captured v = CliTest.cli("report", "verify", copy.toString());
        assertEquals(v.exit(), 2, v.out() + v.err());
        assertTrue(v.out().contains("UNTRUSTED: record.json.sig: record.json is validly signed, but by key " + forger
                + ", which is not trusted here"), v.out());
        assertTrue(v.out().contains("copy that file into " + TrustedKeys.keyringDir() + "/"), v.out());
        assertTrue(v.out().contains("NOT VERIFIED: " + copy + " is intact but signed by an unknown key " + forger), v.out());

        Path trusted = TrustedKeys.keyringDir().resolve("forger-test.pub.pem");
        Files.createDirectories(trusted.getParent());
        Files.copy(RecordSignature.publicKeyFile(forgerKey), trusted);
        try {
            v = CliTest.cli("report", "verify", copy.toString());
            assertEquals(v.exit(), 0, "verified once its key is in the keyring: " + v.out());
        } finally {
            Files.delete(trusted);
        }
    }

    @Test
    public void deletedAddedAndEditedFilesAreEachNamedAndExit1() throws Exception {
        Path copy = copyOfRun("incomplete");
        for (String f : List.of("report.html", "junit.xml", "checklist.md")) {
            Files.delete(copy.resolve(f));
        }
        Files.writeString(copy.resolve("virtual-dut.log"), "edited\n", java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(copy.resolve("extra.txt"), "added\n");
        Files.createDirectories(copy.resolve("more"));
        CliTest.Captured v = CliTest.cli("report", "verify", copy.toString());
        assertEquals(v.exit(), 1, v.out());
        for (String said : List.of("MISSING: report.html: missing", "MISSING: junit.xml: missing", "MISSING: checklist.md: missing",
                "CHANGED: virtual-dut.log: changed (SHA-256 ", "UNEXPECTED: extra.txt: a file the run did not write",
                "UNEXPECTED: more: a directory the run did not write")) {
            assertTrue(v.out().contains(said), said + " in:\n" + v.out());
        }
        assertTrue(v.out().contains("NOT VERIFIED: 6 problem(s) in " + copy), v.out());

        Path copy2 = copyOfRun("no-dut-log");
        Files.delete(copy2.resolve("virtual-dut.log"));
        v = CliTest.cli("report", "verify", copy2.toString());
        assertEquals(v.exit(), 1, v.out());
        assertTrue(v.out().contains("MISSING: virtual-dut.log: missing"), v.out());
    }

    @Test
    public void theChecklistOfARunListsAllSixteenItemsWithAStatus() throws Exception {
        CliTest.Captured c = CliTest.cli("checklist", "--record", runDir.resolve("record.json").toString(),
                "--out", dir.resolve("checklist").toString());
        assertEquals(c.exit(), 0, c.err());
        String csv = Files.readString(dir.resolve("checklist/checklist.csv"));
        for (int i = 1; i <= 16; i++) {
            assertTrue(csv.contains(String.format("\"S1.1-%02d\"", i)), csv);
        }
        assertTrue(csv.contains("\"S1.1-13\",\"Unneeded interfaces (TCP/UDP ports) are disabled, and a vulnerability inspection is carried out (?)\",\"5.6-1\",\"auto\",\"FAIL\""), csv);
        assertTrue(csv.contains("\"S1.1-05\",\"A vulnerability disclosure policy is published (contact, acknowledgement and status-update times)\",\"5.2-1\",\"document\",\"document review\""), csv);
    }

    /** The shipped insecure profile, whole (the hardened one is the README's main job, in VirtualRunTest). */
    @Test
    public void theShippedInsecureProfileFailsEveryApplicableCheck() throws Exception {
        RunRecord record = RecordBuilder.fromJournal(runDir.resolve("journal.jsonl"));
        for (RunRecord.CheckResult c : record.checks()) {
            if (c.verdict() != Verdict.NOT_APPLICABLE) {
                assertEquals(c.verdict(), c.id().equals("update.baseline") ? Verdict.PASS : Verdict.FAIL,
                        c.id() + ": " + c.reason());
            }
        }
        assertTrue(record.checks().stream().filter(c -> c.verdict() == Verdict.FAIL).count() >= 11,
                "the console, network and update checks all ran: " + record.checks());
    }

    @Test
    public void rerunRefusesWhenAnInputChangedUnlessForced() throws Exception {
        // A run of one check of its own: a rerun repeats every planned check, and the whole run takes a minute.
        CliTest.Captured first = CliTest.cli("run", "--fixture", fixture.toString(), "--device", profile.toString(),
                "--check", "debug.uart-console", "--out", dir.resolve("short").toString(),
                "--lease-dir", dir.resolve("leases").toString());
        assertEquals(first.exit(), 1, first.out() + first.err());
        Path shortRun;
        try (Stream<Path> runs = Files.list(dir.resolve("short"))) {
            shortRun = runs.findFirst().orElseThrow();
        }
        Path changed = dir.resolve("profile.yaml");
        String original = Files.readString(changed);
        try {
            Files.writeString(changed, original + "# edited\n");
            CliTest.Captured c = CliTest.cli("rerun", shortRun.toString(), "--out", dir.resolve("reruns").toString(),
                    "--lease-dir", dir.resolve("leases").toString());
            assertEquals(c.exit(), 3, c.out() + c.err());
            assertTrue(c.err().contains("error: profile " + profile + " changed since the run"), c.err());
            assertTrue(Files.notExists(dir.resolve("reruns")), "a refused rerun starts nothing");
        } finally {
            Files.writeString(changed, original);
        }
        CliTest.Captured c = CliTest.cli("rerun", shortRun.toString(), "--out", dir.resolve("reruns").toString(),
                "--lease-dir", dir.resolve("leases").toString());
        assertEquals(c.exit(), 1, c.out() + c.err());
        try (Stream<Path> runs = Files.list(dir.resolve("reruns"))) {
            Path rerun = runs.findFirst().orElseThrow();
            String a = Files.readString(shortRun.resolve("record.json"));
            String b = Files.readString(rerun.resolve("record.json"));
            assertEquals(field(b, "seed"), field(a, "seed"));
            assertEquals(field(b, "planned-checks"), field(a, "planned-checks"));
            assertEquals(field(b, "profile-sha256"), field(a, "profile-sha256"));
        }
    }

    /**
     * A rerun sends the device the same bytes: the TX lines of both transcripts are equal once their
     * timestamps are removed. The device has a default password (the control credential is a random
     * choice, then the shell's markers are) and an open bootloader. The bootloader check types its
     * interrupt keys on a 25 ms timer until the prompt appears, so how many it types depends on timing,
     * not on a choice: each run of consecutive interrupt-key lines counts as one line. Everything else
     * the checks and the strategy send is compared byte for byte.
     */
    @Test
    public void aRerunSendsTheDeviceTheSameBytes() throws Exception {
        Path flawed = VirtualBench.profileWithFlaws(dir, "default-password", "bootloader-open");
        CliTest.Captured first = CliTest.cli("run", "--fixture", fixture.toString(), "--device", flawed.toString(),
                "--check", "debug.uart-console", "--check", "debug.bootloader-interrupt",
                "--out", dir.resolve("tx-first").toString(), "--lease-dir", dir.resolve("leases").toString());
        assertEquals(first.exit(), 1, first.out() + first.err());
        Path firstRun;
        try (Stream<Path> runs = Files.list(dir.resolve("tx-first"))) {
            firstRun = runs.findFirst().orElseThrow();
        }
        CliTest.Captured again = CliTest.cli("rerun", firstRun.toString(), "--out", dir.resolve("tx-rerun").toString(),
                "--lease-dir", dir.resolve("leases").toString());
        assertEquals(again.exit(), 1, again.out() + again.err());
        Path rerun;
        try (Stream<Path> runs = Files.list(dir.resolve("tx-rerun"))) {
            rerun = runs.findFirst().orElseThrow();
        }
        List<String> sent = sent(firstRun.resolve("console.transcript"));
        assertEquals(sent(rerun.resolve("console.transcript")), sent);
        assertTrue(sent.stream().anyMatch(l -> l.startsWith("TX \"sb")), "the random control credential was sent: " + sent);
        assertTrue(sent.stream().anyMatch(l -> l.startsWith("TX \"echo 'SB")), "the shell markers were sent: " + sent);
        assertTrue(sent.contains(INTERRUPT_KEYS), "the interrupt keys were typed: " + sent);
    }

    private static final String INTERRUPT_KEYS = "(interrupt keys)";

    /** The TX lines of a transcript without their timestamps; a run of interrupt-key lines as one line. */
    private static List<String> sent(Path transcript) throws Exception {
        Set<String> keys = Interrupt.STANDARD_KEYS.stream().map(k -> "TX \"" + k.replace("\u0003", "\\x03")
                .replace("\u001b", "\\x1b") + "\"").collect(Collectors.toSet());
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(transcript)) {
            String tx = line.substring(line.indexOf(' ') + 1);
            if (!tx.startsWith("TX ")) {
                continue;
            }
            String entry = keys.contains(tx) ? INTERRUPT_KEYS : tx;
            if (!(entry.equals(INTERRUPT_KEYS) && !out.isEmpty() && out.get(out.size() - 1).equals(INTERRUPT_KEYS))) {
                out.add(entry);
            }
        }
        return out;
    }

    private static String field(String json, String name) {
        int i = json.indexOf("\"" + name + "\" : ");
        return json.substring(i, json.indexOf('\n', i));
    }

    private Path copyOfRun(String name) throws Exception {
        Path copy = Files.createDirectories(dir.resolve(name));
        try (Stream<Path> files = Files.list(runDir)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }
}
