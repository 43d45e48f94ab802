package dev.starbench.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A file a user hands the controller, checked before it is opened: it must be a regular file (opening
 * a FIFO blocks until someone writes to it, and /dev/zero never ends) no larger than its kind allows,
 * so a wrong path fails at once with a message instead of hanging or filling the heap. Symbolic links
 * are followed; where they lead must pass the same test.
 */
public final class InputFile {
    static final long KIB = 1024;
    static final long MIB = 1024 * KIB;
    static final long GIB = 1024 * MIB;

    /** The kinds of input and their size limits; the README's table of limits is this list. */
    public enum Kind {
        CONFIG("a fixture or profile", MIB),
        ANSWERS("an answers file", MIB),
        /** A PEM key: a few hundred bytes. */
        KEY("a PEM key", 64 * KIB),
        /** A password, community or pass phrase a fixture keeps in a file of its own: one line. */
        SECRET("a password file", 64 * KIB),
        /** A PEM certificate, or a bundle of them. */
        CERTIFICATE("a PEM certificate", MIB),
        /** An image the update checks hold in memory with each of their tampered copies. */
        FIRMWARE("a firmware image", 64 * MIB),
        /** An image `starbench image` reads and writes in a stream, never whole. */
        IMAGE("an image", GIB);

        final String label;
        final long limit;

        Kind(String label, long limit) {
            this.label = label;
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }

    private InputFile() {
    }

    /**
     * What keeps {@code file} from being read as a {@code kind}, or null when nothing does. The text
     * names neither the file nor the field, so each caller can say where the path came from. A null
     * {@code kind} checks only that it is a regular file (one the controller hands on without reading).
     */
    public static String problem(Path file, Kind kind) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return "file not found";
        } catch (AccessDeniedException e) {
            return "permission denied";
        } catch (IOException e) {
            return "cannot read: " + e.getMessage();
        }
        if (!a.isRegularFile()) {
            return "not a regular file (" + (a.isDirectory() ? "a directory" : "a device, FIFO or socket") + ")";
        }
        if (kind != null && a.size() > kind.limit) {
            return tooLarge(a.size(), kind);
        }
        return null;
    }

    /** The whole file, after {@link #problem} found nothing; at most {@code kind}'s limit is ever read. */
    public static byte[] read(Path file, Kind kind) throws IOException {
        String problem = problem(file, kind);
        if (problem != null) {
            throw new IOException(problem);
        }
        try (InputStream in = Files.newInputStream(file)) {
            // The file may have grown since it was measured: never read past the limit.
            byte[] bytes = in.readNBytes((int) Math.min(kind.limit + 1, Integer.MAX_VALUE - 8));
            if (bytes.length > kind.limit) {
                throw new IOException(tooLarge(bytes.length, kind));
            }
            return bytes;
        }
    }

    /**
     * The whole file as UTF-8 text, as {@link #read}. Strict: a file that is not UTF-8 is refused, never
     * read as a password with replacement characters in it.
     */
    public static String readText(Path file, Kind kind) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(read(file, kind))).toString();
        } catch (CharacterCodingException e) {
            throw new IOException("not UTF-8 text", e);
        }
    }

    private static String tooLarge(long size, Kind kind) {
        return "too large: " + size + " bytes, more than the " + human(kind.limit) + " " + kind.label + " may have";
    }

    static String human(long bytes) {
        return bytes % GIB == 0 ? bytes / GIB + " GiB" : bytes % MIB == 0 ? bytes / MIB + " MiB" : bytes % KIB == 0 ? bytes / KIB + " KiB" : bytes + " bytes";
    }
}
