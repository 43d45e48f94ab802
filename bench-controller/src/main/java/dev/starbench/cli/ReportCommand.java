package dev.starbench.cli;

import dev.starbench.report.RecordBuilder;
import dev.starbench.report.ReportVerifier;
import dev.starbench.report.ReportWriter;
import dev.starbench.report.TrustedKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", description = "Rebuild or verify a run's report.",
        subcommands = {ReportCommand.Render.class, ReportCommand.Verify.class})
final class ReportCommand {
    static final int NOT_VERIFIED = 1;
    static final int UNTRUSTED_SIGNER = 2;

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

    @Command(name = "verify", description = {"Check that a trusted bench signed record.json (Ed25519), that every file it lists "
            + "is there with its SHA-256, that nothing else is, and that the outputs are what the journal renders to. "
            + "Names every file that changed, is missing or is unexpected.",
            "Trusted: this bench's key (~/.starbench/bench-key.pub.pem) and the keys in ~/.starbench/trusted-keys/; "
            + "with --public-key, only the keys named.",
            "Exit 0: verified; 1: a file changed, is missing or is unexpected; 2: intact, but signed by a key that "
            + "is not trusted; 3: not a run directory, or a key file that cannot be read."})
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "A run directory.")
        Path dir;

        @Option(names = "--public-key", description = "Trust only this public key (a bench-key.pub.pem; repeatable).")
        List<Path> publicKeys;

        @Override
        public Integer call() {
            try {
                TrustedKeys trusted = publicKeys == null || publicKeys.isEmpty() ? TrustedKeys.ofThisBench()
                        : TrustedKeys.of(publicKeys);
                ReportVerifier.Result r = ReportVerifier.verify(dir, trusted);
                r.verified().forEach(v -> System.out.println("ok: " + v));
                r.problems().forEach(p -> System.out.println(p));
                if (r.ok()) {
                    System.out.println("verified: " + dir + " (signed by " + r.signerFingerprint() + ")");
                    return 0;
                }
                if (r.onlyUntrusted()) {
                    System.out.println("NOT VERIFIED: " + dir + " is intact but signed by an unknown key " + r.signerFingerprint());
                    return UNTRUSTED_SIGNER;
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
