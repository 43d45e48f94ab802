package dev.starbench.report;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNull;

import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

public class TextTest {

    @DataProvider
    Object[][] dirty() {
        return new Object[][] {
            {"\u001b[31mred\u001b[0m", "red"},
            {"\u001b[?25l\u001b[2J\u001b[1;1Hhome", "home"},
            {"\u001b]0;pwned title\u0007after", "after"},
            {"\u001b]8;;http://evil\u001b\\link\u001b]8;;\u001b\\", "link"},
            {"\u001b]0;never terminated", "0;never terminated"},
            {"\u009b31mc1\u009b0m", "c1"},
            {"\u001b(Bcharset \u001bcreset", "charset reset"},
            {"a\r\nb\rc", "a\nb\nc"},
            {"tab\tnul\u0000bs\u0008del\u007f", "tab\tnulbsdel"},
            {"\u202eevil\u202c", "evil"},
            {"half \ud83d", "half \ufffd"},
            {"pair \ud83d\ude00", "pair \ud83d\ude00"},
            {"cut \u001b[31", "cut "},
            {"ends with \u001b", "ends with "},
            {null, ""},
        };
    }

    @Test(dataProvider = "dirty")
    void cleanStripsTerminalControls(String in, String out) {
        assertEquals(Text.clean(in), out);
    }

    @Test
    void aTerminalLineHasNoControlsAndNoLineOfItsOwn() {
        assertEquals(Text.terminal("Cam\u001b]0;owned\u0007\u001b[2J\u009b6n\u202e\n  PASS  debug.fake\tx"),
                "Cam   PASS  debug.fake x");
        String longLine = Text.terminal("x".repeat(10_000));
        assertEquals(longLine, "x".repeat(Text.TERMINAL_MAX) + " [...]");
    }

    @Test
    void markdownShowsHtmlAndMarkupAsText() {
        assertEquals(Text.markdown("<script>alert(1)</script> <img src=x onerror=alert(1)> [a](javascript:x) *b* `c` | d & e\nf"),
                "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; \\[a\\](javascript:x) \\*b\\* "
                        + "\\`c\\` \\| d &amp; e f");
        assertEquals(Text.markdown("\u001b]0;t\u0007Cam"), "Cam");
    }

    @DataProvider
    Object[][] formulas() {
        return new Object[][] {
            {"=1+1", "\"'=1+1\""},
            {"+1", "\"'+1\""},
            {"-1", "\"'-1\""},
            {"@SUM(A1)", "\"'@SUM(A1)\""},
            {"\t=1+1", "\"'\t=1+1\""},
            {"\n=1+1", "\"'\n=1+1\""},
            {"\r=1+1", "\"'\n=1+1\""},
            {"\u001b[31m=1+1", "\"'=1+1\""},
            {"a \"quoted\" =1", "\"a \"\"quoted\"\" =1\""},
        };
    }

    @Test(dataProvider = "formulas")
    void csvDefusesFormulasAlsoAfterATabOrALineBreak(String cell, String field) {
        assertEquals(Text.csvField(cell), field);
    }

    @Test
    void manyUnterminatedStringsStayLinear() {
        String flood = "\u001b]".repeat(200_000);
        long t0 = System.nanoTime();
        assertEquals(Text.clean(flood), "");
        assertEquals(Text.clean(flood + "x"), "x");
        assert System.nanoTime() - t0 < 5_000_000_000L;
    }

    @Test
    void htmlEscapesEverythingThatMatters() {
        assertEquals(Text.html("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    }

    @Test
    void prefixNeverSplitsACharacter() {
        assertEquals(Text.prefixFitting("\u20ac\u20ac", 4), 1);
        assertEquals(Text.prefixFitting("ab\ud83d\ude00", 5), 2);
        assertEquals(Text.prefixFitting("abc", 10), 3);
    }

    @Test
    void hrefsStayInsideTheRunDirectory() {
        assertEquals(Text.relativeHref("evidence/uart log#1.txt"), "evidence/uart%20log%231.txt");
        assertEquals(Text.relativeHref("javascript:alert(1)"), "javascript%3Aalert%281%29");
        assertEquals(Text.relativeHref("\"><script>"), "%22%3E%3Cscript%3E");
        assertNull(Text.relativeHref("/etc/passwd"));
        assertNull(Text.relativeHref("../../secret"));
        assertNull(Text.relativeHref("C:\\x"));
        assertNull(Text.relativeHref(""));
    }
}
