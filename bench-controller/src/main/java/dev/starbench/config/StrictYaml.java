package dev.starbench.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.CharArrayReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The one way the controller reads YAML (fixtures, profiles, the checklist's answers). SnakeYAML reads
 * YAML 1.1, whose surprises would otherwise reach a setting unseen: an alias {@code *n} became the text
 * "n", {@code 021} the number 17, {@code no} the boolean false. Every event the parser meets passes
 * through here before Jackson interprets it, and these are refused with their line, column and field:
 * <ul>
 * <li>anchors, aliases and tags ({@code &n}, {@code *n}, {@code !!str}): settings are written out in full;</li>
 * <li>plain numbers other than decimal or {@code 0x} hex: leading zeros (octal), {@code 0b}, {@code +},
 *     {@code 1_000}, base 60 ({@code 1:20}), {@code .inf}, {@code .nan};</li>
 * <li>control characters other than tab and line feed, in keys and values (NUL, ESC, CR, DEL, C1).</li>
 * </ul>
 * And one is normalised: {@code yes}, {@code no}, {@code on}, {@code off}, {@code y}, {@code n} are
 * text, as in YAML 1.2; only {@code true} and {@code false} are booleans.
 */
public final class StrictYaml {
    /**
     * SnakeYAML's reader copies the unread rest of a line each time it reads 1 KiB more, so one line
     * costs time in the square of its length (an 8 MB comment took 50 s). No setting needs a long line.
     */
    static final int MAX_LINE_BYTES = 16 * 1024;

    /** No setting nests more than a few levels; Jackson's own default (1000) reads as a crash, not a place. */
    static final int MAX_DEPTH = 32;

    private static final Pattern DECIMAL_OR_HEX = Pattern.compile("-?(?:0|[1-9][0-9]*)|0x[0-9A-Fa-f]+");
    private static final Pattern PLAIN_FLOAT = Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?");
    private static final Pattern LEADING_ZERO = Pattern.compile("[-+]?0[0-9_]+");

    private StrictYaml() {
    }

    /** A factory whose parsers refuse what the class comment lists; a new one each call, so features set on it stay local. */
    static YAMLFactory factory() {
        LoaderOptions options = new LoaderOptions();
        // A second guard behind the size limit, for YAML that comes from somewhere other than a file.
        options.setCodePointLimit((int) InputFile.MIB);
        // The builder starts with no format features, not YAMLFactory's defaults: name each one.
        return new Factory(YAMLFactory.builder().loaderOptions(options)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL, YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS));
    }

    /**
     * A strict parser over {@code file}, checked as {@link InputFile} does and for overlong lines first: for
     * a reader of its own YAML format outside this package (the checklist's answers).
     */
    public static JsonParser open(Path file, InputFile.Kind kind) throws ConfigException {
        byte[] bytes = read(file, kind);
        try {
            JsonParser p = factory().createParser(bytes);
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            return p;
        } catch (IOException e) {
            throw new ConfigException(file, 0, 0, "", "cannot read: " + e.getMessage(), e);
        }
    }

    /** The file's bytes, refused with a located error when the file or one of its lines is too long. */
    static byte[] read(Path file, InputFile.Kind kind) throws ConfigException {
        byte[] bytes;
        try {
            bytes = InputFile.read(file, kind);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, 0, 0, "", "file not found", e);
        } catch (IOException e) {
            throw new ConfigException(file, 0, 0, "", e.getMessage(), e);
        }
        int line = 1;
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                if (i - start > MAX_LINE_BYTES) {
                    throw new ConfigException(file, line, MAX_LINE_BYTES + 1, "", "line too long: " + (i - start)
                            + " bytes, at most " + MAX_LINE_BYTES + " (write long text over several lines)");
                }
                line++;
                start = i + 1;
            }
        }
        return bytes;
    }

    /** A refused construct; the message reads {@code FIELD: problem}, {@link #problem()} is without the field. */
    static final class Refused extends JsonParseException {
        private static final long serialVersionUID = 1L;

        private final transient List<Object> path;
        private final String problem;

        Refused(JsonParser p, List<Object> path, String problem, JsonLocation at) {
            super(p, (path.isEmpty() ? "" : Paths.render(path) + ": ") + problem, at);
            this.path = path;
            this.problem = problem;
        }

        List<Object> path() {
            return path;
        }

        String problem() {
            return problem;
        }
    }

    /** Refuses a scalar's surprises; null when there are none. A secret's value is never repeated. */
    static String problem(String value, boolean plain, Tag resolved, boolean secret) {
        String control = controlCharacter(value);
        if (control != null) {
            return control;
        }
        if (!plain) {
            return null;
        }
        if (Tag.INT.equals(resolved) && !DECIMAL_OR_HEX.matcher(value).matches()
                || Tag.FLOAT.equals(resolved) && !PLAIN_FLOAT.matcher(value).matches()) {
            return secret ? "YAML 1.1 reads this value as a number; write it in quotes"
                    : numberProblem(value) + "; if it is text, write it in quotes";
        }
        return null;
    }

    private static String numberProblem(String value) {
        if (value.contains("_")) {
            return "'" + value + "': YAML 1.1 drops the '_' in numbers; write the digits without it";
        }
        if (value.contains(":")) {
            return "'" + value + "': YAML 1.1 reads it as a base-60 number";
        }
        if (LEADING_ZERO.matcher(value).matches()) {
            String digits = value.replaceFirst("^[-+]?0+", "");
            String octal = digits.matches("[0-7]{1,20}") ? " (YAML 1.1 reads it as octal: " + new BigInteger(digits, 8) + ")" : "";
            return "'" + value + "': a number with a leading zero" + octal + "; write " + (digits.isEmpty() ? "0" : digits);
        }
        return "'" + value + "': not a plain decimal number (or 0x hex), which YAML 1.1 would read as a number";
    }

    private static String controlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' || c >= 0x7f && c <= 0x9f) {
                return String.format("contains the control character U+%04X%s at position %d; control characters"
                        + " (escape sequences, NUL, carriage return) are not allowed", (int) c,
                        c == 0 ? " (NUL)" : c == 0x1b ? " (ESC)" : c == '\r' ? " (CR)" : "", i + 1);
            }
        }
        return null;
    }

    private static final class Parser extends YAMLParser {
        Parser(IOContext ctxt, int parserFeatures, int formatFeatures, LoaderOptions options, ObjectCodec codec,
               Reader reader) {
            super(ctxt, parserFeatures, formatFeatures, options, codec, reader);
        }

        @Override
        protected Event getEvent() throws IOException {
            Event e = super.getEvent();
            if (e instanceof AliasEvent alias) {
                throw refused(e, null, "an alias (*" + alias.getAnchor() + "): anchors and aliases are not allowed;"
                        + " write the value out in full");
            }
            if (e instanceof NodeEvent node && node.getAnchor() != null) {
                throw refused(e, scalarText(e), "an anchor (&" + node.getAnchor() + "): anchors and aliases are not"
                        + " allowed; write each value out in full");
            }
            String tag = e instanceof ScalarEvent s ? s.getTag() : e instanceof CollectionStartEvent c ? c.getTag() : null;
            if (tag != null) {
                throw refused(e, scalarText(e), "a tag (" + tag + "): tags are not allowed; write the value plainly,"
                        + " or in quotes for text");
            }
            if (e instanceof ScalarEvent s) {
                boolean plain = s.getImplicit().canOmitTagInPlainScalar();
                Tag resolved = plain ? _yamlResolver.resolve(NodeId.scalar, s.getValue(), true) : null;
                List<Object> path = pathOfNext(s.getValue());
                boolean secret = path.stream().anyMatch(p -> p instanceof String name && name.contains("password"));
                String problem = problem(s.getValue(), plain, resolved, secret);
                if (problem != null) {
                    throw new Refused(this, path, problem, _locationFor(e.getStartMark()));
                }
            }
            return e;
        }

        private static String scalarText(Event e) {
            return e instanceof ScalarEvent s ? s.getValue() : null;
        }

        private Refused refused(Event e, String text, String problem) {
            return new Refused(this, pathOfNext(text), problem, _locationFor(e.getStartMark()));
        }

        /** The field the event about to become a token belongs to; Jackson's context still describes the last one. */
        private List<Object> pathOfNext(String text) {
            List<Object> path = new ArrayList<>();
            JsonStreamContext ctx = _parsingContext;
            if (ctx.inArray()) {
                path.add(ctx.getCurrentIndex() + 1);
                ctx = ctx.getParent();
            } else if (ctx.inObject()) {
                boolean isKey = _currToken != JsonToken.FIELD_NAME;
                String name = isKey ? text : ctx.getCurrentName();
                if (name != null) {
                    path.add(name);
                }
                ctx = ctx.getParent();
            }
            for (; ctx != null && !ctx.inRoot(); ctx = ctx.getParent()) {
                path.add(0, ctx.inArray() ? (Object) ctx.getCurrentIndex() : ctx.getCurrentName());
            }
            path.removeIf(segment -> segment == null);
            return List.copyOf(path);
        }
    }

    /** Makes {@link Parser}s; the overrides mirror YAMLFactory's own. */
    private static final class Factory extends YAMLFactory {
        private static final long serialVersionUID = 1L;

        Factory(YAMLFactoryBuilder builder) {
            super(builder);
        }

        private Factory(Factory base) {
            super(base, null);
        }

        @Override
        public YAMLFactory copy() {
            return new Factory(this);
        }

        @Override
        protected YAMLParser _createParser(InputStream in, IOContext ctxt) throws IOException {
            return parser(ctxt, _createReader(in, null, ctxt));
        }

        @Override
        protected YAMLParser _createParser(Reader r, IOContext ctxt) {
            return parser(ctxt, r);
        }

        @Override
        protected YAMLParser _createParser(char[] data, int offset, int len, IOContext ctxt, boolean recyclable) {
            return parser(ctxt, new CharArrayReader(data, offset, len));
        }

        @Override
        protected YAMLParser _createParser(byte[] data, int offset, int len, IOContext ctxt) throws IOException {
            return parser(ctxt, _createReader(data, offset, len, null, ctxt));
        }

        private YAMLParser parser(IOContext ctxt, Reader reader) {
            return new Parser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, reader);
        }
    }
}
