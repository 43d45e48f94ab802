package dev.starbench.cli;

import dev.starbench.checks.Catalog;
import dev.starbench.config.ConfigException;
import dev.starbench.config.ConfigLoader;
import dev.starbench.config.InputFile;
import dev.starbench.config.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** What `validate` checks in a plan beyond its own shape: every entry's fixture, profile, check ids and images. */
final class PlanCheck {
    private PlanCheck() {
    }

    /** Each problem as a located error: in the fixture or profile itself, or at the plan's field. */
    static List<ConfigException> problems(Plan plan) {
        List<ConfigException> out = new ArrayList<>();
        Set<String> known = Catalog.load().entries().stream().map(Catalog.Entry::id).collect(Collectors.toSet());
        for (int i = 0; i < plan.entries().size(); i++) {
            Plan.Entry e = plan.entries().get(i);
            try {
                ConfigLoader.loadFixture(e.fixture());
            } catch (ConfigException x) {
                out.add(x);
            }
            try {
                ConfigLoader.loadProfile(e.device());
            } catch (ConfigException x) {
                out.add(x);
            }
            for (int c = 0; c < e.checks().size(); c++) {
                if (!known.contains(e.checks().get(c))) {
                    out.add(ConfigLoader.problemAt(plan.source(), "unknown check id '" + e.checks().get(c)
                            + "' (`starbench list-checks` lists them)", "entries", i, "checks", c));
                }
            }
            for (int m = 0; m < e.install().size(); m++) {
                // Read whole when the entry runs: a regular file within the firmware limit, as a profile's images.
                String problem = InputFile.problem(e.install().get(m), InputFile.Kind.FIRMWARE);
                if (problem != null) {
                    out.add(ConfigLoader.problemAt(plan.source(), "image " + e.install().get(m) + ": " + problem,
                            "entries", i, "install", m));
                }
            }
        }
        return out;
    }
}
