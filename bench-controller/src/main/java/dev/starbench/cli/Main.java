package dev.starbench.cli;

import dev.starbench.run.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** `starbench`: the bench controller's command line. */
@Command(name = "starbench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Hardware-in-the-loop security pre-test bench for JC-STAR / ETSI EN 303 645.",
        subcommands = {RunCommand.class, ValidateCommand.class, ListChecksCommand.class, PortsCommand.class, ConsoleCommand.class,
                BaudScanCommand.class, BenchmarkCommand.class, ReportCommand.class, ChecklistCommand.class, RerunCommand.class, ImageCommand.class},
        exitCodeListHeading = "%nExit codes (run):%n",
        exitCodeList = {"0:every applicable check PASS", "1:some check FAIL", "2:no FAIL, but some INCONCLUSIVE (bench could not tell)",
                "3:bad input (fixture, profile or options)", "4:bench busy (another run holds it)", "5:the report could not be written (journal kept)"})
public final class Main {
    static final int BAD_INPUT = 3;
    static final int BENCH_BUSY = 4;
    static final int REPORT_FAILED = 5;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println(ex.getMessage());
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return BAD_INPUT;
        });
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            BuildInfo b = BuildInfo.current();
            return new String[] {"starbench " + b.version() + " (git " + b.gitCommit() + ")"};
        }
    }
}
