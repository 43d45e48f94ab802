package dev.starbench.run;

import static org.testng.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testng.SkipException;

/**
 * A real small file system that fills up: a tmpfs of the given size. Mounting needs root; the test
 * is skipped, saying so, where it is not root, and fails where root cannot mount (CI runs as root, so
 * there it must run).
 */
final class Tmpfs implements AutoCloseable {
    private final Path dir;

    private Tmpfs(Path dir) {
        this.dir = dir;
    }

    /** @param size as mount takes it: "40k", "200k" */
    static Tmpfs mount(Path at, String size) throws IOException, InterruptedException {
        Files.createDirectories(at);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "tmpfs", at.toString())
                .redirectErrorStream(true).start();
        String said = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (mount.waitFor() == 0) {
            return new Tmpfs(at);
        }
        if (!isRoot()) {
            throw new SkipException("a full disk needs a small file system, and mounting a tmpfs needs root: " + said);
        }
        fail("root could not mount a " + size + " tmpfs on " + at + ": " + said);
        return null;
    }

    Path dir() {
        return dir;
    }

    private static boolean isRoot() throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", "-u").start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        id.waitFor();
        return uid.equals("0");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        // Lazily: a virtual DUT still exiting may hold a file there for a moment.
        new ProcessBuilder("umount", "-l", dir.toString()).inheritIO().start().waitFor();
    }
}
