package dev.starbench.bench.debug;

import dev.starbench.bench.BenchIoException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * OpenOCD's Tcl RPC: a request is a command terminated by 0x1a, the answer is text terminated by 0x1a.
 * One request at a time. Each command runs inside {@code catch} and {@code capture}, so the answer
 * carries its status and everything OpenOCD logged while it ran (the reason a scan or a read failed).
 * A request that outlives its deadline ends the connection: a late answer must not be taken for the
 * next request's.
 */
final class TclRpc implements AutoCloseable {
    private static final int END = 0x1a;
    /** An answer is a few register values or a 4 KiB read: anything far larger is not OpenOCD answering us. */
    private static final int MAX_ANSWER = 1 << 20;


    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Duration timeout;
    private final Writer transcript;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean broken;

    private TclRpc(Socket socket, Duration timeout, Writer transcript) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.timeout = timeout;
        this.transcript = transcript;
    }

    /** @param transcript every request and answer, as sent and received */
    static TclRpc connect(int port, Duration timeout, Writer transcript) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setTcpNoDelay(true);
        return new TclRpc(s, timeout, transcript);
    }

    Answer call(ReadOnlyCommands.Command command) throws BenchIoException {
        return call(command, false);
    }

    /**
     * @param withhold a successful answer is kept out of the transcript (memory contents: the report holds
     *                 their SHA-256, never the bytes); an error is kept, since it holds no bytes read
     */
    Answer call(ReadOnlyCommands.Command command, boolean withhold) throws BenchIoException {
        lock.lock();
        try {
            return exchange(command, withhold);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends the command only if no other request is under way (a run ending while the bench waits on
     * OpenOCD must not wait for that answer too); false when it was not sent.
     */
    boolean callIfIdle(ReadOnlyCommands.Command command) throws BenchIoException {
        if (!lock.tryLock()) {
            return false;
        }
        try {
            exchange(command, false);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private Answer exchange(ReadOnlyCommands.Command command, boolean withhold) throws BenchIoException {
        if (broken) {
            throw new BenchIoException("the connection to OpenOCD was given up after an earlier request");
        }
        String request = "set _c [catch {capture {" + command.text() + "}} _r]; format \"%d\\n%s\" $_c $_r";
        note("> " + command.text());
        try {
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.write(END);
            out.flush();
            String reply = readAnswer(command);
            int nl = reply.indexOf('\n');
            Answer a = new Answer(Integer.parseInt(nl < 0 ? reply.strip() : reply.substring(0, nl).strip()),
                    nl < 0 ? "" : reply.substring(nl + 1));
            note("< " + a.code() + (withhold && a.ok() ? " (" + a.text().length() + " characters withheld: memory contents stay out of"
                    + " every log; the report has their SHA-256)" : a.text().isEmpty() ? "" : "\n" + a.text().stripTrailing()));
            return a;
        } catch (NumberFormatException e) {
            broken = true;
            throw new BenchIoException("OpenOCD answered `" + command.text() + "` with something that is not the bench's"
                    + " status line", e);
        } catch (IOException e) {
            broken = true;
            throw new BenchIoException("lost OpenOCD's Tcl connection during `" + command.text() + "`: " + e.getMessage(), e);
        }
    }

    private String readAnswer(ReadOnlyCommands.Command command) throws IOException, BenchIoException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (true) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException e) {
                broken = true;
                throw new BenchIoException("OpenOCD did not answer `" + command.text() + "` within " + timeout.toMillis()
                        + " ms");
            }
            if (b < 0) {
                throw new IOException("OpenOCD closed the connection");
            }
            if (b == END) {
                return buf.toString(StandardCharsets.UTF_8);
            }
            if (buf.size() >= MAX_ANSWER) {
                broken = true;
                throw new BenchIoException("OpenOCD's answer to `" + command.text() + "` ran past " + MAX_ANSWER + " bytes");
            }
            buf.write(b);
        }
    }

    private void note(String line) {
        try {
            transcript.write(line + "\n");
            transcript.flush();
        } catch (IOException e) {
            // the transcript is evidence beside OpenOCD's own log; losing it does not change an answer
        }
    }

    /** Closes the connection at once, also under a request in flight (which then fails). */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // gone already
        }
    }
}
