package dev.starbench.vdut;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The serial line as seen by one power-on of the device. When power goes, the session dies: every
 * wait is interrupted and every later write or read throws {@link InterruptedException}, which
 * unwinds the firmware without it having to check.
 */
final class Session {
    static final int CTRL_C = 0x03;
    static final int CTRL_D = 0x04;

    enum End { ENTER, CTRL_C, CTRL_D }

    record Line(String text, End end) {
    }

    /** How typed characters are shown back. */
    enum Echo { ON, OFF }

    private final OutputStream uart;
    // Bounded like a UART FIFO: bytes beyond it are lost, as on an overrun.
    private final BlockingQueue<Byte> rx = new ArrayBlockingQueue<>(64 * 1024);
    private volatile boolean live = true;
    private volatile Thread thread;
    private final java.util.List<Thread> helpers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private boolean lastWasCr;
    /** Input that arrived while the firmware waited for a terminal's report: read before anything newer. */
    private final java.util.ArrayDeque<Integer> pushedBack = new java.util.ArrayDeque<>();

    Session(OutputStream uart) {
        this.uart = uart;
    }

    void run(String name, Firmware firmware) {
        Thread t = new Thread(() -> {
            try {
                firmware.run(this);
            } catch (InterruptedException e) {
                // power lost: the device simply stops
            } catch (RuntimeException | IOException e) {
                if (live) {
                    System.err.println("vdut: firmware crashed: " + e);
                    e.printStackTrace();
                }
            }
        }, name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    void kill() {
        live = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
        helpers.forEach(Thread::interrupt);
    }

    /** Work the device does beside its console while it has power (a flash write): it stops with the power. */
    interface Chore {
        void run() throws InterruptedException, IOException;
    }

    void beside(String name, Chore chore) {
        Thread t = new Thread(() -> {
            try {
                // kill() sets live before it interrupts: a chore started after it sees live false here.
                if (!live) {
                    return;
                }
                chore.run();
            } catch (InterruptedException e) {
                // power lost mid-way: whatever was written stays as it is
            } catch (IOException | RuntimeException e) {
                if (live) {
                    System.err.println("vdut: " + name + " failed: " + e);
                }
            }
        }, name);
        t.setDaemon(true);
        helpers.add(t);
        t.start();
    }

    void received(byte[] buf, int n) {
        for (int i = 0; i < n && live; i++) {
            rx.offer(buf[i]);
        }
    }

    /**
     * Writes text as ISO-8859-1. A line already handed to the pty when power goes may still arrive,
     * like the bytes in a real UART's FIFO; nothing after it will.
     */
    void print(String s) throws InterruptedException, IOException {
        alive();
        uart.write(s.getBytes(StandardCharsets.ISO_8859_1));
        uart.flush();
    }

    void println(String s) throws InterruptedException, IOException {
        print(s + "\r\n");
    }

    void pause(long millis) throws InterruptedException {
        alive();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    void flushInput() {
        rx.clear();
        pushedBack.clear();
        lastWasCr = false;
    }

    /** The next received byte (0..255), or -1 when none arrives within the timeout. */
    int read(long timeoutMillis) throws InterruptedException {
        alive();
        if (!pushedBack.isEmpty()) {
            return pushedBack.poll();
        }
        Byte b = rx.poll(Math.max(0, timeoutMillis), TimeUnit.MILLISECONDS);
        alive();
        return b == null ? -1 : b & 0xff;
    }

    int read() throws InterruptedException {
        alive();
        if (!pushedBack.isEmpty()) {
            return pushedBack.poll();
        }
        int b = rx.take() & 0xff;
        alive();
        return b;
    }

    /**
     * Asks the terminal where the cursor is ({@code ESC[6n}) and waits for its report
     * ({@code ESC[row;colR}), as programs that lay out their line do; what else arrives meanwhile is
     * kept for later reads. Returns the report ("row;col"), or null when none came in time.
     */
    String askCursorPosition(long timeoutMillis) throws InterruptedException, IOException {
        print("\u001b[6n");
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        java.util.regex.Pattern report = java.util.regex.Pattern.compile("\u001b\\[(\\d{1,4};\\d{1,4})R");
        while (true) {
            alive();
            Byte b = rx.poll(Math.max(0, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            if (b == null) {
                seen.chars().forEach(pushedBack::add);
                return null;
            }
            seen.append((char) (b & 0xff));
            java.util.regex.Matcher m = report.matcher(seen);
            if (m.find()) {
                seen.substring(0, m.start()).chars().forEach(pushedBack::add);
                seen.substring(m.end()).chars().forEach(pushedBack::add);
                return m.group(1);
            }
        }
    }

    /**
     * A line editor like U-Boot's and a cooked tty's: backspace, Ctrl-C, and CR or LF ending the line.
     * With {@code joinCrLf}, an LF straight after a CR is dropped (Linux's side, so "root\r\n" at a login
     * is one line); U-Boot treats it as a second, empty, line, which repeats the last command.
     */
    Line readLine(Echo echo, int maxLength, boolean joinCrLf) throws InterruptedException, IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int c = read();
            boolean afterCr = lastWasCr;
            lastWasCr = c == '\r';
            if (c == '\n' && afterCr && joinCrLf) {
                continue;
            }
            switch (c) {
                case '\r', '\n' -> {
                    print("\r\n");
                    return new Line(line.toString(), End.ENTER);
                }
                case 0x08, 0x7f -> {
                    if (line.length() > 0) {
                        line.setLength(line.length() - 1);
                        if (echo == Echo.ON) {
                            print("\b \b");
                        }
                    }
                }
                case CTRL_C -> {
                    return new Line(line.toString(), End.CTRL_C);
                }
                case CTRL_D -> {
                    if (line.length() == 0) {
                        return new Line("", End.CTRL_D);
                    }
                }
                default -> {
                    if ((c >= 0x20 || c == '\t') && line.length() < maxLength) {
                        line.append((char) c);
                        if (echo == Echo.ON) {
                            print(String.valueOf((char) c));
                        }
                    }
                }
            }
        }
    }

    private void alive() throws InterruptedException {
        if (!live || Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("power lost");
        }
    }
}
