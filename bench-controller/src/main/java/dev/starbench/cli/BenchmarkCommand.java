package dev.starbench.cli;

import picocli.CommandLine.Command;

/** `starbench benchmark ...`: benchmarks that back the speed and memory claims in the README. */
@Command(name = "benchmark", description = "Benchmarks (measured, with ratios against a baseline in the same run).",
        subcommands = ConsoleBenchmark.class)
final class BenchmarkCommand {
}
