package dev.starbench.doctor;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The machine the doctor examines: where device nodes are, which programs are on PATH, and what a
 * program prints. A test shows the doctor a Raspberry Pi's /dev and gpioinfo on a PC through it.
 */
public interface Host {
    /** /dev on a real machine. */
    Path dev();

    /** The program's path, looked up on PATH unless it names a path itself. */
    Optional<Path> which(String program);

    /** What the command prints on stdout, if it ran and exited 0 within 10 s. */
    Optional<String> output(List<String> command);

    static Host system() {
        return new Host() {
            @Override
            public Path dev() {
                return Path.of("/dev");
            }

            @Override
            public Optional<Path> which(String program) {
                if (program.contains("/")) {
                    Path p = Path.of(program);
                    return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
                }
                String path = System.getenv("PATH");
                for (String dir : (path == null ? "/usr/local/bin:/usr/bin:/bin" : path).split(File.pathSeparator)) {
                    Path p = Path.of(dir.isEmpty() ? "." : dir, program);
                    if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                        return Optional.of(p);
                    }
                }
                return Optional.empty();
            }

            @Override
            public Optional<String> output(List<String> command) {
                if (which(command.get(0)).isEmpty()) {
                    return Optional.empty();
                }
                Path out = null;
                try {
                    // A file, not a pipe: a program that hangs cannot block the doctor past its deadline.
                    out = Files.createTempFile("starbench-doctor", ".out");
                    Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                            .redirectError(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.PIPE).start();
                    p.getOutputStream().close();
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        return Optional.empty();
                    }
                    return p.exitValue() == 0 ? Optional.of(Files.readString(out, StandardCharsets.UTF_8)) : Optional.empty();
                } catch (IOException e) {
                    return Optional.empty();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                } finally {
                    if (out != null) {
                        try {
                            Files.deleteIfExists(out);
                        } catch (IOException ignored) {
                            // a temporary file left behind is harmless
                        }
                    }
                }
            }
        };
    }
}
