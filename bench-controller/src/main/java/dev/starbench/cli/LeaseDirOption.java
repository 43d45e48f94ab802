package dev.starbench.cli;

import dev.starbench.run.BenchLease;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --lease-dir}, for every command that takes the bench's lease. */
final class LeaseDirOption {
    @Option(names = "--lease-dir", description = "Where bench leases are kept (default: ~/.starbench/leases).")
    Path leaseDir;

    Path dir() {
        return leaseDir != null ? leaseDir : BenchLease.defaultDir();
    }
}
