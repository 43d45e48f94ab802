package dev.starbench.cli;

import dev.starbench.report.RecordBuilder;
import dev.starbench.report.RecordSignature;
import dev.starbench.report.ReportVerifier;
import dev.starbench.report.ReportWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", description = "Rebuild or verify a run's report.",
        subcommands = {ReportCommand.Render.class, ReportCommand.Verify.class})
final class ReportCommand {
    static final int NOT_VERIFIED = 1;

    @Command(name = "render", description = "Rebuild record.json, junit.xml, report.html and the ★1 checklist from a journal, byte for byte.")
    static final class Render implements Callable<Integer> {
        @Parameters(paramLabel = "JOURNAL", description = "A run's journal.jsonl.")
        Path journal;

        @Option(names = "--out", description = "Where to write (default: the journal's directory).")
        Path out;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(journal)) {
                System.err.println("error: " + journal + ": no such journal");
                return Main.BAD_INPUT;
            }
            Path dir = out != null ? out : journal.toAbsolutePath().getParent();
            try {
                for (Path p : ReportWriter.writeAll(RecordBuilder.fromJournal(journal), dir)) {
                    System.out.println("wrote " + p);
                }
                return 0;
            } catch (IOException e) {
                System.err.println("error: " + e.getMessage());
                return Main.REPORT_FAILED;
            }
        }
    }

    @Command(name = "verify", description = {"Check record.json's Ed25519 signature, the SHA-256 of every evidence file it lists, "
            + "and that the derived outputs are what the journal renders to. Names every file that changed.",
            "Exit 0: verified; 1: something changed; 3: not a run directory."})
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "A run directory.")
        Path dir;

        @Option(names = "--public-key", description = "The bench's public key (bench-key.pub.pem): the signer must be this key.")
        Path publicKey;

        @Override
        public Integer call() {
            try {
                String trusted = publicKey == null ? null : RecordSignature.fingerprintOf(publicKey);
                ReportVerifier.Result r = ReportVerifier.verify(dir, trusted);
                r.verified().forEach(v -> System.out.println("ok: " + v));
                r.problems().forEach(p -> System.out.println("CHANGED: " + p));
                if (r.ok()) {
                    System.out.println("verified: " + dir + (trusted == null
                            ? " (signer " + r.signerFingerprint() + "; pass --public-key to pin the bench's key)" : ""));
                    return 0;
                }
                System.out.println("NOT VERIFIED: " + r.problems().size() + " problem(s) in " + dir);
                return NOT_VERIFIED;
            } catch (IOException e) {
                System.err.println("error: " + e.getMessage());
                return Main.BAD_INPUT;
            }
        }
    }
}
