package dev.starbench.cli;

import dev.starbench.bench.Bench;
import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.gpio.ButtonLine;
import dev.starbench.bench.serial.SerialLink;
import dev.starbench.config.ConfigException;
import dev.starbench.config.ConfigLoader;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Fixture;
import dev.starbench.console.Console;
import dev.starbench.console.Transcript;
import dev.starbench.dut.Dut;
import dev.starbench.run.BenchLease;
import dev.starbench.run.LoggingLevels;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * An interactive terminal on the DUT's console for a technician, in raw mode, through the same
 * bench code as a run: power and buttons switch through the fixture's GPIO driver, and every byte in
 * both directions goes to a transcript.
 */
@Command(name = "console", description = "Interactive DUT console with power and button keys; logged to a transcript.")
final class ConsoleCommand implements Callable<Integer> {
    static final int ESCAPE = 0x1d;  // Ctrl-]: as telnet, rarely sent to a DUT on purpose
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    @Option(names = "--fixture", required = true, description = "The bench's wiring (YAML).")
    Path fixturePath;

    @Option(names = "--device", description = "The device profile (YAML): its console baud; required with the virtual fixture.")
    Path profilePath;

    @Option(names = "--out", defaultValue = "reports", description = "Where the transcript directory goes (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    LeaseDirOption leases;

    @Option(names = "--hold-ms", defaultValue = "200", description = "How long a button press lasts (default: ${DEFAULT-VALUE}).")
    long holdMs;

    @Option(names = "--long-hold-ms", defaultValue = "5000", description = "How long a long press lasts, e.g. for factory reset (default: ${DEFAULT-VALUE}).")
    long longHoldMs;

    @Override
    public Integer call() throws IOException {
        Fixture fixture;
        DeviceProfile profile;
        try {
            fixture = ConfigLoader.loadFixture(fixturePath);
            profile = profilePath == null ? null : ConfigLoader.loadProfile(profilePath);
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            return Main.BAD_INPUT;
        }
        if (profile == null && fixture.virtualDut() != null) {
            System.err.println("error: the virtual fixture needs --device: the profile's simulation section is the device");
            return Main.BAD_INPUT;
        }
        LoggingLevels.apply(fixture.logging());
        Instant start = Instant.now();
        String sessionId = "console-" + STAMP.format(start);
        try (BenchLease lease = BenchLease.acquire(leases.dir(), fixture.benchId(), sessionId, Duration.ofHours(12), Clock.systemUTC());
             Terminal terminal = TerminalBuilder.builder().system(true).streams(System.in, System.out).build()) {
            Path dir = Files.createDirectories(out.resolve(sessionId));
            return session(fixture, profile, terminal, dir);
        } catch (BenchLease.Busy e) {
            System.err.println("error: " + e.getMessage());
            return Main.BENCH_BUSY;
        }
    }

    private int session(Fixture fixture, DeviceProfile profile, Terminal terminal, Path dir) throws IOException {
        PrintWriter say = terminal.writer();
        OutputStream screen = terminal.output();
        Console console = new Console(new Transcript(dir.resolve("console.transcript")));
        // The technician's own terminal sees the DUT's queries and answers them; a second answer would confuse the DUT.
        console.answerTerminalQueries(false);
        try (Bench bench = Bench.open(fixture, profile)) {
            SerialLink link = bench.openSerial(new SerialLink.Sink() {
                @Override
                public void received(byte[] data, int length, Instant at) {
                    console.received(data, length, at);
                    try {
                        screen.write(data, 0, length);
                        screen.flush();
                    } catch (IOException gone) {
                        // the technician's terminal closed; the transcript still gets everything
                    }
                }

                @Override
                public void quiet() {
                    console.quiet();
                }

                @Override
                public void gap(String note, Instant at) {
                    console.gap(note, at);
                    announce(say, note);
                }
            });
            console.attach(link);
            Dut dut = new Dut(bench.power(), bench.buttons(), console, bench, profile, (state, cause, reached) -> {
                console.transcript().note("power " + state + ": " + cause, Instant.now());
                announce(say, "power " + state);
            });
            List<ButtonLine> buttons = new ArrayList<>(bench.buttons().values());
            announce(say, keys(buttons) + "  transcript: " + dir.resolve("console.transcript"));
            Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, Terminal.SignalHandler.SIG_IGN);
            var attributes = terminal.enterRawMode();
            try {
                interact(terminal, console, dut, buttons, say);
            } finally {
                terminal.setAttributes(attributes);
                terminal.handle(Terminal.Signal.INT, previous);
                dut.powerOff("console: session ended");
                console.close();
            }
            say.println();
            say.println("session ended; DUT powered off; transcript " + dir.resolve("console.transcript"));
            say.flush();
            return 0;
        } catch (BenchIoException e) {
            console.close();
            say.println("bench fault: " + e.getMessage());
            say.flush();
            return 2;
        }
    }

    private void interact(Terminal terminal, Console console, Dut dut, List<ButtonLine> buttons, PrintWriter say)
            throws IOException, BenchIoException {
        var in = terminal.reader();
        boolean escaped = false;
        for (int c; (c = in.read()) >= 0; ) {
            if (!escaped && c == ESCAPE) {
                escaped = true;
                continue;
            }
            if (!escaped) {
                console.send(String.valueOf((char) c));
                continue;
            }
            escaped = false;
            switch (c) {
                case 'o' -> dut.powerOn("console: technician");
                case 'f' -> dut.powerOff("console: technician");
                case 'c' -> dut.powerCycle("console: technician");
                case 'q' -> {
                    return;
                }
                case ESCAPE -> console.send(String.valueOf((char) ESCAPE));
                default -> {
                    int index = Character.toLowerCase(c) - '1';
                    if (index >= 0 && index < buttons.size()) {
                        ButtonLine b = buttons.get(index);
                        long hold = Character.isUpperCase(c) || c == '!' ? longHoldMs : holdMs;
                        announce(say, "pressing " + b.name() + " for " + hold + " ms");
                        console.transcript().note("button " + b.name() + " held " + hold + " ms", Instant.now());
                        b.press(Duration.ofMillis(hold));
                    } else {
                        announce(say, keys(buttons));
                    }
                }
            }
        }
    }

    static String keys(List<ButtonLine> buttons) {
        StringBuilder sb = new StringBuilder("keys: Ctrl-] then o power on, f power off, c power cycle, q quit, Ctrl-] send Ctrl-]");
        for (int i = 0; i < buttons.size(); i++) {
            sb.append(", ").append(i + 1).append(" press ").append(buttons.get(i).name());
        }
        if (!buttons.isEmpty()) {
            sb.append(" (Shift+number or ! for a long press)");
        }
        return sb.toString();
    }

    private static void announce(PrintWriter say, String text) {
        say.print("\r\n[starbench] " + text + "\r\n");
        say.flush();
    }
}
