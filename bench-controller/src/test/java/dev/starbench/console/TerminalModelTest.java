package dev.starbench.console;

import static org.testng.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/** What a terminal shows of a console's output, and what it answers to the console's queries. */
public class TerminalModelTest {

    @DataProvider
    public Object[][] shown() {
        return new Object[][] {
                {"SGR colours", "\u001b[1;32mroot@vdut\u001b[0m:\u001b[01;34m~\u001b[00m# ", "root@vdut:~# "},
                {"a trailing cursor query", "~ # \u001b[6n", "~ # "},
                {"an OSC title ended by BEL", "\u001b]0;root@vdut: ~\u0007~ # ", "~ # "},
                {"an OSC title ended by ST", "\u001b]2;title\u001b\\login: ", "login: "},
                {"cursor moves and erases", "\u001b[2J\u001b[H\u001b[Kvdut login: \u001b[?25h", "vdut login: "},
                {"a CR redraw keeps its CR", "~ # ls\r\u001b[K~ # ", "~ # ls\r~ # "},
                {"charset and keypad sequences", "\u001b(B\u001b)0\u001b=text\u001b>", "text"},
                {"BEL, NUL and DEL are not shown", "a\u0007b\u0000c\u007fd", "abcd"},
                {"UTF-8 stays", "caf\u00c3\u00a9 \u00e2\u0094\u0080", "caf\u00c3\u00a9 \u00e2\u0094\u0080"},
                {"a DCS string", "\u001bP1$r0m\u001b\\ok", "ok"},
                {"CR and LF inside a CSI are still acted on", "\u001b[1\r\n;2mx", "\r\nx"},
                {"a line end ends an unterminated title", "\u001b]0;no terminator\r\nlogin: ", "\r\nlogin: "},
                {"CAN aborts a sequence", "\u001b[12\u0018abc", "abc"},
        };
    }

    @Test(dataProvider = "shown")
    public void aTerminalShowsOnlyTheText(String what, String output, String shown) {
        assertEquals(TerminalModel.strip(output), shown, what);
    }

    @Test
    public void anOverlongSequenceCannotHideWhatFollows() {
        // Past the cap the sequence's own bytes are shown too: a hostile console cannot swallow a prompt.
        String csi = TerminalModel.strip("\u001b[" + "1;".repeat(40) + "login: ");
        String osc = TerminalModel.strip("\u001b]0;" + "x".repeat(600) + "login: ");
        assertEquals(csi.length(), 40 * 2 + "login: ".length() - (TerminalModel.MAX_CSI + 1), csi);
        assertEquals(osc.substring(osc.length() - 7), "login: ");
        assertEquals(TerminalModel.strip("\u001bP" + "y".repeat(2000) + "\u001b\\ok").endsWith("ok"), true);
    }

    @DataProvider
    public Object[][] queries() {
        return new Object[][] {
                {"~ # \u001b[6n", "cursor position (ESC[6n)", "\u001b[1;5R"},
                {"a\r\nb\r\n~ # \u001b[6n", "cursor position (ESC[6n)", "\u001b[3;5R"},
                // BusyBox resize and barebox: save, home, go far down-right, ask, restore
                {"\u001b7\u001b[r\u001b[999;999H\u001b[6n\u001b8", "cursor position (ESC[6n)", "\u001b[24;80R"},
                {"x".repeat(85) + "\u001b[6n", "cursor position (ESC[6n)", "\u001b[2;6R"},
                {"\u001b[?6n", "extended cursor position (ESC[?6n)", "\u001b[?1;1;1R"},
                {"\u001b[5n", "device status (ESC[5n)", "\u001b[0n"},
                {"\u001b[c", "primary device attributes (ESC[c)", "\u001b[?1;2c"},
                {"\u001b[0c", "primary device attributes (ESC[c)", "\u001b[?1;2c"},
                {"\u001b[>c", "secondary device attributes (ESC[>c)", "\u001b[>0;10;0c"},
                {"\u001bZ", "identify (ESC Z)", "\u001b[?1;2c"},
                {"\u001b[18t", "text area size (ESC[18t)", "\u001b[8;24;80t"},
                {"\u001b]11;?\u0007", "background colour (OSC 11)", "\u001b]11;rgb:0000/0000/0000\u0007"},
                {"\u001b]10;?\u001b\\", "foreground colour (OSC 10)", "\u001b]10;rgb:ffff/ffff/ffff\u001b\\"},
        };
    }

    @Test(dataProvider = "queries")
    public void aQueryIsAnsweredAsATerminalWould(String output, String name, String reply) {
        List<String> asked = queries(output);
        assertEquals(asked, List.of(name + " -> " + reply));
    }

    @Test
    public void whatIsNotAQueryIsNotAnswered() {
        assertEquals(queries("\u001b[1;32mcolour\u001b[0m \u001b[2J \u001b[?25l \u001b[=c \u001b]0;title\u0007 \u0005 \u001b[14t"), List.of());
    }

    @Test
    public void aQueryCutAcrossChunksIsStillOne() {
        TerminalModel t = new TerminalModel();
        List<String> asked = new ArrayList<>();
        for (String part : List.of("~ # \u001b", "[", "6", "n")) {
            byte[] b = part.getBytes(StandardCharsets.ISO_8859_1);
            t.feed(b, b.length, output(asked, new StringBuilder(), b));
        }
        assertEquals(asked, List.of("cursor position (ESC[6n) -> \u001b[1;5R"));
    }

    private static List<String> queries(String output) {
        List<String> asked = new ArrayList<>();
        byte[] b = output.getBytes(StandardCharsets.ISO_8859_1);
        new TerminalModel().feed(b, b.length, output(asked, new StringBuilder(), b));
        return asked;
    }

    private static TerminalModel.Output output(List<String> asked, StringBuilder shown, byte[] chunk) {
        return new TerminalModel.Output() {
            @Override
            public void shown(int from, int to) {
                shown.append(new String(chunk, from, to - from, StandardCharsets.ISO_8859_1));
            }

            @Override
            public void query(String name, String reply) {
                asked.add(name + " -> " + reply);
            }
        };
    }
}
