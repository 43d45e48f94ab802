package dev.starbench.cli;

import dev.starbench.run.BuildInfo;
import java.util.ArrayList;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.OptionSpec;

/** `starbench`: the bench controller's command line. */
@Command(name = "starbench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Hardware-in-the-loop security pre-test bench for JC-STAR / ETSI EN 303 645.",
        subcommands = {RunCommand.class, ValidateCommand.class, ListChecksCommand.class, PortsCommand.class, ConsoleCommand.class,
                BaudScanCommand.class, PowerCommand.class, ProbeCommand.class, BenchmarkCommand.class, ReportCommand.class, ChecklistCommand.class, RerunCommand.class, ImageCommand.class,
                NightlyCommand.class, HistoryCommand.class, SchemaCommand.class, DoctorCommand.class},
        exitCodeListHeading = "%nExit codes (run):%n",
        exitCodeList = {"0:every applicable check PASS", "1:some check FAIL", "2:no FAIL, but some INCONCLUSIVE (bench could not tell)",
                "3:bad input (fixture, profile or options)", "4:bench busy (another run holds it)",
                "5:an output could not be written (a full disk stops the run; the journal is kept)",
                "6:(nightly) no FAIL, but some plan entry did not run or wrote no report",
                "143:stopped by SIGTERM (130: Ctrl-C); the DUT is put in its safe state"})
public final class Main {
    static final int BAD_INPUT = 3;
    static final int BENCH_BUSY = 4;
    static final int REPORT_FAILED = 5;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // `source <(starbench generate-completion)`; the Debian package installs its output
        cl.addSubcommand(new CommandLine(new AutoComplete.GenerateCompletion()));
        cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(true);
        addHelp(cl);
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println(ex.getMessage());
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return BAD_INPUT;
        });
        return cl;
    }

    /**
     * `-h`/`--help` on every command and `help CMD` wherever there are subcommands, added here so a new
     * command cannot miss them. Not picocli's inherited standard options: those bring `--version`,
     * which `image sign` uses for the image's version.
     */
    private static void addHelp(CommandLine cl) {
        var spec = cl.getCommandSpec();
        if (spec.findOption("-h") == null && spec.findOption("--help") == null) {
            spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help message and exit.").build());
        }
        if (cl.getSubcommands().isEmpty()) {
            return;
        }
        for (CommandLine sub : new ArrayList<>(cl.getSubcommands().values())) {
            addHelp(sub);
        }
        if (!cl.getSubcommands().containsKey("help")) {
            cl.addSubcommand(new CommandLine(new HelpCommand()));
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            BuildInfo b = BuildInfo.current();
            return new String[] {"starbench " + b.version() + " (git " + b.gitCommit() + ")"};
        }
    }
}
