package dev.starbench.console;

import dev.starbench.bench.serial.SerialLink;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DUT end of a real socat pty pair, scripted like BusyBox's getty, login and ash: a login prompt,
 * a password prompt, a failure delay before "Login incorrect", a shell whose prompt may be coloured and
 * followed by a cursor position query ({@code ESC[6n}) that it waits to have answered before it reads
 * anything else, kernel and syslog lines in the dialogue. The bench end is a real {@link Console} over
 * jSerialComm. Each option is one real-device behaviour a test switches on.
 */
final class BusyBoxLikePeer implements AutoCloseable {
    /** What the peer does; the defaults are a plain, fast login that accepts root/root. */
    static final class Options {
        String user = "root";
        String password = "root";
        Duration failDelay = Duration.ZERO;
        boolean cursorQuery;
        boolean colour;
        /** Kernel and syslog lines printed around each failure and after each login prompt. */
        boolean syslog;
        /** How long the shell takes to print its first prompt after an accepted password. */
        Duration shellDelay = Duration.ZERO;
        /** After this many user names the login stops reading and printing: a hung login. */
        int hangAfter = Integer.MAX_VALUE;
        /**
         * Prompts written in pieces this far apart, as a busy device's UART delivers them ("\r\nvdut lo",
         * "gin: "; "Password:", " "); while the password prompt is not whole, echo is still on and what the
         * bench types is echoed, as a tty echoes before the login turns echo off. Zero: whole prompts.
         */
        Duration split = Duration.ZERO;
        /** Typed-ahead input is thrown away after a failure and before each prompt, as BusyBox's login and getty do. */
        boolean flushTypeAhead;
        /**
         * An account whose password entry cannot be checked (BusyBox prints "login: bad salt" for a locked
         * "!" entry and exits; getty prints a fresh prompt after {@link #respawn}).
         */
        String lockedAccount;
        Duration respawn = Duration.ZERO;
        /** The first this many user names are dropped unread: no echo, and a fresh prompt after {@link #respawn}. */
        int dropUserNames;

        Options split(long ms) {
            split = Duration.ofMillis(ms);
            return this;
        }

        Options flushTypeAhead() {
            flushTypeAhead = true;
            return this;
        }

        Options lockedAccount(String user, long respawnMs) {
            lockedAccount = user;
            respawn = Duration.ofMillis(respawnMs);
            return this;
        }

        Options dropUserNames(int count, long respawnMs) {
            dropUserNames = count;
            respawn = Duration.ofMillis(respawnMs);
            return this;
        }

        Options failDelay(long ms) {
            failDelay = Duration.ofMillis(ms);
            return this;
        }

        Options cursorQuery() {
            cursorQuery = true;
            return this;
        }

        Options colour() {
            colour = true;
            return this;
        }

        Options syslog() {
            syslog = true;
            return this;
        }

        Options shellDelay(long ms) {
            shellDelay = Duration.ofMillis(ms);
            return this;
        }

        Options hangAfter(int userNames) {
            hangAfter = userNames;
            return this;
        }

        Options account(String u, String p) {
            user = u;
            password = p;
            return this;
        }
    }

    private static final Pattern CPR = Pattern.compile("\u001b\\[(\\d{1,4});(\\d{1,4})R");

    private final Options options;
    private final Process socat;
    private final InputStream in;
    private final OutputStream out;
    private final Thread thread;
    final Console console;
    final Path transcript;
    /** Every byte the bench sent, as the DUT received it. */
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    /** The cursor position reports the shell got, as "row;col". */
    final List<String> cursorReports = new CopyOnWriteArrayList<>();
    final List<String> userNames = new CopyOnWriteArrayList<>();
    /** Each user name and password the login read as one dialogue, as "user/password". */
    final List<String> credentialsRead = new CopyOnWriteArrayList<>();
    private final StringBuilder pending = new StringBuilder();   // input read while waiting for a report

    private BusyBoxLikePeer(Options options, Path dir) throws Exception {
        this.options = options;
        Path bench = dir.resolve("bench-tty");
        Path dut = dir.resolve("dut-tty");
        socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + bench, "pty,raw,echo=0,link=" + dut)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!(Files.exists(bench) && Files.exists(dut))) {
            if (System.nanoTime() > deadline || !socat.isAlive()) {
                throw new IOException("socat did not make its ptys");
            }
            Thread.sleep(10);
        }
        in = new FileInputStream(dut.toFile());
        out = new FileOutputStream(dut.toFile());
        transcript = dir.resolve("console.transcript");
        console = new Console(new Transcript(transcript));
        console.attach(SerialLink.open(bench.toString(), 115200, console));
        thread = new Thread(this::run, "busybox-like-peer");
        thread.setDaemon(true);
    }

    /** A peer at its login prompt (the bench's console has seen it). */
    static BusyBoxLikePeer login(Options options) throws Exception {
        BusyBoxLikePeer p = new BusyBoxLikePeer(options, Files.createTempDirectory("busybox-peer"));
        p.thread.start();
        p.console.expect(Duration.ofSeconds(10), Prompts.LOGIN);
        return p;
    }

    /** A peer that starts in a root shell (a console without login). */
    static BusyBoxLikePeer rootShell(Options options) throws Exception {
        BusyBoxLikePeer p = new BusyBoxLikePeer(options, Files.createTempDirectory("busybox-peer"));
        Thread shell = new Thread(() -> {
            try {
                p.shell();
            } catch (IOException | InterruptedException e) {
                // the pty went away: the test is over
            }
        }, "busybox-like-shell");
        shell.setDaemon(true);
        shell.start();
        return p;
    }

    /** What the DUT received from the bench so far. */
    String received() {
        synchronized (received) {
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    String transcriptText() throws IOException {
        return Files.readString(transcript, StandardCharsets.US_ASCII);
    }

    private void run() {
        try {
            int userNames = 0;
            int dropped = 0;
            while (true) {
                if (options.flushTypeAhead) {
                    discardTypeAhead();
                }
                if (options.split.isZero()) {
                    print("\r\nvdut login: ");
                } else {
                    print("\r\nvdut lo");
                    sleep(options.split);
                    print("gin: ");
                }
                if (options.syslog) {
                    print("[   12.345678] random: crng init done\r\n");
                }
                if (dropped < options.dropUserNames) {
                    readLine(false);
                    dropped++;
                    sleep(options.respawn);
                    discardTypeAhead();
                    continue;
                }
                String user = readLine(true);
                if (user.isEmpty()) {
                    continue;
                }
                userNames++;
                this.userNames.add(user);
                if (userNames >= options.hangAfter) {
                    while (true) {
                        readByte();   // swallows everything, answers nothing
                    }
                }
                passwordPrompt();
                String password = readLine(false);
                print("\r\n");
                credentialsRead.add(user + "/" + password);
                if (user.equals(options.lockedAccount)) {
                    // BusyBox's error message starts like a bare login prompt, and its UART may cut it there.
                    print("\r\nlo");
                    sleep(options.split);
                    print("gin: ");
                    sleep(options.split);
                    print("bad salt\r\n");
                    sleep(options.respawn);
                    continue;
                }
                if (user.equals(options.user) && password.equals(options.password)) {
                    sleep(options.shellDelay);
                    shell();
                    return;
                }
                if (options.syslog) {
                    print("[   13.000001] eth0: link becomes ready\r\n");
                }
                sleep(options.failDelay);
                if (options.syslog) {
                    print("login[89]: invalid password for '" + user + "'\r\n");
                }
                print("Login incorrect");
            }
        } catch (IOException | InterruptedException e) {
            // the pty went away: the test is over
        }
    }

    /** "Password: ", whole or in two writes; input that comes before it is whole is echoed (echo is still on). */
    private void passwordPrompt() throws IOException, InterruptedException {
        if (options.split.isZero()) {
            print("Password: ");
            return;
        }
        print("Password:");
        sleep(options.split);
        while (in.available() > 0) {
            int c = readByte();
            pending.append((char) c);
            print(c == '\r' ? "\r\n" : String.valueOf((char) c));
        }
        print(" ");
    }

    /** What the bench typed ahead is gone, unread and unechoed (tcflush). */
    private void discardTypeAhead() throws IOException {
        pending.setLength(0);
        while (in.available() > 0) {
            readByte();
        }
    }

    private void shell() throws IOException, InterruptedException {
        while (true) {
            print(options.colour ? "\u001b]0;root@vdut:~\u0007\u001b[1;32mroot@vdut\u001b[0m:\u001b[1;34m~\u001b[0m# " : "~ # ");
            if (options.cursorQuery) {
                print("\u001b[6n");
                awaitCursorReport();
            }
            String line = readLine(true);
            if (line.startsWith("echo ")) {
                print(line.substring(5).replace("'", "") + "\r\n");
            } else if (line.equals("id")) {
                print("uid=0(root) gid=0(root) groups=0(root)\r\n");
            } else if (!line.isEmpty()) {
                print("sh: " + line.split(" ")[0] + ": not found\r\n");
            }
        }
    }

    /** Like a program that asked where the cursor is: nothing else is read until the report comes. */
    private void awaitCursorReport() throws IOException {
        StringBuilder seen = new StringBuilder();
        while (true) {
            seen.append((char) readByte());
            Matcher m = CPR.matcher(seen);
            if (m.find()) {
                cursorReports.add(m.group(1) + ";" + m.group(2));
                pending.append(seen, 0, m.start()).append(seen, m.end(), seen.length());
                return;
            }
        }
    }

    private String readLine(boolean echo) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int c;
            if (pending.length() > 0) {
                c = pending.charAt(0);
                pending.deleteCharAt(0);
            } else {
                c = readByte();
            }
            if (c == '\r' || c == '\n') {
                if (echo) {
                    print("\r\n");
                }
                return line.toString();
            }
            if (c >= 0x20 && c < 0x7f) {
                line.append((char) c);
                if (echo) {
                    print(String.valueOf((char) c));
                }
            }
        }
    }

    /**
     * Output goes out when the peer waits (for input, or in a delay), as one write: what a busy device
     * prints while input is already queued reaches the bench in one burst, prompts and all.
     */
    private int readByte() throws IOException {
        if (in.available() == 0) {
            flush();
        }
        int c = in.read();
        if (c < 0) {
            throw new IOException("pty closed");
        }
        synchronized (received) {
            received.write(c);
        }
        return c;
    }

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    private synchronized void print(String s) {
        output.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private synchronized void flush() throws IOException {
        out.write(output.toByteArray());
        out.flush();
        output.reset();
    }

    private void sleep(Duration d) throws IOException, InterruptedException {
        flush();
        Thread.sleep(d.toMillis());
    }

    @Override
    public void close() throws Exception {
        console.close();
        socat.destroy();
        socat.waitFor(5, TimeUnit.SECONDS);
        thread.interrupt();
    }
}
