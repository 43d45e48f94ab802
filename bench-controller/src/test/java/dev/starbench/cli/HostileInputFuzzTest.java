package dev.starbench.cli;

import static org.testng.Assert.assertTrue;

import dev.starbench.image.SigningKey;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * Seeded mutations of the shipped fixtures and profiles through `starbench validate`, and of a valid
 * MCUboot image through `starbench image inspect`, all in this JVM through the command line's own
 * entry point. Every input must end in a documented exit code with a message (for YAML: exit 0, or
 * exit 3 naming file, line and column), never a stack trace, and within {@link #PER_INPUT}: a hang
 * guard far above the milliseconds each takes, not a benchmark. The seed is printed; set
 * {@code -Dstarbench.fuzz.seed=N} (and {@code -Dstarbench.fuzz.inputs=N}) to explore further, and a
 * failure names the input it kept.
 */
public class HostileInputFuzzTest {
    private static final long SEED = Long.getLong("starbench.fuzz.seed", 20250601L);
    private static final int YAML_INPUTS = Integer.getInteger("starbench.fuzz.inputs", 300);
    private static final int IMAGE_INPUTS = YAML_INPUTS;
    private static final Duration PER_INPUT = Duration.ofSeconds(10);
    private static final Path ROOT = Path.of(System.getProperty("starbench.root", ".."));

    /** Values a hand or a hostile file puts where a setting was: YAML 1.1 traps, extremes, controls, paths. */
    private static final List<String> VALUES = List.of("", "~", "null", "021", "020000", "0o17", "0x1F", "-0x10", "0b101",
            "1_000", "1:20", "+5", "-1", "0", "yes", "no", "on", "off", "True", ".inf", ".nan", "1e400", "3.14",
            "9223372036854775807", "99999999999999999999999", "-9223372036854775809", "*a", "&a 5", "!!binary AAAA",
            "!!str 021", "!foo bar", "\"\\0\"", "\"\\e[31m\"", "\"\\x9b\"", "\"\\r\"", "\"\\u202e\"", "\"\\ud800\"", "'(.*)'",
            "'[unclosed'", "vcam/#", "http://a b", "/dev/zero", "/dev/null", ".", "..", "''", "[]", "{}", "[a, [b, [c]]]",
            "{a: {b: {c: 1}}}", "'" + "x".repeat(5000) + "'", "- x", "ssl://", "tcp://h:0", "0xffffffff", "ｆｕｌｌ",
            "\"tab\\there\"", "|", ">-", "@at", "`tick", "%pct", "x: y", "[", "{", "'", "\"",
            "[".repeat(2000) + "]".repeat(2000), "{a: ".repeat(100) + "1" + "}".repeat(100));
    private static final List<String> LINES = List.of("<<: *base", "? complex", "---", "...", "%YAML 1.1", "&a x: 1",
            "*a: 1", "- item", "\t: tab", "x: !!set {a, b}", "\"\\e]0;title\\a\": 1", "zz: [1, 2", "bench-id: again");
    private static final String PUNCTUATION = ":-#{}[]&*!|>'\"%@`,\t\\?\u0000\u001b";

    private final Cli cli = new Cli();
    private final List<String> summary = new ArrayList<>();
    private Path dir;

    @BeforeClass
    public void tempDir() throws Exception {
        dir = Files.createTempDirectory("starbench-fuzz");
    }

    @AfterClass(alwaysRun = true)
    public void report() {
        cli.close();
        summary.forEach(System.out::println);
    }

    /** Inputs run, total time, and the slowest input with its time, for the summary. */
    private static final class Tally {
        int inputs;
        long totalNanos;
        long slowestNanos;
        String slowest = "";

        void add(Cli.Result r, String input) {
            inputs++;
            totalNanos += r.took().toNanos();
            if (r.took().toNanos() > slowestNanos) {
                slowestNanos = r.took().toNanos();
                slowest = input;
            }
        }

        String line(String what, int[] exits) {
            return String.format("fuzz %s: seed %d, %d inputs in %.1f s, slowest %d ms (%s); exits 0:%d 1:%d 2:%d 3:%d", what,
                    SEED, inputs, totalNanos / 1e9, slowestNanos / 1_000_000, slowest, exits[0], exits[1], exits[2], exits[3]);
        }
    }

    @Test
    public void mutatedFixturesAndProfilesAreValidOrALocatedError() throws Exception {
        List<Path> shipped;
        try (Stream<Path> fixtures = Files.list(ROOT.resolve("fixtures")); Stream<Path> profiles = Files.list(ROOT.resolve("device-profiles"))) {
            shipped = Stream.concat(fixtures, profiles).filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(shipped.size() >= 6, shipped.toString());
        for (Path file : shipped) {
            // Run first, unmutated, to keep class loading out of the timings. The real-Linux fixture is
            // refused until scripts/build-linux-dut has made its kernel, which a test machine may not have.
            Cli.Result r = cli.run(PER_INPUT, "validate", file.toString());
            assertTrue(r.clean() && (r.exit() == 0 || r.output().contains("scripts/build-linux-dut makes it")), r.output());
        }
        Random rnd = new Random(SEED);
        Tally tally = new Tally();
        int[] exits = new int[4];
        for (int i = 0; i < YAML_INPUTS; i++) {
            Path base = shipped.get(rnd.nextInt(shipped.size()));
            String text = Files.readString(base);
            int mutations = 1 + rnd.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                text = mutate(text, rnd);
            }
            Path file = Files.writeString(dir.resolve(String.format("fuzz-%03d-%s", i, base.getFileName())), text);
            Cli.Result r = cli.run(PER_INPUT, "validate", file.toString());
            tally.add(r, file.getFileName().toString());
            String why = file + " (from " + base.getFileName() + "):\n" + r.output();
            assertTrue(r.clean(), "a stack trace or exception name for " + why);
            assertTrue(r.exit() == 0 || r.exit() == 3, "exit " + r.exit() + " for " + why);
            if (r.exit() == 0) {
                assertTrue(r.output().startsWith("ok: " + file), why);
            } else {
                Matcher at = Pattern.compile("^error: " + Pattern.quote(file.toString()) + ":(\\d+):(\\d+): \\S").matcher(r.output());
                assertTrue(at.find() && Integer.parseInt(at.group(1)) >= 1 && Integer.parseInt(at.group(2)) >= 1,
                        "not located at a line and column: " + why);
            }
            exits[r.exit()]++;
        }
        summary.add(tally.line("YAML (validate)", exits));
        assertTrue(exits[0] > 0 && exits[3] > YAML_INPUTS / 2, "the mutations reach both outcomes: " + Arrays.toString(exits));
    }

    static String mutate(String text, Random rnd) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        int at = rnd.nextInt(lines.size());
        String line = lines.get(at);
        switch (rnd.nextInt(10)) {
            case 0, 1, 2 -> {
                // The most telling mutation: a hostile value where a setting's value was.
                List<Integer> settings = new ArrayList<>();
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).matches("\\s*(- )?[A-Za-z][\\w.-]*: .*\\S.*") && !lines.get(i).trim().startsWith("#")) {
                        settings.add(i);
                    }
                }
                if (!settings.isEmpty()) {
                    int i = settings.get(rnd.nextInt(settings.size()));
                    String s = lines.get(i);
                    lines.set(i, s.substring(0, s.indexOf(": ") + 2) + VALUES.get(rnd.nextInt(VALUES.size())));
                }
            }
            case 3 -> lines.remove(at);
            case 4 -> lines.add(at, line);
            case 5 -> {
                int other = rnd.nextInt(lines.size());
                lines.set(at, lines.get(other));
                lines.set(other, line);
            }
            case 6 -> lines.set(at, rnd.nextBoolean() ? "  " + line : line.replaceFirst("^  ", ""));
            case 7 -> {
                int pos = rnd.nextInt(line.length() + 1);
                char c = PUNCTUATION.charAt(rnd.nextInt(PUNCTUATION.length()));
                lines.set(at, line.substring(0, pos) + c + line.substring(pos));
            }
            case 8 -> lines.add(at, LINES.get(rnd.nextInt(LINES.size())));
            default -> {
                String joined = String.join("\n", lines);
                return joined.substring(0, rnd.nextInt(joined.length() + 1));
            }
        }
        return String.join("\n", lines);
    }

    @Test
    public void mutatedImagesGetTheirDocumentedExitCode() throws Exception {
        SigningKey key = SigningKey.generate(SigningKey.Type.ECDSA_P256);
        Path pub = dir.resolve("dev.pub.pem");
        key.writePublic(pub);
        byte[] valid = TestImages.signed(key, 8192, SEED);
        Random rnd = new Random(SEED);
        Tally tally = new Tally();
        int[] exits = new int[4];
        for (int i = 0; i < IMAGE_INPUTS; i++) {
            byte[] image = valid;
            int mutations = 1 + rnd.nextInt(2);
            for (int m = 0; m < mutations; m++) {
                image = mutate(image, rnd);
            }
            Path file = Files.write(dir.resolve(String.format("fuzz-%03d.bin", i)), image);
            Cli.Result r = cli.run(PER_INPUT, "image", "inspect", "--trust", pub.toString(), file.toString());
            tally.add(r, file.getFileName().toString());
            String why = file + ":\n" + r.output();
            assertTrue(r.clean(), "a stack trace or exception name for " + why);
            assertTrue(Set.of(0, 1, 2, 3).contains(r.exit()), "exit " + r.exit() + " for " + why);
            if (r.exit() == 3) {
                assertTrue(r.output().startsWith("error: " + file + ": "), why);
            } else {
                assertTrue(r.output().contains("signature   "), why);
            }
            exits[r.exit()]++;
        }
        summary.add(tally.line("images (image inspect)", exits));
        assertTrue(exits[1] > 0 && exits[3] > 0, "the mutations reach both refusals: " + Arrays.toString(exits));
    }

    static byte[] mutate(byte[] image, Random rnd) {
        byte[] b = image.clone();
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int[] edges = {0, 1, 4, 31, 32, 0x1ff, 0x200, 0xffff, b.length, b.length - 1, b.length + 1};
        switch (rnd.nextInt(9)) {
            case 0 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
            case 1 -> b[rnd.nextInt(Math.min(32, b.length))] = (byte) rnd.nextInt(256);
            case 2 -> {
                // ih_hdr_size, ih_protect_tlv_size or ih_img_size set to an edge.
                int field = new int[] {8, 10, 12}[rnd.nextInt(3)];
                int value = edges[rnd.nextInt(edges.length)];
                if (field == 12 && b.length >= 16) {
                    le.putInt(12, rnd.nextBoolean() ? value : 0xffffffff - rnd.nextInt(3));
                } else if (b.length >= field + 2) {
                    le.putShort(field, (short) value);
                }
            }
            case 3 -> b = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
            case 4 -> {
                byte[] tail = new byte[1 + rnd.nextInt(600)];
                rnd.nextBytes(tail);
                b = Arrays.copyOf(b, b.length + tail.length);
                System.arraycopy(tail, 0, b, b.length - tail.length, tail.length);
            }
            case 5 -> {
                // The TLV area's own header: magic and size.
                int area = b.length < 16 ? -1 : TestImages.tlvArea(b);
                if (area >= 0) {
                    le.putShort(area + (rnd.nextBoolean() ? 0 : 2), (short) edges[rnd.nextInt(edges.length)]);
                }
            }
            default -> b = mutateTlvs(b, rnd);
        }
        return b;
    }

    /** Adds, removes, repeats, retypes or resizes a TLV, keeping the area's framing right so the parser goes deeper. */
    private static byte[] mutateTlvs(byte[] image, Random rnd) {
        if (image.length < 16 || TestImages.tlvArea(image) < 0) {
            return image;
        }
        List<TestImages.Tlv> tlvs;
        try {
            tlvs = new ArrayList<>(TestImages.tlvs(image));
        } catch (RuntimeException framingAlreadyBroken) {
            return image;
        }
        int[] types = {0x01, 0x02, 0x10, 0x11, 0x20, 0x22, 0x24, 0x30, 0x50, 0x60, 0xa0, 0xff, 0x6907};
        int i = tlvs.isEmpty() ? 0 : rnd.nextInt(tlvs.size());
        switch (rnd.nextInt(5)) {
            case 0 -> {
                byte[] value = new byte[rnd.nextInt(100)];
                rnd.nextBytes(value);
                tlvs.add(rnd.nextInt(tlvs.size() + 1), new TestImages.Tlv(types[rnd.nextInt(types.length)], value));
            }
            case 1 -> {
                if (!tlvs.isEmpty()) {
                    tlvs.remove(i);
                }
            }
            case 2 -> {
                if (!tlvs.isEmpty()) {
                    tlvs.add(tlvs.get(i));
                }
            }
            case 3 -> {
                if (!tlvs.isEmpty()) {
                    tlvs.set(i, new TestImages.Tlv(types[rnd.nextInt(types.length)], tlvs.get(i).value()));
                }
            }
            default -> {
                if (!tlvs.isEmpty()) {
                    TestImages.Tlv t = tlvs.get(i);
                    tlvs.set(i, new TestImages.Tlv(t.type(), Arrays.copyOf(t.value(), rnd.nextInt(t.value().length + 9))));
                }
            }
        }
        return TestImages.withTlvs(image, tlvs);
    }
}
