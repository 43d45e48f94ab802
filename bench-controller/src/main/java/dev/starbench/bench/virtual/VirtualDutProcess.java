package dev.starbench.bench.virtual;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.gpio.GpioLines;
import dev.starbench.vdut.contract.GpioWire;
import dev.starbench.vdut.contract.PowerPlug;
import dev.starbench.vdut.contract.ReadyLine;
import dev.starbench.vdut.contract.SimulationSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtual DUT as a real process: it holds one end of a pty pair (made by socat, its child) and
 * listens on loopback for the levels of the bench's GPIO lines. The bench forwards every level change
 * of its Pi4J outputs there, so the same gpio-relay driver switches it as would switch a relay on a Pi.
 * Its stdin is a pipe from us: the simulation settings (the profile's passwords and the device's TLS
 * key among them) go through it as the first line, so they are never on disk, not even after a
 * SIGKILL; and if this JVM dies, the DUT sees EOF and exits.
 */
public final class VirtualDutProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VirtualDutProcess.class);
    private static final long START_TIMEOUT_S = 30;
    private static final String LOG = "virtual-dut.log";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path workDir;
    private final String ttyPath;
    private final Socket gpio;
    private final OutputStream gpioOut;
    private final List<ProcessHandle> family = new ArrayList<>();

    private volatile Path keepLog;

    private VirtualDutProcess(Process process, Path workDir, String ttyPath, Socket gpio) throws IOException {
        this.process = process;
        this.workDir = workDir;
        this.ttyPath = ttyPath;
        this.gpio = gpio;
        this.gpioOut = gpio.getOutputStream();
    }

    /**
     * Starts the virtual DUT and wires the given GPIO lines to its inputs.
     *
     * @param simulation what the simulated device really does (passwords included: sent through its stdin,
     *                   never written to a file)
     * @param plug       null: its supply is the GPIO line named power; else a simulated smart plug it plays
     */
    public static VirtualDutProcess start(Path jar, SimulationSettings simulation, int lineBaud, List<GpioLines.Line> lines,
                                          PowerPlug plug) throws BenchIoException {
        if (!Files.isRegularFile(jar)) {
            throw new BenchIoException("virtual DUT jar " + jar + " is missing: build it with `mvn -B -q -DskipTests package`"
                    + " (scripts/starbench does this on first use)");
        }
        Process process = null;
        Path workDir = null;
        try {
            workDir = Files.createTempDirectory("starbench-vdut-");
            List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx64m", "-jar", jar.toString(),
                    GpioWire.SIMULATION_OPTION, GpioWire.SIMULATION_ON_STDIN, GpioWire.WORK_DIR_OPTION, workDir.toString(),
                    GpioWire.LINE_BAUD_OPTION, Integer.toString(lineBaud)));
            for (GpioLines.Line line : lines) {
                cmd.add(GpioWire.WIRE_OPTION);
                cmd.add(new GpioWire.Wire(line.name(), line.pin(), line.activeLow()).option());
            }
            if (plug != null) {
                cmd.addAll(plug.args());
            }
            process = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.appendTo(workDir.resolve(LOG).toFile()))
                    .start();
            // One line: Jackson's compact rendering has no line breaks (they are escaped in strings).
            OutputStream stdin = process.getOutputStream();
            stdin.write((JSON.writeValueAsString(simulation) + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            ReadyLine ready = awaitReady(process, workDir.resolve(LOG));
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), ready.gpioPort());
            socket.setTcpNoDelay(true);
            VirtualDutProcess dut = new VirtualDutProcess(process, workDir, ready.tty(), socket);
            process.descendants().forEach(dut.family::add);
            for (GpioLines.Line line : lines) {
                dut.forward(line.pin(), line.isHigh());
                line.onLevelChange(dut::forward);
            }
            log.debug("virtual DUT pid {} on {}, log {}", process.pid(), dut.ttyPath, workDir.resolve(LOG));
            return dut;
        } catch (IOException | BenchIoException e) {
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            deleteQuietly(workDir);
            throw e instanceof BenchIoException b ? b : new BenchIoException("cannot start the virtual DUT: " + e.getMessage(), e);
        }
    }

    private static ReadyLine awaitReady(Process process, Path log) throws BenchIoException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<ReadyLine> line = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l; (l = out.readLine()) != null; ) {
                    Optional<ReadyLine> ready = ReadyLine.parse(l);
                    if (ready.isPresent()) {
                        return ready.get();
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        try {
            ReadyLine m = line.get(START_TIMEOUT_S, TimeUnit.SECONDS);
            if (m == null) {
                throw new BenchIoException("the virtual DUT exited before it was ready (exit " + process.waitFor()
                        + "): " + lastWords(log));
            }
            return m;
        } catch (TimeoutException e) {
            throw new BenchIoException("the virtual DUT did not report ready within " + START_TIMEOUT_S + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted while starting the virtual DUT", e);
        } catch (ExecutionException e) {
            throw new BenchIoException("cannot read the virtual DUT's output: " + e.getCause(), e);
        }
    }

    /** Why it gave up, in its own words (its stderr: simulation errors never carry passwords, only names). */
    private static String lastWords(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "it said nothing (is socat installed?)"
                    : String.join(" / ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "its log " + log + " is unreadable: " + e.getMessage();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void forward(int pin, boolean high) {
        send(new GpioWire.Level(pin, high));
    }

    /**
     * Tells the DUT the bench's adapter now runs at this rate: a pty has none, so the DUT re-frames
     * the bytes itself. Sent on the GPIO link, so it arrives before any later power-on.
     */
    public void lineBaud(int baud) {
        send(new GpioWire.Baud(baud));
    }

    private synchronized void send(GpioWire.Message message) {
        try {
            gpioOut.write((message.line() + "\n").getBytes(StandardCharsets.US_ASCII));
            gpioOut.flush();
        } catch (IOException e) {
            // The message is lost only if the DUT process is gone; the console will show that.
            log.warn("virtual DUT GPIO link lost: {}", e.getMessage());
        }
    }

    /** The bench end of the pty pair, for the serial adapter. */
    public String ttyPath() {
        return ttyPath;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        // Taken again now, while they are still its descendants: the list taken at start can hold the
        // shell the device's broker runs under but not the mosquitto it forked a moment later, and a
        // broker left behind keeps its port.
        process.descendants().forEach(family::add);
        try {
            gpio.close();
        } catch (IOException ignored) {
            // the process is ended below either way
        }
        try {
            process.getOutputStream().close();
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(3, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
        family.forEach(ProcessHandle::destroyForcibly);
        Path target = keepLog;
        if (target != null) {
            try {
                Files.move(workDir.resolve(LOG), target, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                log.warn("cannot keep the virtual DUT's log as {}: {}", target, e.getMessage());
                try {
                    // Across file systems a move is a copy: a full disk can leave part of the log behind.
                    Files.deleteIfExists(target);
                } catch (IOException ignored) {
                    // the run's record does not list it, and verify names it
                }
            }
        }
        deleteQuietly(workDir);
    }

    /**
     * Where the device's own log goes when it ends (its side of the run: power, boots, cloud attempts),
     * instead of being deleted with the rest of its work dir, which holds the simulation's passwords.
     */
    public void keepLogAs(Path target) {
        keepLog = target;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.warn("cannot remove the virtual DUT's work dir {}: {}", dir, e.getMessage());
        }
    }
}
