package dev.starbench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The repository's QEMU fixture, with its flash image moved into a test's own directory. */
final class QemuBench {
    static final String FLASH_IN_REPO = "../reports/qemu-uboot-arm64-flash1.img";

    private QemuBench() {
    }

    static Path profile() {
        return VirtualBench.profile("qemu-uboot");
    }

    /** fixtures/qemu-uboot-arm64.yaml, but its U-Boot environment flash lives in {@code dir}. */
    static Path fixture(Path dir) throws IOException {
        String text = Files.readString(VirtualBench.root().resolve("fixtures/qemu-uboot-arm64.yaml"));
        if (!text.contains(FLASH_IN_REPO)) {
            throw new IllegalStateException("fixtures/qemu-uboot-arm64.yaml no longer names " + FLASH_IN_REPO);
        }
        return Files.writeString(dir.resolve("qemu-uboot-arm64.yaml"), text.replace(FLASH_IN_REPO, "flash1.img"));
    }

    /** QEMU and socat processes among the given ones. */
    static List<ProcessHandle> qemuAndSocat(List<ProcessHandle> handles) {
        return handles.stream().filter(h -> {
            String cmd = h.info().command().orElse("");
            return cmd.endsWith("qemu-system-aarch64") || cmd.endsWith("socat");
        }).toList();
    }
}
