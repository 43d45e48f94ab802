package dev.starbench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The repository's QEMU fixtures, with their flash image moved into a test's own directory. */
final class QemuBench {
    private QemuBench() {
    }

    static Path profile() {
        return VirtualBench.profile("qemu-uboot");
    }

    /** fixtures/qemu-uboot-arm64.yaml, but its U-Boot environment flash lives in {@code dir}. */
    static Path fixture(Path dir) throws IOException {
        return withFlashIn("qemu-uboot-arm64", dir);
    }

    /**
     * fixtures/qemu-linux-arm64.yaml (the real-Linux DUT), its flash in {@code dir}, and its kernel and
     * initramfs where {@link LinuxDutImage} builds them.
     */
    static Path linuxFixture(Path dir) throws IOException {
        return Files.writeString(dir.resolve("qemu-linux-arm64.yaml"), replace("qemu-linux-arm64",
                withFlashIn("qemu-linux-arm64"), "~/.starbench/linux-dut/", LinuxDutImage.DIR + "/"));
    }

    private static Path withFlashIn(String fixture, Path dir) throws IOException {
        return Files.writeString(dir.resolve(fixture + ".yaml"), withFlashIn(fixture));
    }

    private static String withFlashIn(String fixture) throws IOException {
        return replace(fixture, Files.readString(VirtualBench.root().resolve("fixtures/" + fixture + ".yaml")),
                "../reports/" + fixture + "-flash1.img", "flash1.img");
    }

    private static String replace(String fixture, String text, String what, String with) {
        if (!text.contains(what)) {
            throw new IllegalStateException("fixtures/" + fixture + ".yaml no longer names " + what);
        }
        return text.replace(what, with);
    }

    /** QEMU and socat processes among the given ones. */
    static List<ProcessHandle> qemuAndSocat(List<ProcessHandle> handles) {
        return handles.stream().filter(h -> {
            String cmd = h.info().command().orElse("");
            return cmd.endsWith("qemu-system-aarch64") || cmd.endsWith("socat");
        }).toList();
    }
}
