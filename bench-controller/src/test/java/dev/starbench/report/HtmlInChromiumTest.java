package dev.starbench.report;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import dev.starbench.run.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * report.html of a large synthetic run (200 checks, 50 MB of transcripts, hostile DUT text),
 * rendered by a real headless Chromium (Debian's `chromium`, which .ci/run installs; no skip).
 */
public class HtmlInChromiumTest {
    static final String SCRIPT = "<script>document.title='pwned'</script>";
    static final String ANSI = "\u001b[31mRED-ALERT\u001b[0m";
    private static final int CHECKS = 200;
    private static final int TRANSCRIPT_CHARS = 50 * 1024 * 1024 / CHECKS;

    private Path dir;
    private Path html;

    @BeforeClass
    public void render() throws IOException {
        dir = Files.createTempDirectory("chromium-report");
        Path journal = dir.resolve("journal.jsonl");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < CHECKS; i++) {
            ids.add("family" + (i % 7) + ".check-" + i);
        }
        String line = "[    1.234567] " + "kernel: some boot chatter of a busy device ".repeat(2) + "\r\n";
        String transcript = line.repeat(TRANSCRIPT_CHARS / line.length() + 1).substring(0, TRANSCRIPT_CHARS);
        try (Journal j = Journal.create(journal, StepClock.standard())) {
            j.runStarted(Journals.manifest(ids.toArray(String[]::new)));
            for (int i = 0; i < CHECKS; i++) {
                String id = ids.get(i);
                j.checkStarted(id, "Check " + i, List.of(i == 0 ? "S1.1-13" : "S1.1-0" + (1 + i % 9)));
                j.power("on", "boot " + i);
                j.evidence(id, "step", "power-cycle and capture the boot", null);
                j.measurement(id, Measurement.atMost("boot-time", 2000 + 37 * (i % 11), "ms", 2300));
                String hostile = i == 0 ? "login: " + SCRIPT + " " + ANSI + "\r\n" : "";
                j.evidence(id, "transcript", "boot log\n" + hostile + transcript, "console.transcript");
                j.power("off", "end of check " + i);
                Verdict v = Verdict.values()[i % 4];
                j.checkEnded(id, v, v == Verdict.PASS ? null : "reason " + i, 900);
            }
            j.evidenceFile("console.transcript", "0".repeat(64), 52428800L);
            j.finaliser("powered-off", "relay off");
            j.runEnded();
        }
        ReportWriter.writeAll(RecordBuilder.fromJournal(journal), dir);
        html = dir.resolve("report.html");
    }

    @AfterClass(alwaysRun = true)
    public void clean() throws IOException {
        TestDirs.delete(dir);
    }

    @Test
    public void theHtmlStaysUnderFiveMegabytes() throws IOException {
        long size = Files.size(html);
        assertTrue(size < 5L * 1024 * 1024, "report.html is " + size + " bytes");
        assertTrue(Files.size(dir.resolve("record.json")) > 50L * 1024 * 1024, "record.json keeps every transcript");
        String text = Files.readString(html);
        assertTrue(text.contains("The full text is in console.transcript"), "excerpts link the full transcript");
    }

    @Test
    public void chromiumRendersTheKeyElementsAndShowsHostileOutputAsText() throws Exception {
        String dom = Chromium.run(dir, "--dump-dom", "file://" + html.toAbsolutePath());
        assertTrue(dom.contains("<h1>StarBench report</h1>"), head(dom));
        assertTrue(dom.contains("id=\"checklist\""), "★1 checklist section");
        for (int i = 1; i <= 16; i++) {
            assertTrue(dom.contains(String.format("id=\"req-S1.1-%02d\"", i)), "checklist row S1.1-" + i);
        }
        assertTrue(dom.contains("class=\"plot timeline\""), "run timeline plot");
        assertTrue(dom.contains("class=\"plot boot-times\""), "boot time plot");
        assertTrue(dom.contains("class=\"power-on\""), "power bands");
        assertTrue(dom.contains("id=\"check-" + CHECKS + "\""), "every check has its section");
        assertTrue(dom.contains("<title>StarBench report: Acme Cam"), "a script would have changed the title");
        assertFalse(dom.contains(SCRIPT), "the DUT's <script> never becomes an element");
        assertTrue(dom.contains("login: &lt;script&gt;document.title='pwned'&lt;/script&gt; RED-ALERT"),
                "shown as text, ANSI stripped");
        assertFalse(dom.contains("\u001b"), "no escape byte reaches the page");

        Path png = dir.resolve("shot.png");
        Chromium.run(dir, "--screenshot=" + png, "--window-size=1200,1600", "file://" + html.toAbsolutePath());
        byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
        assertEquals(head, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, "a PNG screenshot");
    }

    private static String head(String s) {
        return s.substring(0, Math.min(2000, s.length()));
    }
}
