package dev.starbench.report;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import dev.starbench.run.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The soak's and the outage's plots in report.html, drawn from the journal's measurements alone, and
 * rendered by a real headless Chromium (as {@link HtmlInChromiumTest} does for the run's plots).
 */
public class LifecyclePlotsTest {
    private static final String SOAK = "resilience.power-cut-soak";
    private static final String OUTAGE = "resilience.cloud-outage";
    private Path dir;
    private String html;

    @BeforeClass
    public void render() throws IOException {
        dir = Files.createTempDirectory("lifecycle-plots");
        Path journal = dir.resolve("journal.jsonl");
        try (Journal j = Journal.create(journal, StepClock.standard())) {
            j.runStarted(Journals.manifest(SOAK, OUTAGE));
            j.checkStarted(SOAK, "Power-cut soak", List.of("S1.1-06", "EN303645-5.9-1"));
            j.measurement(SOAK, Measurement.atMost("boot-time", 2600, "ms", 20000));
            long[][] cuts = {{310, 2650}, {700, 2610}, {1190, -1}, {1500, 2700}};
            for (long[] cut : cuts) {
                j.measurement(SOAK, Measurement.of("cut-point", cut[0], "ms"));
                if (cut[1] > 0) {
                    j.measurement(SOAK, Measurement.atMost("boot-time", cut[1], "ms", 20000));
                }
            }
            j.checkEnded(SOAK, Verdict.FAIL, "cut 3 at 1190 ms left the device without a bootable image", 30_000);
            j.checkStarted(OUTAGE, "Cloud outage", List.of("EN303645-5.9-2", "EN303645-5.9-3"));
            j.measurement(OUTAGE, Measurement.of("min-retry-interval", 1000, "ms"));
            for (long gap : new long[] {300, 700, 1500, 1800}) {
                j.measurement(OUTAGE, Measurement.of("retry-gap.refused", gap, "ms"));
            }
            for (long gap : new long[] {1700, 1900}) {
                j.measurement(OUTAGE, Measurement.of("retry-gap.black-holed", gap, "ms"));
            }
            j.checkEnded(OUTAGE, Verdict.PASS, null, 40_000);
            j.finaliser("powered-off", "relay off");
            j.runEnded();
        }
        ReportWriter.writeAll(RecordBuilder.fromJournal(journal), dir);
        html = Files.readString(dir.resolve("report.html"));
    }

    @AfterClass(alwaysRun = true)
    public void clean() throws IOException {
        TestDirs.delete(dir);
    }

    private static String svg(String html, String cls) {
        Matcher m = Pattern.compile("<svg class=\"plot " + cls + "\".*?</svg>", Pattern.DOTALL).matcher(html);
        assertTrue(m.find(), "no " + cls + " plot");
        return m.group();
    }

    private static int count(String s, String needle) {
        return s.split(Pattern.quote(needle), -1).length - 1;
    }

    @Test
    public void eachCutHasItsTickAndTheBootAfterItOrNoBoot() {
        String soak = svg(html, "soak");
        assertEquals(count(soak, "<line class=\"cut\""), 4, "one tick per cut; the uncut first boot is not a cut");
        assertEquals(count(soak, "<rect class=\"boot"), 3);
        assertTrue(soak.contains("<title>cut 2 at 0.7 s; boot after it: 2.61 s</title>"), soak);
        assertTrue(soak.contains(">no boot<title>cut 3 at 1.19 s: the device did not come back</title>"), soak);
        assertTrue(soak.contains("<title>cut 4 at 1.5 s; boot after it: 2.7 s</title>"), "a boot after a no-boot cut stays with its own cut");
    }

    @Test
    public void eachWaitIsABarColouredByPhaseWithTheMinimumLine() {
        String gaps = svg(html, "retry-gaps");
        assertEquals(count(gaps, "<rect class=\"gap gap-refused\""), 5, "4 waits and the legend");
        assertEquals(count(gaps, "<rect class=\"gap gap-black-holed\""), 3, "2 waits and the legend");
        assertTrue(gaps.contains("<title>wait 5: 1.7 s, then an attempt the cloud black-holed</title>"), gaps);
        assertTrue(gaps.contains(">minimum retry interval 1 s</text>"), gaps);
    }

    @Test
    public void chromiumRendersBothPlots() throws Exception {
        Path page = dir.resolve("report.html");
        String dom = Chromium.run(dir, "--dump-dom", "file://" + page.toAbsolutePath());
        assertTrue(dom.contains("class=\"plot soak\""), "soak plot in the DOM");
        assertTrue(dom.contains("class=\"plot retry-gaps\""), "retry plot in the DOM");
        assertTrue(dom.contains("Boot time after each power cut") && dom.contains("Waits between reconnection attempts"));
        Path png = dir.resolve("shot.png");
        Chromium.run(dir, "--screenshot=" + png, "--window-size=1200,2400", "file://" + page.toAbsolutePath());
        byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
        assertEquals(head, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, "a PNG screenshot");
    }
}
