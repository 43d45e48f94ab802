package dev.starbench.vdut;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.expectThrows;

import java.util.List;
import org.testng.annotations.Test;

public class ShellWordsTest {
    @Test
    public void quotesJoinAdjacentParts() throws Exception {
        assertEquals(ShellWords.split("echo 'AB''CD'"), List.of("echo", "ABCD"));
        assertEquals(ShellWords.split("echo \"a b\"c\\ d '' # comment"), List.of("echo", "a bc d", ""));
        assertEquals(ShellWords.split("echo \"\\\"x\\n\""), List.of("echo", "\"x\\n"));
        assertEquals(ShellWords.split("   "), List.of());
    }

    @Test
    public void unterminatedQuoteIsASyntaxError() {
        expectThrows(ShellWords.SyntaxError.class, () -> ShellWords.split("echo 'AB"));
        expectThrows(ShellWords.SyntaxError.class, () -> ShellWords.split("echo \"AB"));
    }
}
