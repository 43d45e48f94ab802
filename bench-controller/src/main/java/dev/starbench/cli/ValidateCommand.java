package dev.starbench.cli;

import dev.starbench.config.ConfigException;
import dev.starbench.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "validate", description = "Check fixtures and device profiles without running anything.")
final class ValidateCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Fixture or device-profile YAML files.")
    List<Path> files;

    @Override
    public Integer call() {
        int exit = 0;
        for (Path file : files) {
            try {
                Object loaded = ConfigLoader.load(file);
                System.out.printf("ok: %s (%s)%n", file, loaded instanceof dev.starbench.config.Fixture ? "fixture" : "device profile");
            } catch (ConfigException e) {
                System.err.println("error: " + e.getMessage());
                exit = Main.BAD_INPUT;
            }
        }
        return exit;
    }
}
