package dev.starbench.cli;

import dev.starbench.config.ConfigException;
import dev.starbench.config.ConfigLoader;
import dev.starbench.config.Plan;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "validate", description = "Check fixtures, device profiles and plans without running anything.")
final class ValidateCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Fixture, device-profile or plan YAML files.")
    List<Path> files;

    @Override
    public Integer call() {
        int exit = 0;
        for (Path file : files) {
            try {
                Object loaded = ConfigLoader.load(file);
                if (loaded instanceof Plan plan) {
                    List<ConfigException> problems = PlanCheck.problems(plan);
                    if (!problems.isEmpty()) {
                        problems.forEach(p -> System.err.println("error: " + p.getMessage()));
                        exit = Main.BAD_INPUT;
                        continue;
                    }
                }
                System.out.printf("ok: %s (%s)%n", file, loaded instanceof dev.starbench.config.Fixture ? "fixture"
                        : loaded instanceof Plan ? "plan" : "device profile");
            } catch (ConfigException e) {
                System.err.println("error: " + e.getMessage());
                exit = Main.BAD_INPUT;
            }
        }
        return exit;
    }
}
