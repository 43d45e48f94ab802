package dev.starbench.bench.qemu;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.Spawner;
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
 * cycles, as a board's flash does. A kernel and initrd named in the fixture reach the firmware through
 * fw_cfg; forwarded guest ports are on the bench's loopback through QEMU's user network, which lets the
 * guest reach nothing else ({@code restrict=on}) unless the fixture sets {@code restrict: false}. The board is
 * the process: its state is confirmed by whether QEMU runs.
 */
public final class QemuPower implements PowerProtocol, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QemuPower.class);
    private static final long START_TIMEOUT_S = 20;
    private static final long QUIT_TIMEOUT_S = 5;
    private static final String WAITING = "waiting for connection on";

    private final Fixture.Qemu config;
    private final Guest guest;
    private final Duration offTime;
    private final Path dir;
    private final Spawner spawner;
    private final ConsoleBridge bridge;
    private Board board;
    private boolean closed;

    /** One power-on: the QEMU process, its monitor and its serial connection. */
    private record Board(Process process, Qmp qmp) {
    }

    /**
     * What the device profile sets on this board, beyond the fixture: more kernel command line (null:
     * none), and the U-Boot environment its flash holds, written when the bench opens, as a board leaves
     * the factory (null: the flash is left as it is).
     */
    public record Guest(String append, UbootEnvironment environment) {
        /** The fixture's board as it is. */
        public static final Guest AS_FIXTURED = new Guest(null, null);
    }

    private QemuPower(Fixture.Qemu config, Guest guest, Duration offTime, Path dir, Spawner spawner,
                      ConsoleBridge bridge) {
        this.config = config;
        this.guest = guest;
        this.offTime = offTime;
        this.dir = dir;
        this.spawner = spawner;
        this.bridge = bridge;
    }

    /**
     * Makes the console pty (board still off) and writes the guest's U-Boot environment into its flash;
     * {@link #consolePath()} is where the bench opens the console.
     */
    public static QemuPower open(Fixture.Qemu config, Guest guest, Duration offTime) throws BenchIoException {
        if (!Files.isRegularFile(config.firmware())) {
            throw new BenchIoException("QEMU firmware " + config.firmware() + " is missing (the default comes with"
                    + " Debian's u-boot-qemu package)");
        }
        if (guest.append() != null && config.kernel() == null) {
            throw new BenchIoException("the device profile sets a kernel command line, but the fixture's qemu section"
                    + " names no kernel");
        }
        prepareDrives(config);
        if (guest.environment() != null) {
            writeEnvironment(config, guest.environment());
        }
        Path dir;
        try {
            // Under the temp dir, not the run dir: unix socket paths must stay under 108 bytes.
            dir = Files.createTempDirectory("starbench-qemu-");
        } catch (IOException e) {
            throw new BenchIoException("cannot make a work directory for QEMU: " + e.getMessage(), e);
        }
        Spawner spawner = new Spawner("qemu");
        try {
            return new QemuPower(config, guest, offTime, dir, spawner, ConsoleBridge.open(dir, spawner));
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
        prepareDrives(config);
        Path serial = dir.resolve("serial.sock");
        Path monitor = dir.resolve("qmp.sock");
        Path qemuLog = dir.resolve("qemu.log");
        Process process;
        try {
            Files.deleteIfExists(serial);
            Files.deleteIfExists(monitor);
            process = spawner.start(new ProcessBuilder(command(config, guest, serial, monitor))
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

    static List<String> command(Fixture.Qemu config, Guest guest, Path serial, Path monitor) {
        List<String> cmd = new ArrayList<>(List.of(config.binary(), "-M", config.machine(), "-cpu", config.cpu(),
                "-m", Integer.toString(config.memoryMb()), "-nographic", "-bios", config.firmware().toString()));
        for (Fixture.Drive d : config.drives()) {
            cmd.add("-drive");
            cmd.add("if=" + d.iface() + ",format=" + d.format() + (d.index() == null ? "" : ",index=" + d.index())
                    + ",file=" + optionValue(d.file()));
        }
        cmd.addAll(network(config));
        if (config.kernel() != null) {
            cmd.addAll(List.of("-kernel", config.kernel().toString()));
            if (config.initrd() != null) {
                cmd.addAll(List.of("-initrd", config.initrd().toString()));
            }
            String append = String.join(" ", Stream.of(config.append(), guest.append()).filter(a -> a != null).toList());
            if (!append.isEmpty()) {
                cmd.addAll(List.of("-append", append));
            }
        }
        // The monitor first: its socket exists by the time QEMU says it waits for the console.
        cmd.addAll(List.of("-chardev", "socket,id=qmp,path=" + optionValue(monitor) + ",server=on,wait=off",
                "-mon", "chardev=qmp,mode=control",
                "-chardev", "socket,id=console,path=" + optionValue(serial) + ",server=on,wait=on",
                "-serial", "chardev:console", "-monitor", "none"));
        return cmd;
    }

    /**
     * A virtio-net card on QEMU's user network when the fixture forwards ports, else none. Only the bench's
     * loopback reaches the forwarded ports, and the guest reaches nothing but them (restrict=on) unless the
     * fixture says otherwise (a UDP forward needs that); the card's boot ROM is left out (romfile=): U-Boot
     * does not need it.
     */
    private static List<String> network(Fixture.Qemu config) {
        if (!config.networked()) {
            return List.of("-nic", "none");
        }
        StringBuilder netdev = new StringBuilder("user,id=n0,restrict=" + (config.restrict() ? "on" : "off"));
        for (Fixture.Forward f : config.forwards()) {
            netdev.append(",hostfwd=").append(f.protocol()).append(":127.0.0.1:").append(f.host()).append("-:")
                    .append(f.guest());
        }
        return List.of("-netdev", netdev.toString(), "-device", "virtio-net-pci,netdev=n0,romfile=");
    }

    /** QEMU's option syntax escapes a comma in a value by doubling it. */
    private static String optionValue(Path p) {
        return p.toString().replace(",", ",,");
    }

    private static void prepareDrives(Fixture.Qemu config) throws BenchIoException {
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

    private static void writeEnvironment(Fixture.Qemu config, UbootEnvironment env) throws BenchIoException {
        Fixture.Drive bank = config.drives().stream()
                .filter(d -> d.iface().equals("pflash") && Integer.valueOf(UbootEnvironment.FLASH_INDEX).equals(d.index()))
                .findFirst()
                .orElseThrow(() -> new BenchIoException("the device profile sets U-Boot's environment, which it keeps"
                        + " in flash bank " + UbootEnvironment.FLASH_INDEX + ": the fixture's qemu.drives names no"
                        + " drive with interface pflash and index " + UbootEnvironment.FLASH_INDEX));
        if (!bank.format().equals("raw")) {
            throw new BenchIoException("the U-Boot environment goes into a raw flash image; " + bank.file()
                    + " is " + bank.format());
        }
        try {
            env.writeTo(bank.file());
        } catch (IOException e) {
            throw new BenchIoException("cannot write U-Boot's environment into " + bank.file() + ": " + e.getMessage(), e);
        }
        log.debug("U-Boot environment written into {}: {}", bank.file(), env.variables().keySet());
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
