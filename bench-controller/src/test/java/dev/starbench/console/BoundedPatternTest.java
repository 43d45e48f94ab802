package dev.starbench.console;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.testng.annotations.Test;

public class BoundedPatternTest {

    @Test
    public void anUnboundedPatternIsRefusedWithAFix() {
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> BoundedPattern.compile("login.*:"));
        assertTrue(e.getMessage().contains("`*` at index 6") && e.getMessage().contains(".{0,80}"), e.getMessage());
        expectThrows(IllegalArgumentException.class, () -> BoundedPattern.compile("\\d+"));
        expectThrows(IllegalArgumentException.class, () -> BoundedPattern.compile("a{3,}"));
        expectThrows(IllegalArgumentException.class, () -> BoundedPattern.compile("a{0,100000}"));
    }

    @Test
    public void boundedPatternsAndLiteralsAreAccepted() {
        BoundedPattern.compile("login: ?$");
        BoundedPattern.compile("[*+]{1,3} \\* \\+ \\Q.*\\E x{2} y{0,80}");
        BoundedPattern.compile(Pattern.quote("a.*b+c"));
    }

    @Test
    public void expectRefusesAnUnboundedPatternCompiledElsewhere() throws Exception {
        Console c = new Console(new Transcript(Files.createTempDirectory("bp").resolve("t")));
        expectThrows(IllegalArgumentException.class, () -> c.expect(Duration.ofMillis(1), Pattern.compile("x.+y")));
    }

    @Test
    public void aDeathStringEndsTheWaitAtOnceAndNamesItself() throws Exception {
        Console c = new Console(new Transcript(Files.createTempDirectory("bp").resolve("t")));
        c.addDeathStrings(List.of("watchdog reset"));
        byte[] b = "Starting kernel\r\n[ 1.0] Kernel panic - not syncing: VFS\r\nvdut login: ".getBytes(StandardCharsets.ISO_8859_1);
        c.received(b, b.length, Instant.now());
        long t0 = System.nanoTime();
        ConsoleDeath d = expectThrows(ConsoleDeath.class, () -> c.expect(Duration.ofSeconds(30), Prompts.LOGIN));
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(30).toNanos(), "did not wait out the timeout");
        assertEquals(d.deathString(), "Kernel panic");
        assertTrue(d.getMessage().contains("[ 1.0] Kernel panic - not syncing: VFS"), d.getMessage());
        // told once: the login after it is still there to match
        assertTrue(c.expect(Duration.ofMillis(10), Prompts.LOGIN).text().contains("login: "));
        byte[] w = "watchdog reset\r\n".getBytes(StandardCharsets.ISO_8859_1);
        c.received(w, w.length, Instant.now());
        assertEquals(expectThrows(ConsoleDeath.class, () -> c.expect(Duration.ofMillis(10), Prompts.SHELL)).deathString(),
                "watchdog reset");
    }
}
