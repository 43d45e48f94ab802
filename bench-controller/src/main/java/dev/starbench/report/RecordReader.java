package dev.starbench.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** Reads a record.json back into the typed record (for the checklist and rerun commands). */
public final class RecordReader {
    /** The largest record.json read back; a whole run's is a few hundred KiB. */
    static final long MAX_RECORD = 64L << 20;
    /** The largest record.json.sig read back; one is a few hundred bytes. */
    static final long MAX_SIGNATURE = 64L << 10;

    private RecordReader() {}

    /** @param recordOrDir a record.json, or the run directory holding one */
    public static RunRecord read(Path recordOrDir) throws IOException {
        Path file = Files.isDirectory(recordOrDir) ? recordOrDir.resolve(ReportWriter.RECORD_JSON) : recordOrDir;
        try {
            return Json.MAPPER.readValue(readRegular(file, MAX_RECORD), RunRecord.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + ": not a run record: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The whole of {@code file}, which must be a regular file of at most {@code max} bytes, checked
     * before it is opened: a FIFO in its place would block the open, and /dev/zero would fill the heap.
     * With {@link LinkOption#NOFOLLOW_LINKS} a symbolic link is refused too (a run directory holds only
     * files the bench wrote).
     */
    static byte[] readRegular(Path file, long max, LinkOption... links) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, links);
        if (!a.isRegularFile()) {
            throw new IOException(file + ": not a regular file (" + (a.isSymbolicLink() ? "a symbolic link"
                    : a.isDirectory() ? "a directory" : "a device, FIFO or socket") + ")");
        }
        try (InputStream in = Files.newInputStream(file, links)) {
            byte[] bytes = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
            if (bytes.length > max || a.size() > max) {
                throw new IOException(file + ": too large (" + Math.max(a.size(), bytes.length) + " bytes, at most " + max + ")");
            }
            return bytes;
        }
    }
}
