package dev.starbench.cli;

import picocli.CommandLine.Command;

/** `starbench bench ...`: benchmarks that back the speed and memory claims in the README. */
@Command(name = "bench", description = "Benchmarks (measured, with ratios against a baseline in the same run).",
        subcommands = ConsoleBenchmark.class)
final class BenchCommand {
}
