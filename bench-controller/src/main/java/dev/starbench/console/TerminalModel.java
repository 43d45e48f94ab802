package dev.starbench.console;

import java.nio.charset.StandardCharsets;

/**
 * What a terminal does with a console's output, as far as the bench needs it: which bytes it shows
 * (escape sequences and invisible controls are not shown), where its cursor is on an 80×24 screen,
 * and which queries it must answer. The parser follows the VT500 state machine (ESC, CSI, OSC and the
 * string sequences), with two departures that keep a hostile console from hiding the rest of the
 * stream: every sequence has a length cap after which its bytes are shown again, and a line feed ends
 * an OSC or DCS string.
 *
 * <p>Shown: printable bytes, bytes from 0x80 up (UTF-8 consoles send them as parts of characters, so
 * they are never taken as 8-bit C1 controls), and CR, LF, TAB and BS, which lay out the text and
 * which patterns may name. Not shown: escape sequences and the other C0 controls (BEL, NUL, ENQ...).
 * Not thread-safe: the console feeds it under its lock.
 */
final class TerminalModel {
    static final int ROWS = 24;
    static final int COLS = 80;
    /** Longer than any real control sequence; past it the bytes are shown as text again. */
    static final int MAX_CSI = 64;
    static final int MAX_STRING = 512;

    /** Receives what the terminal shows, as runs of the chunk fed, and the queries it must answer. */
    interface Output {
        /** Bytes {@code from..to} of the chunk are shown (a run: contiguous in the stream). */
        void shown(int from, int to);

        /** The console asked something a terminal answers; {@code reply} is what a VT100-like terminal sends. */
        void query(String name, String reply);
    }

    private enum State { GROUND, ESC, ESC_INTERMEDIATE, CSI, CSI_IGNORE, OSC, OSC_ESC, STRING, STRING_ESC }

    private static final int ESC = 0x1b;
    private static final int BEL = 0x07;
    private static final int CAN = 0x18;
    private static final int SUB = 0x1a;

    private State state = State.GROUND;
    private int sequenceLength;
    private final int[] params = new int[8];
    private int paramCount;
    private boolean paramStarted;
    private int marker;           // '?', '>', '=', '<' or 0
    private int intermediate;     // the last 0x20..0x2f byte of a CSI, or 0
    private final StringBuilder osc = new StringBuilder();

    private int row = 1;
    private int col = 1;
    private boolean pendingWrap;  // the cursor sits on the last column; the next character wraps first
    private int savedRow = 1;
    private int savedCol = 1;

    /** Runs a chunk through the terminal; shown runs and queries go to {@code out} in stream order. */
    void feed(byte[] data, int length, Output out) {
        int run = -1;   // start of the current shown run, or -1
        int i = 0;
        while (i < length) {
            if (state == State.GROUND) {
                // Plain ASCII is nearly all of a console's output: one tight loop, one cursor update.
                int plain = i;
                while (i < length && data[i] >= 0x20 && data[i] != 0x7f) {
                    i++;
                }
                if (i > plain) {
                    advance(i - plain);
                    if (run < 0) {
                        run = plain;
                    }
                    if (i == length) {
                        break;
                    }
                }
                int b = data[i] & 0xff;
                if (b >= 0x80 || layout(b)) {
                    if (b >= 0xc0) {
                        advance(1);   // a UTF-8 lead byte; its continuation bytes do not move the cursor
                    }
                    if (run < 0) {
                        run = i;
                    }
                } else {
                    if (run >= 0) {
                        out.shown(run, i);
                        run = -1;
                    }
                    if (b == ESC) {
                        enter(State.ESC);
                    }
                    // other C0 controls and DEL: not shown
                }
                i++;
                continue;
            }
            int b = data[i] & 0xff;
            // Inside a sequence a C0 control is still acted on (VT500), and CR/LF/TAB/BS stay shown;
            // a line end inside an OSC or DCS string ends it: a title never spans lines, and a prompt may follow.
            if (b < 0x20 && b != ESC && b != CAN && b != SUB && !(b == BEL && inString())) {
                if ((b == '\n' || b == '\r') && inString()) {
                    state = State.GROUND;
                }
                if (layout(b)) {
                    out.shown(i, i + 1);
                }
            } else {
                sequence(b, out);
            }
            i++;
        }
        if (run >= 0) {
            out.shown(run, length);
        }
    }

    /** The text a terminal would show of {@code text} (chars above 0xff count as shown characters). */
    static String strip(CharSequence text) {
        byte[] bytes = text.toString().getBytes(StandardCharsets.ISO_8859_1);
        StringBuilder shown = new StringBuilder(bytes.length);
        new TerminalModel().feed(bytes, bytes.length, new Output() {
            @Override
            public void shown(int from, int to) {
                shown.append(new String(bytes, from, to - from, StandardCharsets.ISO_8859_1));
            }

            @Override
            public void query(String name, String reply) {
            }
        });
        return shown.toString();
    }

    /** The cursor as a terminal would report it: {@code {row, column}}, both from 1. */
    int[] cursor() {
        return new int[] {row, col};
    }

    private boolean inString() {
        return state == State.OSC || state == State.OSC_ESC || state == State.STRING || state == State.STRING_ESC;
    }

    /** CR, LF, TAB and BS move the cursor and are shown; true for those. */
    private boolean layout(int b) {
        switch (b) {
            case '\r' -> {
                col = 1;
                pendingWrap = false;
            }
            case '\n' -> lineFeed();
            case '\t' -> {
                col = Math.min(COLS, ((col - 1) / 8 + 1) * 8 + 1);
                pendingWrap = false;
            }
            case '\b' -> {
                col = Math.max(1, col - 1);
                pendingWrap = false;
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Prints {@code count} characters: the cursor moves right and wraps at the last column (with xterm's pending wrap). */
    private void advance(int count) {
        int left = count;
        if (pendingWrap) {
            col = 1;
            lineFeed();
        }
        if (left <= COLS - col) {
            col += left;
            return;
        }
        left -= COLS - col + 1;   // up to and including the last column, where the cursor stays
        col = COLS;
        pendingWrap = true;
        while (left > 0) {
            col = 1;
            lineFeed();
            if (left < COLS) {
                col += left;
                return;
            }
            left -= COLS;
            col = COLS;
            pendingWrap = true;
        }
    }

    private void lineFeed() {
        row = Math.min(ROWS, row + 1);
        pendingWrap = false;
    }

    private void enter(State s) {
        state = s;
        sequenceLength = 0;
        if (s == State.CSI) {
            paramCount = 0;
            paramStarted = false;
            params[0] = 0;
            marker = 0;
            intermediate = 0;
        } else if (s == State.OSC) {
            osc.setLength(0);
        }
    }

    private void sequence(int b, Output out) {
        if (b == CAN || b == SUB) {
            state = State.GROUND;
            return;
        }
        if (++sequenceLength > (inString() ? MAX_STRING : MAX_CSI)) {
            // Not a real sequence: what follows is text again (the overlong part stays hidden).
            state = State.GROUND;
            return;
        }
        switch (state) {
            case ESC -> escape(b, out);
            case ESC_INTERMEDIATE -> {
                if (b == ESC) {
                    enter(State.ESC);
                } else if (b >= 0x30 && b <= 0x7e) {
                    state = State.GROUND;   // a charset designation and the like: nothing to show
                }
            }
            case CSI -> csi(b, out);
            case CSI_IGNORE -> {
                if (b == ESC) {
                    enter(State.ESC);
                } else if (b >= 0x40 && b <= 0x7e) {
                    state = State.GROUND;
                }
            }
            case OSC -> {
                if (b == BEL) {
                    oscEnd(out, "\u0007");
                } else if (b == ESC) {
                    state = State.OSC_ESC;
                } else if (osc.length() < 32) {
                    osc.append((char) b);   // only a query's short head matters
                }
            }
            case OSC_ESC -> {
                if (b == '\\') {
                    oscEnd(out, "\u001b\\");
                } else {
                    enter(State.ESC);
                    escape(b, out);
                }
            }
            case STRING -> {
                if (b == ESC) {
                    state = State.STRING_ESC;
                } else if (b == BEL) {
                    state = State.GROUND;
                }
            }
            case STRING_ESC -> {
                if (b == '\\') {
                    state = State.GROUND;
                } else {
                    enter(State.ESC);
                    escape(b, out);
                }
            }
            default -> state = State.GROUND;
        }
    }

    private void escape(int b, Output out) {
        switch (b) {
            case '[' -> enter(State.CSI);
            case ']' -> enter(State.OSC);
            case 'P', 'X', '^', '_' -> enter(State.STRING);
            case ESC -> enter(State.ESC);
            case '7' -> {
                save();
                state = State.GROUND;
            }
            case '8' -> {
                restore();
                state = State.GROUND;
            }
            case 'c' -> {
                row = 1;
                col = 1;
                pendingWrap = false;
                state = State.GROUND;
            }
            case 'D' -> {
                lineFeed();
                state = State.GROUND;
            }
            case 'E' -> {
                col = 1;
                lineFeed();
                state = State.GROUND;
            }
            case 'M' -> {
                row = Math.max(1, row - 1);
                state = State.GROUND;
            }
            case 'Z' -> {
                out.query("identify (ESC Z)", "\u001b[?1;2c");
                state = State.GROUND;
            }
            default -> {
                if (b >= 0x20 && b <= 0x2f) {
                    state = State.ESC_INTERMEDIATE;
                } else {
                    state = State.GROUND;   // any other two-byte sequence (keypad modes, ...)
                }
            }
        }
    }

    private void csi(int b, Output out) {
        if (b >= '0' && b <= '9') {
            if (paramCount < params.length) {
                params[paramCount] = Math.min(9999, params[paramCount] * 10 + (b - '0'));
            }
            paramStarted = true;
        } else if (b == ';' || b == ':') {
            if (paramCount < params.length) {
                paramCount++;
                if (paramCount < params.length) {
                    params[paramCount] = 0;
                }
            }
            paramStarted = true;
        } else if (b >= 0x3c && b <= 0x3f) {
            if (paramStarted || marker != 0) {
                state = State.CSI_IGNORE;
            } else {
                marker = b;
            }
        } else if (b >= 0x20 && b <= 0x2f) {
            intermediate = b;
        } else if (b >= 0x40 && b <= 0x7e) {
            state = State.GROUND;
            dispatch(b, out);
        } else if (b == ESC) {
            enter(State.ESC);
        }
        // DEL inside a CSI is ignored (VT500)
    }

    private int param(int i, int absent) {
        int count = Math.min(paramCount + 1, params.length);
        return i < count && params[i] != 0 ? params[i] : absent;
    }

    private void dispatch(int fin, Output out) {
        if (intermediate != 0) {
            return;   // DECSCUSR, DECSTR and friends: nothing a terminal answers or moves for
        }
        int p0 = param(0, 0);
        if (marker == '?') {
            if (fin == 'n' && p0 == 6) {
                out.query("extended cursor position (ESC[?6n)", "\u001b[?" + row + ";" + col + ";1R");
            }
            return;   // DEC private modes (cursor visibility, bracketed paste): no movement
        }
        if (marker == '>') {
            if (fin == 'c' && p0 == 0) {
                out.query("secondary device attributes (ESC[>c)", "\u001b[>0;10;0c");
            }
            return;
        }
        if (marker != 0) {
            return;
        }
        int n = Math.max(1, p0);
        switch (fin) {
            case 'n' -> {
                if (p0 == 6) {
                    out.query("cursor position (ESC[6n)", "\u001b[" + row + ";" + col + "R");
                } else if (p0 == 5) {
                    out.query("device status (ESC[5n)", "\u001b[0n");
                }
            }
            case 'c' -> {
                if (p0 == 0) {
                    out.query("primary device attributes (ESC[c)", "\u001b[?1;2c");
                }
            }
            case 't' -> {
                if (p0 == 18) {
                    out.query("text area size (ESC[18t)", "\u001b[8;" + ROWS + ";" + COLS + "t");
                } else if (p0 == 19) {
                    out.query("screen size (ESC[19t)", "\u001b[9;" + ROWS + ";" + COLS + "t");
                }
            }
            case 'A' -> moveTo(row - n, col);
            case 'B', 'e' -> moveTo(row + n, col);
            case 'C', 'a' -> moveTo(row, col + n);
            case 'D' -> moveTo(row, col - n);
            case 'E' -> moveTo(row + n, 1);
            case 'F' -> moveTo(row - n, 1);
            case 'G', '`' -> moveTo(row, n);
            case 'd' -> moveTo(n, col);
            case 'H', 'f' -> moveTo(param(0, 1), param(1, 1));
            case 'r' -> moveTo(1, 1);   // setting the scroll region homes the cursor
            case 's' -> save();
            case 'u' -> restore();
            default -> {
                // SGR colours, erase in line/display, modes: nothing moves and nothing is answered
            }
        }
    }

    private void oscEnd(Output out, String terminator) {
        state = State.GROUND;
        String head = osc.toString();
        if (head.equals("10;?")) {
            out.query("foreground colour (OSC 10)", "\u001b]10;rgb:ffff/ffff/ffff" + terminator);
        } else if (head.equals("11;?")) {
            out.query("background colour (OSC 11)", "\u001b]11;rgb:0000/0000/0000" + terminator);
        }
        // window titles (OSC 0/1/2), hyperlinks (OSC 8) and the rest: nothing to show or answer
    }

    private void moveTo(int r, int c) {
        row = Math.max(1, Math.min(ROWS, r));
        col = Math.max(1, Math.min(COLS, c));
        pendingWrap = false;
    }

    private void save() {
        savedRow = row;
        savedCol = col;
    }

    private void restore() {
        row = savedRow;
        col = savedCol;
        pendingWrap = false;
    }
}
