package dev.starbench.vdut;

import dev.starbench.vdut.contract.GpioWire;
import dev.starbench.vdut.contract.ReadyLine;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The virtual DUT as a real child process, driven the way the bench drives it: power over the GPIO
 * socket, the console through the bench-side pty opened as a plain file.
 */
final class VirtualDutProcess implements AutoCloseable {
    static final int POWER_PIN = 17;
    static final int RESET_PIN = 27;
    static final int FACTORY_RESET_PIN = 22;
    static final int RECOVERY_PIN = 23;

    final Process process;
    final Path workDir;
    final Path tty;
    final Path stderr;
    private final Socket gpio;
    private final OutputStream gpioOut;
    private final FileInputStream ttyIn;
    private final FileOutputStream ttyOut;
    private final StringBuilder received = new StringBuilder();
    private int cursor;

    private VirtualDutProcess(Process process, Path workDir, Path stderr, Path tty, int port) throws IOException {
        this.process = process;
        this.workDir = workDir;
        this.stderr = stderr;
        this.tty = tty;
        this.gpio = new Socket(InetAddress.getLoopbackAddress(), port);
        this.gpioOut = gpio.getOutputStream();
        this.ttyIn = new FileInputStream(tty.toFile());
        this.ttyOut = new FileOutputStream(tty.toFile());
        Thread reader = new Thread(this::readTty, "test-tty-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts it as the bench does, with the simulation as the first line of its stdin. */
    static VirtualDutProcess start(Path workDir, String simulationJson) throws Exception {
        Path stderr = workDir.resolveSibling(workDir.getFileName() + "-" + System.nanoTime() + ".stderr");
        Process p = launch(stderr, "--simulation", "-", "--work-dir", workDir.toString(),
                "--wire", "power=" + POWER_PIN + ":active-low", "--wire", "reset=" + RESET_PIN + ":active-low",
                "--wire", GpioWire.FACTORY_RESET + "=" + FACTORY_RESET_PIN + ":active-low",
                "--wire", GpioWire.RECOVERY + "=" + RECOVERY_PIN + ":active-low");
        // A raw line break cannot be inside a JSON string, so as whitespace it may become a space.
        p.getOutputStream().write((simulationJson.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        try {
            line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            p.destroyForcibly();
            throw new AssertionError("no READY line within 10 s; stderr:\n" + Files.readString(stderr));
        }
        ReadyLine ready = line == null ? null : ReadyLine.parse(line).filter(r -> r.line().equals(line)).orElse(null);
        if (ready == null) {
            p.destroyForcibly();
            throw new AssertionError("expected READY line, got " + line + "; stderr:\n" + Files.readString(stderr));
        }
        return new VirtualDutProcess(p, workDir, stderr, Path.of(ready.tty()), ready.gpioPort());
    }

    /** Starts the program with the test classpath (the shaded jar does not exist yet in the test phase). */
    static Process launch(Path stderr, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.starbench.vdut.VirtualDut"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    }

    void gpio(int pin, int level) throws IOException {
        send(new GpioWire.Level(pin, level == 1));
    }

    private void send(GpioWire.Message message) throws IOException {
        gpioOut.write((message.line() + "\n").getBytes(StandardCharsets.US_ASCII));
        gpioOut.flush();
    }

    /** Tells the device the bench's adapter now runs at this rate, as the bench does over the bridge. */
    void benchBaud(int baud) throws IOException {
        send(new GpioWire.Baud(baud));
    }

    void powerOn() throws IOException {
        gpio(POWER_PIN, 0);
    }

    void powerOff() throws IOException {
        gpio(POWER_PIN, 1);
    }

    /** Presses (true) or releases an active-low button line. */
    void button(int pin, boolean pressed) throws IOException {
        gpio(pin, pressed ? 0 : 1);
    }

    void send(String text) throws IOException {
        ttyOut.write(text.getBytes(StandardCharsets.ISO_8859_1));
        ttyOut.flush();
    }

    /** Waits for {@code needle} after the cursor; returns the text up to and including it and moves past it. */
    String expect(String needle, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (true) {
                int at = received.indexOf(needle, cursor);
                if (at >= 0) {
                    String text = received.substring(cursor, at + needle.length());
                    cursor = at + needle.length();
                    return text;
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError("did not see " + printable(needle) + " within " + timeout
                            + "; after the cursor:\n" + printable(received.substring(cursor)) + "\n--- vdut stderr:\n"
                            + Files.readString(stderr));
                }
                received.wait(left);
            }
        }
    }

    String expect(String needle) throws Exception {
        return expect(needle, Duration.ofSeconds(6));
    }

    /** Everything that arrives within {@code period}; moves the cursor to the end. */
    String collect(Duration period) throws InterruptedException {
        Thread.sleep(period.toMillis());
        synchronized (received) {
            String text = received.substring(cursor);
            cursor = received.length();
            return text;
        }
    }

    boolean seenSinceStart(String needle) {
        synchronized (received) {
            return received.indexOf(needle) >= 0;
        }
    }

    String transcript() {
        synchronized (received) {
            return received.toString();
        }
    }

    private void readTty() {
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = ttyIn.read(buf)) >= 0) {
                synchronized (received) {
                    received.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    received.notifyAll();
                }
            }
        } catch (IOException e) {
            // the pty went away with the process
        }
    }

    static String printable(String s) {
        return s.replace("\r", "\\r").replace("\b", "\\b").replace("\u0003", "^C");
    }

    /** Closes stdin as a dying bench would and waits for the process to go. */
    int stop() throws Exception {
        try {
            gpio.close();
        } catch (IOException e) {
            // ignored: the process is being stopped anyway
        }
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("virtual DUT did not exit within 10 s of stdin EOF");
        }
        closeQuietly(ttyIn);
        closeQuietly(ttyOut);
        return process.exitValue();
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            List<ProcessHandle> descendants = process.descendants().toList();
            try {
                stop();
            } finally {
                process.destroyForcibly();
                descendants.forEach(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
