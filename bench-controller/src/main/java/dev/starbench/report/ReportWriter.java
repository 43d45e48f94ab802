package dev.starbench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Renders a {@link RunRecord} into record.json, junit.xml and report.html in the run directory.
 * Each output is a pure function of the record, so rendering twice gives identical bytes, and each
 * file is replaced atomically; a failure names the file it was writing.
 */
public final class ReportWriter {

    static final String RECORD_JSON = "record.json";
    static final String JUNIT_XML = "junit.xml";
    static final String REPORT_HTML = "report.html";

    private ReportWriter() {}

    /** @return the written files, in the order record.json, junit.xml, report.html */
    public static List<Path> writeAll(RunRecord r, Path runDir) throws IOException {
        Files.createDirectories(runDir);
        Path json = runDir.resolve(RECORD_JSON);
        Path junit = runDir.resolve(JUNIT_XML);
        Path html = runDir.resolve(REPORT_HTML);
        AtomicFiles.write(json, recordJson(r));
        AtomicFiles.write(junit, JunitXml.render(r));
        AtomicFiles.write(html, HtmlReport.render(r));
        return List.of(json, junit, html);
    }

    static byte[] recordJson(RunRecord r) throws IOException {
        // Through a String: getBytes turns a lone surrogate into '?' where the UTF-8 generator would throw.
        return (Json.PRETTY.writeValueAsString(r) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
