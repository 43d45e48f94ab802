package dev.starbench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a record.json back into the typed record (for the checklist and rerun commands). */
public final class RecordReader {

    private RecordReader() {}

    /** @param recordOrDir a record.json, or the run directory holding one */
    public static RunRecord read(Path recordOrDir) throws IOException {
        Path file = Files.isDirectory(recordOrDir) ? recordOrDir.resolve(ReportWriter.RECORD_JSON) : recordOrDir;
        try {
            return Json.MAPPER.readValue(Files.readAllBytes(file), RunRecord.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + ": not a run record: " + e.getOriginalMessage(), e);
        }
    }
}
