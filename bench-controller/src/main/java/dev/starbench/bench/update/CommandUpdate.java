package dev.starbench.bench.update;

import dev.starbench.bench.BenchIoException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The maker's own flashing tool: the profile's command with {@code {image}} replaced by a temporary
 * file holding the image, run without a shell. Exit 0 means installed; its output is the answer.
 */
final class CommandUpdate implements UpdatePath {
    private final List<String> template;

    CommandUpdate(List<String> template) {
        this.template = List.copyOf(template);
    }

    @Override
    public Answer push(byte[] image, String fileName, Duration timeout) throws BenchIoException, InterruptedException {
        Path dir = null;
        Process process = null;
        try {
            dir = Files.createTempDirectory("starbench-image-");
            Path file = dir.resolve(fileName);
            Files.write(file, image);
            List<String> command = new ArrayList<>();
            for (String arg : template) {
                command.add(arg.replace("{image}", file.toString()));
            }
            Path output = dir.resolve("output.txt");
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return new Answer(null, "`" + template.get(0) + "` still running after " + timeout.toMillis() + " ms; stopped");
            }
            String out = UpdatePath.shorten(Files.readString(output, StandardCharsets.UTF_8).strip());
            return new Answer(process.exitValue() == 0, "exit " + process.exitValue() + (out.isEmpty() ? "" : ": " + out));
        } catch (IOException e) {
            throw new BenchIoException("cannot run the update command `" + template.get(0) + "`: " + e.getMessage(), e);
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }

    @Override
    public String describe() {
        return "command: " + String.join(" ", template);
    }
}
