package dev.starbench.bench.qemu;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.power.PowerProtocol;
import dev.starbench.bench.power.PowerState;
import dev.starbench.config.Fixture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.io.Writer;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Power driver {@code qemu}: an emulated board stands in for the DUT. Power-on starts QEMU, power-off
 * quits it through its monitor (QMP), reset is {@code system_reset}. The board's serial port is a unix
 * socket with {@code server=on,wait=on}: QEMU runs the guest only once we are connected, and we connect
 * only when the bench's pty is bridged to it, so {@link #on()} returns with the console path live and
 * not one byte of the boot is lost. Pflash drives named in the fixture keep their content across power
 * cycles, as a board's flash does. The board is the process: its state is confirmed by whether QEMU runs.
 */
public final class QemuPower implements PowerProtocol, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QemuPower.class);
    private static final long START_TIMEOUT_S = 20;
    private static final long QUIT_TIMEOUT_S = 5;
    private static final String WAITING = "waiting for connection on";

    private final Fixture.Qemu config;
    private final Duration offTime;
    private final Path dir;
    private final Spawner spawner;
    private final ConsoleBridge bridge;
    private Board board;
    private boolean closed;

    /** One power-on: the QEMU process, its monitor and its serial connection. */
    private record Board(Process process, Qmp qmp) {
    }

    private QemuPower(Fixture.Qemu config, Duration offTime, Path dir, Spawner spawner, ConsoleBridge bridge) {
        this.config = config;
        this.offTime = offTime;
        this.dir = dir;
        this.spawner = spawner;
        this.bridge = bridge;
    }

    /** Makes the console pty (board still off); {@link #consolePath()} is where the bench opens it. */
    public static QemuPower open(Fixture.Qemu config, Duration offTime) throws BenchIoException {
        if (!Files.isRegularFile(config.firmware())) {
            throw new BenchIoException("QEMU firmware " + config.firmware() + " is missing (the default comes with"
                    + " Debian's u-boot-qemu package)");
        }
        Path dir;
        try {
            // Under the temp dir, not the run dir: unix socket paths must stay under 108 bytes.
            dir = Files.createTempDirectory("starbench-qemu-");
        } catch (IOException e) {
            throw new BenchIoException("cannot make a work directory for QEMU: " + e.getMessage(), e);
        }
        Spawner spawner = new Spawner();
        try {
            return new QemuPower(config, offTime, dir, spawner, ConsoleBridge.open(dir, spawner));
        } catch (BenchIoException | RuntimeException e) {
            spawner.close();
            deleteTree(dir);
            throw e;
        }
    }

    /** The pty the bench opens once per run; it stays the same across power cycles. */
    public String consolePath() {
        return bridge.path().toString();
    }

    @Override
    public synchronized PowerState on() throws BenchIoException {
        if (closed) {
            // A check still running when a signal ended the run must not start a board nobody quits.
            throw new BenchIoException("the QEMU bench is closed; the board stays off");
        }
        if (running()) {
            return status();
        }
        off();
        prepareDrives();
        Path serial = dir.resolve("serial.sock");
        Path monitor = dir.resolve("qmp.sock");
        Path qemuLog = dir.resolve("qemu.log");
        Process process;
        try {
            Files.deleteIfExists(serial);
            Files.deleteIfExists(monitor);
            process = spawner.start(new ProcessBuilder(command(serial, monitor))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(qemuLog.toFile())));
        } catch (IOException e) {
            throw new BenchIoException("cannot start " + config.binary() + " (is qemu-system-arm installed?): "
                    + e.getMessage(), e);
        }
        try {
            awaitListening(process, qemuLog);
            SocketChannel console = SocketChannel.open(UnixDomainSocketAddress.of(serial));
            bridge.attach(console);
            board = new Board(process, Qmp.connect(monitor));
            log.debug("QEMU pid {} running, console on {}", process.pid(), bridge.path());
            return status();
        } catch (IOException | BenchIoException | RuntimeException e) {
            process.destroyForcibly();
            bridge.detach();
            String why = e instanceof BenchIoException ? e.getMessage() : "QEMU did not come up: " + e.getMessage();
            throw new BenchIoException(why, e);
        }
    }

    List<String> command(Path serial, Path monitor) {
        List<String> cmd = new ArrayList<>(List.of(config.binary(), "-M", config.machine(), "-cpu", config.cpu(),
                "-m", Integer.toString(config.memoryMb()), "-nographic", "-nic", "none",
                "-bios", config.firmware().toString()));
        for (Fixture.Drive d : config.drives()) {
            cmd.add("-drive");
            cmd.add("if=" + d.iface() + ",format=" + d.format() + (d.index() == null ? "" : ",index=" + d.index())
                    + ",file=" + optionValue(d.file()));
        }
        // The monitor first: its socket exists by the time QEMU says it waits for the console.
        cmd.addAll(List.of("-chardev", "socket,id=qmp,path=" + optionValue(monitor) + ",server=on,wait=off",
                "-mon", "chardev=qmp,mode=control",
                "-chardev", "socket,id=console,path=" + optionValue(serial) + ",server=on,wait=on",
                "-serial", "chardev:console", "-monitor", "none"));
        return cmd;
    }

    /** QEMU's option syntax escapes a comma in a value by doubling it. */
    private static String optionValue(Path p) {
        return p.toString().replace(",", ",,");
    }

    private void prepareDrives() throws BenchIoException {
        for (Fixture.Drive d : config.drives()) {
            if (Files.exists(d.file())) {
                continue;
            }
            if (d.createMb() == null) {
                throw new BenchIoException("QEMU drive " + d.file() + " is missing (give create-size-mb to have an"
                        + " empty one made)");
            }
            try {
                Files.createDirectories(d.file().getParent());
                try (RandomAccessFile f = new RandomAccessFile(d.file().toFile(), "rw")) {
                    f.setLength(d.createMb() * 1024L * 1024L);
                }
            } catch (IOException e) {
                throw new BenchIoException("cannot create QEMU drive " + d.file() + ": " + e.getMessage(), e);
            }
        }
    }

    /** QEMU says on stderr when its console socket listens; until then there is nothing to connect to. */
    private void awaitListening(Process process, Path qemuLog) throws BenchIoException {
        CompletableFuture<Boolean> listening = new CompletableFuture<>();
        Thread stderr = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8));
                 Writer out = Files.newBufferedWriter(qemuLog, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                for (String line; (line = in.readLine()) != null; ) {
                    out.write(line + "\n");
                    out.flush();
                    log.debug("qemu: {}", line);
                    if (line.contains(WAITING) && line.contains("serial.sock")) {
                        listening.complete(true);
                    }
                }
            } catch (IOException e) {
                // the process is gone; handled below
            }
            listening.complete(false);
        }, "qemu-stderr");
        stderr.setDaemon(true);
        stderr.start();
        try {
            if (!listening.get(START_TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new BenchIoException("QEMU exited at power-on (status " + process.waitFor() + "): " + tail(qemuLog));
            }
        } catch (TimeoutException e) {
            throw new BenchIoException("QEMU did not open its console socket within " + START_TIMEOUT_S + " s: "
                    + tail(qemuLog));
        } catch (ExecutionException e) {
            throw new BenchIoException("cannot read QEMU's messages: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted while starting QEMU", e);
        }
    }

    /** Quits QEMU through its monitor, as pulling the plug; kills it if it does not go. */
    @Override
    public synchronized PowerState off() throws BenchIoException {
        Board b = board;
        if (b == null) {
            return status();
        }
        board = null;
        try {
            b.qmp().execute("quit");
        } catch (IOException e) {
            // QEMU may close the monitor before it answers, or be gone already
        }
        try {
            if (!b.process().waitFor(QUIT_TIMEOUT_S, TimeUnit.SECONDS)) {
                log.warn("QEMU pid {} did not quit within {} s; killing it", b.process().pid(), QUIT_TIMEOUT_S);
                b.process().destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            b.process().destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted while QEMU quit", e);
        } finally {
            b.qmp().close();
            bridge.detach();
        }
        if (b.process().isAlive()) {
            throw new BenchIoException("QEMU pid " + b.process().pid() + " is still running after quit and kill");
        }
        return status();
    }

    /** The board's reset line: {@code system_reset}, the guest restarts without QEMU restarting. */
    public synchronized void reset() throws BenchIoException {
        if (!running()) {
            throw new BenchIoException("cannot reset the QEMU board: it is off");
        }
        try {
            board.qmp().execute("system_reset");
        } catch (IOException e) {
            throw new BenchIoException("QEMU reset failed: " + e.getMessage(), e);
        }
    }

    private boolean running() {
        return board != null && board.process().isAlive();
    }

    @Override
    public synchronized PowerState status() {
        return running() ? PowerState.confirmed(true, "QEMU pid " + board.process().pid() + " runs the board")
                : PowerState.confirmed(false, "QEMU switched off: no QEMU process runs the board");
    }

    @Override
    public String describe() {
        return "QEMU";
    }

    @Override
    public Duration offTime() {
        return offTime;
    }

    /** Quits QEMU, ends socat and removes the work directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            off();
        } catch (BenchIoException e) {
            log.warn("{}", e.getMessage());
        }
        bridge.close();
        spawner.close();
        deleteTree(dir);
    }

    static String tail(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "(no message)" : text.substring(Math.max(0, text.length() - 600)).replace('\n', ' ');
        } catch (IOException e) {
            return "(no message)";
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.debug("cannot remove {}: {}", dir, e.getMessage());
        }
    }
}
