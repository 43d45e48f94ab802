package dev.starbench.cli;

import dev.starbench.checks.Catalog;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "list-checks", description = "List each check with its JC-STAR and ETSI requirement ids.")
final class ListChecksCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        for (Catalog.Entry e : Catalog.load().entries()) {
            System.out.printf("%-28s %s%n%-28s   %s%n", e.id(), String.join(" ", e.requirements()), "", e.title());
        }
        return 0;
    }
}
