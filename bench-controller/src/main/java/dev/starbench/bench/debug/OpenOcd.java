package dev.starbench.bench.debug;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.Spawner;
import dev.starbench.config.DebugPort;
import dev.starbench.config.DebugProbe;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real OpenOCD process for one attach: started with the generated configuration under a parent-death
 * signal (so it dies with the bench, even on SIGKILL), its whole output kept byte for byte as a log file,
 * driven over its Tcl RPC port on loopback with every command checked by {@link ReadOnlyCommands} first.
 */
public final class OpenOcd implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OpenOcd.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Pattern LISTENING = Pattern.compile("Listening on port (\\d{1,5}) for tcl connections");
    private static final Pattern BIND_FAILED = Pattern.compile("couldn't bind tcl to socket|Address already in use");
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final TclRpc rpc;
    private final Path logFile;
    private final Path rpcFile;
    private final Writer rpcTranscript;
    private final Thread logCopier;
    private ReadOnlyCommands commands;
    private boolean closed;

    private OpenOcd(Process process, TclRpc rpc, Path logFile, Path rpcFile, Writer rpcTranscript, Thread logCopier,
                    DebugPort port) {
        this.process = process;
        this.rpc = rpc;
        this.logFile = logFile;
        this.rpcFile = rpcFile;
        this.rpcTranscript = rpcTranscript;
        this.logCopier = logCopier;
        this.commands = OpenOcdConfig.commands(port);
    }

    /**
     * Starts OpenOCD (not yet {@code init}: the bench asks for that) and connects to its Tcl port.
     *
     * @param logFile where OpenOCD's whole output goes
     * @param rpcFile where every command the bench sent and OpenOCD's answer go
     */
    public static OpenOcd start(DebugProbe probe, DebugPort port, Path logFile, Path rpcFile, Spawner spawner)
            throws BenchIoException {
        BenchIoException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(probe, port, logFile, rpcFile, spawner);
            } catch (PortTaken e) {
                // Another program took the free port between our look and OpenOCD's bind: pick again.
                last = e;
            }
        }
        throw last;
    }

    private static final class PortTaken extends BenchIoException {
        private static final long serialVersionUID = 1L;

        PortTaken(String message) {
            super(message);
        }
    }

    private static OpenOcd startOnce(DebugProbe probe, DebugPort port, Path logFile, Path rpcFile, Spawner spawner)
            throws BenchIoException {
        int tclPort = freeLoopbackPort();
        Path config;
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            config = Files.createTempFile("starbench-openocd-", ".cfg",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(config, OpenOcdConfig.render(probe, port, tclPort));
        } catch (IOException e) {
            throw new BenchIoException("cannot write OpenOCD's configuration: " + e.getMessage(), e);
        }
        Process process;
        try {
            process = spawner.start(new ProcessBuilder(probe.openocd(), "-f", config.toString())
                    .redirectErrorStream(true));
        } catch (IOException e) {
            deleteQuietly(config);
            throw new BenchIoException("cannot start " + probe.openocd() + " (is the openocd package installed?): "
                    + e.getMessage(), e);
        }
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread copier;
        try {
            copier = copyLog(process.getInputStream(), Files.newOutputStream(logFile), listening);
        } catch (IOException e) {
            process.destroyForcibly();
            deleteQuietly(config);
            throw new BenchIoException("cannot write OpenOCD's log " + logFile + ": " + e.getMessage(), e);
        }
        Writer transcript = null;
        try {
            int listeningPort = listening.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (listeningPort <= 0) {
                String why = tail(logFile);
                if (BIND_FAILED.matcher(why).find()) {
                    throw new PortTaken("OpenOCD could not bind its Tcl port " + tclPort + ": " + why);
                }
                throw new BenchIoException("OpenOCD exited before it listened (status " + process.waitFor() + "): " + why);
            }
            transcript = Files.newBufferedWriter(rpcFile, StandardCharsets.UTF_8);
            TclRpc rpc = TclRpc.connect(tclPort, Duration.ofMillis(probe.timeoutMs()), transcript);
            log.debug("OpenOCD pid {} listening on Tcl port {}, log {}", process.pid(), tclPort, logFile);
            return new OpenOcd(process, rpc, logFile, rpcFile, transcript, copier, port);
        } catch (TimeoutException e) {
            kill(process, copier);
            throw new BenchIoException("OpenOCD did not open its Tcl port within " + START_TIMEOUT.toSeconds() + " s: "
                    + tail(logFile));
        } catch (InterruptedException e) {
            kill(process, copier);
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted while starting OpenOCD", e);
        } catch (ExecutionException | IOException | BenchIoException e) {
            kill(process, copier);
            closeQuietly(transcript);
            throw e instanceof BenchIoException b ? b : new BenchIoException("cannot reach OpenOCD's Tcl port: " + e.getMessage(), e);
        } finally {
            // OpenOCD has read it at start-up; it names wiring, not secrets, but nothing keeps it.
            deleteQuietly(config);
        }
    }

    /** Copies OpenOCD's output into the log unchanged, and completes {@code listening} with the Tcl port (or 0 at EOF). */
    private static Thread copyLog(InputStream from, OutputStream to, CompletableFuture<Integer> listening) {
        Thread t = new Thread(() -> {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            try (to) {
                for (int n; (n = from.read(buf)) >= 0; ) {
                    to.write(buf, 0, n);
                    to.flush();
                    if (!listening.isDone()) {
                        for (int i = 0; i < n; i++) {
                            if (buf[i] == '\n') {
                                Matcher m = LISTENING.matcher(line.toString(StandardCharsets.UTF_8));
                                if (m.find()) {
                                    listening.complete(Integer.parseInt(m.group(1)));
                                }
                                line.reset();
                            } else if (line.size() < 4096) {
                                line.write(buf[i]);
                            }
                        }
                    }
                }
            } catch (IOException e) {
                // the process is gone or the log unwritable; the start or the attach says so
            }
            listening.complete(0);
        }, "openocd-log");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Sends one command if it is on the read-only list; a refused one never reaches OpenOCD. */
    public Answer call(String command) throws BenchIoException {
        ReadOnlyCommands.Command checked;
        synchronized (this) {
            checked = commands.check(command);
        }
        return rpc.call(checked);
    }

    /**
     * A memory read whose result stays out of both logs: OpenOCD echoes every Tcl RPC result into its log,
     * so its log points at /dev/null for the read (errors still reach the answer, through capture), and
     * the request log keeps only the answer's status and size.
     */
    public Answer readMemory(String command) throws BenchIoException {
        ReadOnlyCommands.Command checked;
        synchronized (this) {
            checked = commands.check(command);
        }
        call("log_output /dev/null");
        try {
            return rpc.call(checked, true);
        } finally {
            call("log_output default");
        }
    }

    /** Adds the TAP, DAP and target names OpenOCD reported (a maker's target script names its own). */
    synchronized void allow(Set<String> taps, Set<String> daps, Set<String> targets) {
        commands = commands.with(taps, daps, targets);
    }

    public Path logFile() {
        return logFile;
    }

    public Path rpcFile() {
        return rpcFile;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Asks OpenOCD to shut down (unless a request is still under way: the run is ending and will not
     * wait for it), then ends it; waits until its log is complete.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            if (process.isAlive()) {
                rpc.callIfIdle(commands.check("shutdown"));
            }
        } catch (BenchIoException e) {
            // it may close the connection before it answers
        }
        rpc.close();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                log.warn("OpenOCD pid {} did not shut down within 3 s; killing it", process.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill(process, logCopier);
        closeQuietly(rpcTranscript);
    }

    /**
     * Ends the process through its handle: {@link Process#destroy} would also close our end of its output
     * pipe, even after it exited, throwing away the lines the copier has not read yet (its last ones, on
     * a loaded machine).
     */
    static void kill(Process process, Thread copier) {
        ProcessHandle handle = process.toHandle();
        try {
            if (process.isAlive()) {
                handle.destroy();
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    handle.destroyForcibly();
                    process.waitFor(2, TimeUnit.SECONDS);
                }
            }
            // The log is evidence: its copier has only the end of a closed pipe left, but on a loaded
            // machine that can take a moment; a short wait would hand the report a log cut off early.
            copier.join(10_000);
        } catch (InterruptedException e) {
            handle.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freeLoopbackPort() throws BenchIoException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new BenchIoException("no free loopback port for OpenOCD's Tcl server: " + e.getMessage(), e);
        }
    }

    static String tail(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "(no output)" : text.substring(Math.max(0, text.length() - 600)).replace('\n', ' ');
        } catch (IOException e) {
            return "(no output)";
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a temp file; the OS cleans it eventually
        }
    }

    private static void closeQuietly(Writer w) {
        if (w != null) {
            try {
                w.close();
            } catch (IOException e) {
                // evidence already flushed line by line
            }
        }
    }
}
