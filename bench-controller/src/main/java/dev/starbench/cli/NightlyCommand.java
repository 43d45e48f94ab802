package dev.starbench.cli;

import dev.starbench.config.ConfigException;
import dev.starbench.config.ConfigLoader;
import dev.starbench.config.Plan;
import dev.starbench.run.Nightly;
import dev.starbench.run.RunHooks;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "nightly", description = {"Run a plan: its entries one after another, each a normal run with its own "
        + "run directory, recorded in the history.",
        "Exit 0: every entry PASS; 1: some entry FAIL; 2: no FAIL, some INCONCLUSIVE; 3: bad plan file; "
                + "6: no FAIL, but some entry did not run or wrote no report."})
final class NightlyCommand implements Callable<Integer> {
    @Option(names = "--plan", required = true, description = "The plan (YAML).")
    Path plan;

    @Option(names = "--out", description = "Where run directories go (default: the plan's out:, else reports).")
    Path out;

    @Mixin
    LeaseDirOption leases;

    @Option(names = "--history", paramLabel = "JDBC-URL", description = "Record the runs in this database "
            + "(default: $STARBENCH_HISTORY_URL, the fixture's history:, or ~/.starbench/history.db).")
    String history;

    @Override
    public Integer call() throws InterruptedException {
        Plan p;
        try {
            p = ConfigLoader.loadPlan(plan);
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            return Main.BAD_INPUT;
        }
        Path outDir = out != null ? out : p.out() != null ? p.out() : Path.of("reports");
        try (RunHooks hooks = new RunHooks(System.out, history, true)) {
            return new Nightly(System.out, Clock.systemUTC(), hooks)
                    .run(p, outDir, leases.dir()).exitCode();
        }
    }
}
