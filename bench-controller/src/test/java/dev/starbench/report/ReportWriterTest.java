package dev.starbench.report;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starbench.run.Journal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.testng.SkipException;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

public class ReportWriterTest {

    private static final String HOSTILE = "<script>alert(1)</script>\u001b[31mred\u001b[0m";
    private Path dir;

    @BeforeMethod
    void makeDir() throws IOException {
        dir = Files.createTempDirectory("report-test");
    }

    @AfterMethod(alwaysRun = true)
    void removeDir() throws IOException {
        TestDirs.delete(dir);
    }

    /** One check of every verdict, hostile DUT text in evidence and reasons, an evidence file. */
    private Path fullJournal() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        try (Journal j = Journal.create(file, StepClock.standard())) {
            j.runStarted(Journals.manifest("debug.uart", "auth.default", "comms.tls", "erase.reset", "update.rollback"));
            j.power("on", "first boot");
            j.checkStarted("debug.uart", "UART console is locked", List.of("JC-STAR-S1.3"));
            j.evidence("debug.uart", "transcript", HOSTILE + "\r\nU-Boot> \u0007\u0000", "evidence/debug.uart.log");
            j.checkEnded("debug.uart", Verdict.FAIL, "shell at \u001b[1mU-Boot>\u001b[0m & \"no\" password", 2100);
            j.checkStarted("auth.default", "No default password", List.of("JC-STAR-S1.1", "ETSI-5.1-1"));
            j.evidence("auth.default", "step", "tried admin/admin", null);
            j.checkEnded("auth.default", Verdict.PASS, null, 900);
            j.checkStarted("comms.tls", "TLS validated", List.of("JC-STAR-S1.5"));
            j.checkEnded("comms.tls", Verdict.INCONCLUSIVE, "broker down", 30000);
            j.checkStarted("erase.reset", "Factory reset erases data", List.of("JC-STAR-S1.9"));
            j.checkEnded("erase.reset", Verdict.NOT_APPLICABLE, "no reset button declared", 0);
            j.checkStarted("update.rollback", "No rollback", List.of());
            j.checkEnded("update.rollback", Verdict.FAIL, "accepted 0.9.0", 12345);
            j.finaliser("powered-off", "relay 1 off");
            j.runEnded();
        }
        return file;
    }

    private Map<String, byte[]> render(Path journal, Path out) throws IOException {
        List<Path> written = ReportWriter.writeAll(RecordBuilder.fromJournal(journal), out);
        assertEquals(written, List.of(out.resolve("record.json"), out.resolve("junit.xml"), out.resolve("report.html"),
                out.resolve("checklist.csv"), out.resolve("checklist.md")));
        Map<String, byte[]> files = new TreeMap<>();
        for (Path p : written) {
            files.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
        return files;
    }

    @Test
    void renderingTheSameJournalTwiceGivesIdenticalBytes() throws IOException {
        Path journal = fullJournal();
        Map<String, byte[]> first = render(journal, dir.resolve("a"));
        Map<String, byte[]> second = render(journal, dir.resolve("b"));
        Map<String, byte[]> again = render(journal, dir.resolve("a"));
        for (String name : first.keySet()) {
            assertEquals(second.get(name), first.get(name), name);
            assertEquals(again.get(name), first.get(name), name);
        }
        try (var left = Files.list(dir.resolve("a"))) {
            assertEquals(left.count(), 5, "no temporary files left behind");
        }
    }

    @Test
    void htmlEscapesMarkupAndStripsTerminalControls() throws IOException {
        String html = new String(render(fullJournal(), dir.resolve("out")).get("report.html"), StandardCharsets.UTF_8);
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;red"), "escaped, colour codes gone");
        assertFalse(html.contains("<script"), "no script element");
        assertFalse(html.contains("\u001b"), "no ESC byte");
        assertFalse(html.contains("[31m"));
        for (char c : html.toCharArray()) {
            assertTrue(c >= 0x20 || c == '\n' || c == '\t', "control character " + (int) c);
        }
        assertTrue(html.contains("shell at U-Boot&gt; &amp; &quot;no&quot; password"));
        assertTrue(html.contains("<a class=\"mono\" href=\"evidence/debug.uart.log\">evidence/debug.uart.log</a>"));
        assertTrue(html.contains("Acme Cam"));
        assertTrue(html.contains("FAIL: 2"));
        assertTrue(html.contains("NOT APPLICABLE: 1"));
        assertFalse(html.contains("http://") || html.contains("https://"), "nothing fetched from the network");
    }

    /** The device name reaches junit.xml's properties: cleaned like every DUT text, and escaped by the XML writer. */
    @Test
    void junitXmlCarriesNoControlCharacterFromTheDeviceName() throws Exception {
        Path file = dir.resolve("journal.jsonl");
        try (Journal j = Journal.create(file, StepClock.standard())) {
            j.runStarted(new RunManifest("run-1", "0.1.0", "abc1234", "bench-7", "f.yaml", "f".repeat(64), "p.yaml",
                    "e".repeat(64), "\u001b]0;owned\u0007<Cam> & \"x\"\u009b2J\u0000", "m", "1.0", List.of("debug.c1"),
                    "17", "Linux"));
            j.checkStarted("debug.c1", "c1", List.of());
            j.checkEnded("debug.c1", Verdict.FAIL, "said \u001b[31m]]>\u0007", 1);
            j.runEnded();
        }
        byte[] xml = render(file, dir.resolve("out")).get("junit.xml");
        for (char c : new String(xml, StandardCharsets.UTF_8).toCharArray()) {
            assertTrue(c >= 0x20 && !(c >= 0x7f && c <= 0x9f) || c == '\n', "control character " + (int) c);
        }
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = f.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(xml));
        NodeList props = doc.getElementsByTagName("property");
        String name = null;
        for (int i = 0; i < props.getLength(); i++) {
            Element p = (Element) props.item(i);
            if (p.getAttribute("name").equals("device-name")) {
                name = p.getAttribute("value");
            }
        }
        assertEquals(name, "<Cam> & \"x\"");
        assertEquals(((Element) doc.getElementsByTagName("failure").item(0)).getAttribute("message"), "said ]]>");
    }

    @Test
    void junitXmlParsesAndCountsVerdicts() throws Exception {
        byte[] xml = render(fullJournal(), dir.resolve("out")).get("junit.xml");
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = f.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(xml));
        Element suite = doc.getDocumentElement();
        assertEquals(suite.getTagName(), "testsuite");
        assertEquals(suite.getAttribute("name"), "starbench");
        assertEquals(suite.getAttribute("tests"), "5");
        assertEquals(suite.getAttribute("failures"), "2");
        assertEquals(suite.getAttribute("errors"), "1");
        assertEquals(suite.getAttribute("skipped"), "1");
        assertEquals(suite.getAttribute("timestamp"), "2025-05-01T09:00:00");
        assertEquals(suite.getAttribute("time"), "22.500");

        NodeList cases = doc.getElementsByTagName("testcase");
        assertEquals(cases.getLength(), 5);
        Element uart = (Element) cases.item(0);
        assertEquals(uart.getAttribute("classname"), "debug");
        assertEquals(uart.getAttribute("name"), "debug.uart");
        assertEquals(uart.getAttribute("time"), "2.100");
        Element failure = (Element) uart.getElementsByTagName("failure").item(0);
        assertEquals(failure.getAttribute("message"), "shell at U-Boot> & \"no\" password");
        String out = uart.getElementsByTagName("system-out").item(0).getTextContent();
        assertTrue(out.contains("<script>alert(1)</script>red"), out);
        assertFalse(out.contains("\u001b"));

        Element tls = (Element) cases.item(2);
        Element error = (Element) tls.getElementsByTagName("error").item(0);
        assertEquals(error.getAttribute("type"), "INCONCLUSIVE");
        assertEquals(error.getAttribute("message"), "broker down");
        Element skipped = (Element) ((Element) cases.item(3)).getElementsByTagName("skipped").item(0);
        assertEquals(skipped.getAttribute("message"), "no reset button declared");
        assertEquals(doc.getElementsByTagName("failure").getLength(), 2);
        assertEquals(doc.getElementsByTagName("error").getLength(), 1);
        assertEquals(doc.getElementsByTagName("skipped").getLength(), 1);
        assertEquals(((Element) cases.item(1)).getElementsByTagName("failure").getLength(), 0);
    }

    @Test
    void recordJsonKeepsTheAgreedNames() throws IOException {
        byte[] json = render(fullJournal(), dir.resolve("out")).get("record.json");
        JsonNode root = new ObjectMapper().readTree(json);
        JsonNode run = root.get("run");
        assertEquals(run.get("id").asText(), "run-20250501-0900");
        assertEquals(run.get("start").asText(), "2025-05-01T09:00:00Z");
        assertEquals(run.get("end").asText(), "2025-05-01T09:00:22.500Z");
        assertEquals(run.get("outcome").asText(), "fail");
        assertEquals(run.get("controller-version").asText(), "0.1.0");
        assertEquals(run.get("git-commit").asText(), "abc1234");
        assertEquals(run.get("fixture-sha256").asText(), "f".repeat(64));
        assertEquals(run.get("profile-sha256").asText(), "e".repeat(64));
        assertEquals(run.get("bench-id").asText(), "bench-7");
        assertTrue(run.get("abort-reason").isNull());
        JsonNode uart = root.get("checks").get(0);
        assertEquals(uart.get("id").asText(), "debug.uart");
        assertEquals(uart.get("requirements").get(0).asText(), "JC-STAR-S1.3");
        assertEquals(uart.get("verdict").asText(), "FAIL");
        assertEquals(uart.get("duration-ms").asLong(), 2100);
        JsonNode ev = uart.get("evidence").get(0);
        assertEquals(ev.get("kind").asText(), "transcript");
        assertTrue(ev.get("text").asText().startsWith(HOSTILE), "record.json keeps the raw text");
        assertEquals(ev.get("file").asText(), "evidence/debug.uart.log");
        assertEquals(ev.get("timestamp").asText(), "2025-05-01T09:00:04.500Z");
        assertEquals(root.get("finaliser").get("outcome").asText(), "powered-off");
        assertTrue(root.get("checks").get(1).get("reason").isNull());
    }

    @Test
    void longEvidenceIsCappedInHtmlOnly() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        String flood = "A".repeat(100_000);
        try (Journal j = Journal.create(file, StepClock.standard())) {
            j.runStarted(Journals.manifest("debug.flood"));
            j.checkStarted("debug.flood", "flood", List.of());
            j.evidence("debug.flood", "transcript", flood, "evidence/flood.log");
            j.checkEnded("debug.flood", Verdict.PASS, null, 1);
            j.runEnded();
        }
        Map<String, byte[]> out = render(file, dir.resolve("out"));
        String html = new String(out.get("report.html"), StandardCharsets.UTF_8);
        assertTrue(html.contains("<pre>" + "A".repeat(HtmlReport.MAX_TEXT_BYTES) + "</pre>"));
        assertFalse(html.contains("A".repeat(HtmlReport.MAX_TEXT_BYTES + 1)));
        assertTrue(html.contains("The full text is in evidence/flood.log"));
        assertTrue(new String(out.get("record.json"), StandardCharsets.UTF_8).contains(flood));
    }

    @Test
    void aReadOnlyDirectoryFailsNamingTheFile() throws IOException {
        RunRecord r = RecordBuilder.fromJournal(fullJournal());
        Path out = Files.createDirectory(dir.resolve("locked"));
        try {
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("r-xr-xr-x"));
        } catch (UnsupportedOperationException e) {
            throw new SkipException("no POSIX permissions on this file system");
        }
        if (Files.isWritable(out)) {
            throw new SkipException("running as a user who ignores permissions (root)");
        }
        IOException e = org.testng.Assert.expectThrows(IOException.class, () -> ReportWriter.writeAll(r, out));
        assertTrue(e.getMessage().contains(out.resolve("record.json").toString()), e.getMessage());
    }

    @Test
    void aFailedMoveFailsNamingTheFileAndLeavesNoTemporary() throws IOException {
        RunRecord r = RecordBuilder.fromJournal(fullJournal());
        Path out = Files.createDirectory(dir.resolve("out"));
        // A non-empty directory in the way defeats the rename even for root.
        Files.createDirectories(out.resolve("junit.xml").resolve("occupied"));
        IOException e = org.testng.Assert.expectThrows(IOException.class, () -> ReportWriter.writeAll(r, out));
        assertTrue(e.getMessage().contains(out.resolve("junit.xml").toString()), e.getMessage());
        try (var files = Files.list(out)) {
            assertEquals(files.map(p -> p.getFileName().toString()).sorted().toList(),
                    List.of("junit.xml", "record.json"));
        }
    }
}
