package dev.starbench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link RunRecord} into record.json, junit.xml and report.html in the run directory.
 * Each output is a pure function of the record, so rendering twice gives identical bytes, and each
 * file is replaced atomically; a failure names the file it was writing.
 */
public final class ReportWriter {

    static final String RECORD_JSON = "record.json";
    static final String JUNIT_XML = "junit.xml";
    static final String REPORT_HTML = "report.html";
    static final String CHECKLIST_CSV = "checklist.csv";
    static final String CHECKLIST_MD = "checklist.md";
    /** The outputs derived from the journal, in the order they are written. */
    public static final List<String> OUTPUTS = List.of(RECORD_JSON, JUNIT_XML, REPORT_HTML, CHECKLIST_CSV, CHECKLIST_MD);

    private ReportWriter() {}

    /** @return the written files, in the order of {@link #OUTPUTS} */
    public static List<Path> writeAll(RunRecord r, Path runDir) throws IOException {
        Files.createDirectories(runDir);
        Map<String, byte[]> rendered = render(r);
        List<Path> written = new ArrayList<>();
        for (String name : OUTPUTS) {
            Path file = runDir.resolve(name);
            AtomicFiles.write(file, rendered.get(name));
            written.add(file);
        }
        return written;
    }

    /**
     * Every output's bytes by file name, in the order of {@link #OUTPUTS}. record.json is rendered
     * last and lists the others with their hashes, so its signature covers them all.
     */
    public static Map<String, byte[]> render(RunRecord r) throws IOException {
        Map<String, byte[]> derived = new LinkedHashMap<>();
        derived.put(JUNIT_XML, JunitXml.render(r));
        derived.put(REPORT_HTML, HtmlReport.render(r));
        Checklist.Sheet sheet = Checklist.of(r);
        derived.put(CHECKLIST_CSV, ChecklistExport.csv(sheet));
        derived.put(CHECKLIST_MD, ChecklistExport.markdown(sheet));
        List<RunRecord.FileHash> hashes = new ArrayList<>();
        derived.forEach((name, bytes) -> hashes.add(new RunRecord.FileHash(name, Hashes.sha256(bytes), bytes.length)));
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put(RECORD_JSON, recordJson(r.withOutputs(hashes)));
        out.putAll(derived);
        return out;
    }

    /** Writes one file atomically (temporary name, then rename). */
    public static void writeAtomically(Path file, byte[] content) throws IOException {
        AtomicFiles.write(file, content);
    }

    static byte[] recordJson(RunRecord r) throws IOException {
        // Through a String: getBytes turns a lone surrogate into '?' where the UTF-8 generator would throw.
        return (Json.PRETTY.writeValueAsString(r) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
