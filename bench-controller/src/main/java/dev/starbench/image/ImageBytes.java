package dev.starbench.image;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * An image's bytes, read a piece at a time: from memory, or from a file that is never held whole, so
 * a 200 MB image is hashed and signed in a few MiB of heap (a Pi Zero 2 W has 512 MB in all).
 */
public abstract class ImageBytes implements Closeable {
    /** How much of a file is read at once while streaming. */
    static final int CHUNK = 1 << 20;

    ImageBytes() {
    }

    public static ImageBytes of(byte[] bytes) {
        return new Memory(bytes);
    }

    /** The file, opened for reading; the caller has checked that it is a regular file. */
    public static ImageBytes open(Path file) throws IOException {
        return new File(FileChannel.open(file, StandardOpenOption.READ));
    }

    public abstract long size();

    /** Fills {@code dst} from {@code pos}; the range lies within {@link #size()}. */
    abstract void read(long pos, byte[] dst, int off, int len) throws IOException;

    /** {@code len} bytes from {@code pos}, for the small parts (header, TLV areas) read whole. */
    byte[] range(long pos, int len) throws IOException {
        byte[] out = new byte[len];
        read(pos, out, 0, len);
        return out;
    }

    /** Streams {@code [from, to)} into each digest and, when not null, to {@code out}. */
    void copy(long from, long to, OutputStream out, MessageDigest... digests) throws IOException {
        byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(to - from, 0))];
        for (long pos = from; pos < to; ) {
            int n = (int) Math.min(chunk.length, to - pos);
            read(pos, chunk, 0, n);
            for (MessageDigest d : digests) {
                d.update(chunk, 0, n);
            }
            if (out != null) {
                out.write(chunk, 0, n);
            }
            pos += n;
        }
    }

    @Override
    public void close() throws IOException {
    }

    /** Work on an image in memory, which cannot fail to be read. */
    interface Reading<T> {
        T run() throws ImageException, IOException;
    }

    static <T> T inMemory(Reading<T> work) throws ImageException {
        try {
            return work.run();
        } catch (IOException e) {
            throw new IllegalStateException("reading an image in memory cannot fail", e);
        }
    }

    private static final class Memory extends ImageBytes {
        private final byte[] bytes;

        Memory(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        void read(long pos, byte[] dst, int off, int len) {
            System.arraycopy(bytes, (int) pos, dst, off, len);
        }
    }

    private static final class File extends ImageBytes {
        private final FileChannel channel;
        private final long size;

        File(FileChannel channel) throws IOException {
            this.channel = channel;
            this.size = channel.size();
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        void read(long pos, byte[] dst, int off, int len) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(dst, off, len);
            while (buf.hasRemaining()) {
                if (channel.read(buf, pos + buf.position() - off) < 0) {
                    throw new IOException("the file ended at " + (pos + buf.position() - off) + " bytes while being read"
                            + " (it was " + size + " bytes when opened)");
                }
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
