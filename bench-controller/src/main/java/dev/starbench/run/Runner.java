package dev.starbench.run;

import dev.starbench.bench.Bench;
import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.serial.SerialLink;
import dev.starbench.checks.Catalog;
import dev.starbench.checks.CheckContext;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Fixture;
import dev.starbench.console.Console;
import dev.starbench.console.Transcript;
import dev.starbench.dut.Dut;
import dev.starbench.lab.LabServices;
import dev.starbench.report.RunManifest;
import dev.starbench.report.RunRecord;
import dev.starbench.report.Text;
import dev.starbench.report.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.testng.TestNG;
import org.testng.xml.XmlClass;
import org.testng.xml.XmlSuite;
import org.testng.xml.XmlTest;

/**
 * One run: lease the bench, journal the manifest, open the bench, run the checks through TestNG
 * in-process, put the DUT in its safe state, and derive every report file from the journal.
 */
public final class Runner {
    /**
     * What `starbench run` was asked to do.
     *
     * @param seed the run's random seed, journalled in the manifest; null draws a fresh one
     *             (`starbench rerun` passes the original run's)
     */
    public record Request(Fixture fixture, DeviceProfile profile, Path outDir, Path leaseDir, List<String> onlyChecks,
                          Long seed) {
        public Request(Fixture fixture, DeviceProfile profile, Path outDir, Path leaseDir, List<String> onlyChecks) {
            this(fixture, profile, outDir, leaseDir, onlyChecks, null);
        }
    }

    /** How it ended: the exit code, where the outputs are, and the record they were made from. */
    public record Result(int exitCode, Path runDir, RunRecord record) {
    }

    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final Duration LEASE_TTL = Duration.ofHours(12);
    private static final String BAUD_SCAN = "debug.baud-scan";

    private final PrintStream out;
    private final Clock clock;
    private final RunListener.Factory listeners;

    public Runner(PrintStream out, Clock clock) {
        this(out, clock, RunListener.Factory.NONE);
    }

    /** @param listeners who else hears of each run (the history, the lab broker); see {@link RunHooks} */
    public Runner(PrintStream out, Clock clock, RunListener.Factory listeners) {
        this.out = out;
        this.clock = clock;
        this.listeners = listeners;
    }

    public Result run(Request request) throws IOException, BenchLease.Busy {
        Catalog catalog = Catalog.load();
        List<Catalog.Entry> checks = select(catalog, request.onlyChecks(), request.profile());
        String runId = RUN_ID.format(clock.instant()) + "-" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        Fixture fixture = request.fixture();
        DeviceProfile profile = request.profile();
        long seed = request.seed() != null ? request.seed() : new SecureRandom().nextLong();

        RunSession session = start(runId, seed, fixture, profile, checks,
                BenchLease.acquire(request.leaseDir(), fixture.benchId(), runId, LEASE_TTL, clock), request.outDir());
        Thread hook = new Thread(() -> {
            try {
                session.finish("interrupted by a signal (SIGTERM or Ctrl-C)");
            } catch (UncheckedIOException e) {
                // The JVM halts after this hook: nobody else is left to say it.
                System.err.println("error: " + e.getMessage());
            }
        }, "starbench-abort");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            runChecks(session, fixture, profile, catalog, checks, seed);
        } finally {
            try {
                session.finish(null);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is already running and will find the session finished
                }
            }
        }
        RunRecord record = session.record();
        return new Result(exitCode(record), session.runDir(), record);
    }

    /** Opens the run directory and its journal; the session owns the lease from here on. */
    private RunSession start(String runId, long seed, Fixture fixture, DeviceProfile profile, List<Catalog.Entry> checks,
                             BenchLease lease, Path outDir) throws IOException {
        try {
            Path runDir = Files.createDirectories(outDir.resolve(runId));
            Journal journal = Journal.create(runDir.resolve("journal.jsonl"), clock);
            RunManifest manifest = manifest(runId, seed, fixture, profile, checks);
            journal.runStarted(manifest);
            out.printf("StarBench run %s: %s on bench %s%n", runId, Text.terminal(profile.device().name()),
                    Text.terminal(fixture.benchId()));
            out.printf("  outputs in %s%n", runDir);
            RunSession session = new RunSession(journal, runDir, fixture, out, lease);
            session.listen(listeners.forRun(fixture), manifest);
            return session;
        } catch (IOException | RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    private void runChecks(RunSession session, Fixture fixture, DeviceProfile profile, Catalog catalog,
                           List<Catalog.Entry> checks, long seed) throws IOException {
        Journal journal = session.journal();
        Console console = new Console(new Transcript(session.runDir().resolve(JournalEvidence.TRANSCRIPT_FILE)));
        if (profile.console() != null) {
            console.addDeathStrings(profile.console().deathStrings());
        }
        session.console(console);
        Bench bench;
        try {
            bench = Bench.open(fixture, profile);
            session.bench(bench);
            SerialLink link = bench.openSerial(console);
            console.attach(link);
        } catch (BenchIoException e) {
            benchDown(journal, checks, e.getMessage());
            return;
        }
        JournalEvidence evidence = new JournalEvidence(journal, console);
        Dut dut = new Dut(session.power(), bench.buttons(), console, bench, profile,
                new DutJournal(journal, evidence, profile.timeouts().bootMs()));
        LabServices services = new LabServices(profile, fixture, CheckContext.seedFor(seed, "lab.update-path"),
                session.runDir(), journal::service);
        session.services(services);
        CheckListener listener = new CheckListener(journal, catalog, new CheckContext(dut, evidence, fixture, seed, services),
                evidence, out, session::stopReason);

        XmlSuite suite = new XmlSuite();
        suite.setName("starbench");
        XmlTest test = new XmlTest(suite);
        test.setName("checks");
        test.setPreserveOrder(true);
        test.setXmlClasses(checks.stream().map(Catalog.Entry::checkClass).distinct()
                .map(c -> new XmlClass(c.getName(), false)).collect(Collectors.toList()));
        TestNG testng = new TestNG(false);
        testng.setUseDefaultListeners(false);
        testng.setVerbose(0);
        testng.setOutputDirectory(Files.createTempDirectory("starbench-testng").toString());
        testng.setXmlSuites(List.of(suite));
        testng.addListener(listener);
        testng.run();
    }

    /** Without a bench there is nothing to learn about the device: every check is INCONCLUSIVE, saying why. */
    private void benchDown(Journal journal, List<Catalog.Entry> checks, String why) {
        out.printf("  bench could not be opened: %s%n", Text.terminal(why));
        for (Catalog.Entry c : checks) {
            journal.checkStarted(c.id(), c.title(), c.requirements());
            journal.checkEnded(c.id(), Verdict.INCONCLUSIVE, "bench could not be opened: " + why, 0);
            out.printf("  %-5s %-28s %s%n", CheckListener.label(Verdict.INCONCLUSIVE), c.id(), Text.terminal(why));
        }
    }

    /**
     * The checks named (all when none), in catalog order. A profile with a console but no baud rate
     * always gets the baud scan first: the console checks run at the rate it finds.
     */
    static List<Catalog.Entry> select(Catalog catalog, List<String> only, DeviceProfile profile) {
        if (only == null || only.isEmpty()) {
            return catalog.entries();
        }
        Set<String> wanted = new LinkedHashSet<>(only);
        if (profile.console() != null && profile.console().baud() == null) {
            wanted.add(BAUD_SCAN);
        }
        List<Catalog.Entry> chosen = new ArrayList<>();
        for (Catalog.Entry e : catalog.entries()) {
            if (wanted.remove(e.id())) {
                chosen.add(e);
            }
        }
        if (!wanted.isEmpty()) {
            throw new IllegalArgumentException("unknown check id(s) " + wanted + "; `starbench list-checks` lists them");
        }
        return chosen;
    }

    private static RunManifest manifest(String runId, long seed, Fixture fixture, DeviceProfile profile, List<Catalog.Entry> checks) {
        BuildInfo build = BuildInfo.current();
        var device = profile.device();
        return new RunManifest(runId, build.version(), build.gitCommit(), fixture.benchId(),
                fixture.source().toString(), fixture.sha256(), profile.source().toString(), profile.sha256(),
                device.name(), device.model(), device.firmwareVersion(),
                checks.stream().map(Catalog.Entry::id).toList(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                seed, firmwareImages(profile));
    }

    /** The images the profile's firmware section names, hashed now: the record says what was tested with. */
    private static List<RunRecord.FileHash> firmwareImages(DeviceProfile profile) {
        var fw = profile.firmware();
        if (fw == null) {
            return List.of();
        }
        List<RunRecord.FileHash> out = new java.util.ArrayList<>();
        for (Path image : java.util.Arrays.asList(fw.image(), fw.newerImage(), fw.olderImage())) {
            if (image != null && Files.isRegularFile(image)) {
                try {
                    out.add(new RunRecord.FileHash(image.toString(), dev.starbench.report.Hashes.sha256(image), Files.size(image)));
                } catch (java.io.IOException e) {
                    // the update checks report an unreadable image themselves, as INCONCLUSIVE
                }
            }
        }
        return out;
    }

    static int exitCode(RunRecord record) {
        return switch (record.run().outcome()) {
            case "pass" -> 0;
            case "fail" -> 1;
            default -> 2;
        };
    }
}
