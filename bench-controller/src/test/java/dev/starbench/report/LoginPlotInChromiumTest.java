package dev.starbench.report;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import dev.starbench.run.Journal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testng.annotations.AfterClass;
import org.testng.annotations.Test;

/**
 * The report's plot of login answer times per surface, rendered by headless Chromium from a journal
 * with the auth checks' {@code login.*} measurements: one panel per surface, a dot per attempt, red
 * where a failure came back faster than the surface's minimum failure delay.
 */
public class LoginPlotInChromiumTest {
    private Path dir;

    @AfterClass(alwaysRun = true)
    public void clean() throws Exception {
        if (dir != null) {
            TestDirs.delete(dir);
        }
    }

    @Test
    public void eachSurfaceIsAPanelWithADotPerAttempt() throws Exception {
        dir = Files.createTempDirectory("login-plot");
        Path journal = dir.resolve("journal.jsonl");
        try (Journal j = Journal.create(journal, StepClock.standard())) {
            j.runStarted(Journals.manifest("auth.brute-force"));
            j.checkStarted("auth.brute-force", "Brute force", List.of("S1.1-04"));
            for (int i = 0; i < 10; i++) {
                j.measurement("auth.brute-force", new Measurement("login.ssh-22", 1000 + 3 * i, "ms", 1000.0, null));
                j.measurement("auth.brute-force", new Measurement("login.http-form-80", 12 + i, "ms", 1000.0, null));
            }
            j.measurement("auth.brute-force", Measurement.of("login.http-form-80", 4, "ms"));
            j.checkEnded("auth.brute-force", Verdict.FAIL, "http-form:80: no lockout", 900);
            j.runEnded();
        }
        ReportWriter.writeAll(RecordBuilder.fromJournal(journal), dir);
        Path html = dir.resolve("report.html");
        String dom = Chromium.run(dir, "--dump-dom", "file://" + html.toAbsolutePath());
        assertTrue(dom.contains("Login answer times per surface"), "the section");
        assertTrue(dom.contains("class=\"plot logins\""), "the plot");
        assertEquals(count(dom, "class=\"attempt slow\""), 10, "ssh's failures all took the minimum delay");
        assertEquals(count(dom, "class=\"attempt fast\""), 10, "http-form's were faster than it");
        assertEquals(count(dom, "class=\"attempt\""), 1, "an attempt without a limit is neither");
        assertTrue(dom.contains(">ssh-22<") && dom.contains(">http-form-80<"), "each panel is labelled with its surface");

        Path png = dir.resolve("logins.png");
        Chromium.run(dir, "--screenshot=" + png, "--window-size=1100,900", "file://" + html.toAbsolutePath() + "#plots");
        assertTrue(Files.size(png) > 1000, "a screenshot");
    }

    @Test
    public void aRunWithoutLoginsHasNoSuchPlot() throws Exception {
        StringBuilder h = new StringBuilder();
        Plots.loginAnswers(h, RecordBuilder.fromJournal(Journals.withVerdicts(Files.createTempDirectory("no-logins"), true, Verdict.PASS)));
        assertFalse(h.toString().contains("svg"), h.toString());
    }

    private static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
