package dev.starbench.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Where every key and value of a YAML file sits. Jackson reports creator failures at the end of the
 * mapping and unknown fields at their value; this index lets an error point at the key, the value, or
 * the enclosing mapping instead. Reading it first also catches syntax errors, duplicate keys and a
 * second document before any binding happens.
 */
final class YamlIndex {
    /** One scalar, mapping or list: where it starts, and what it is for "expected X, got Y". */
    record Value(JsonLocation location, JsonToken token, String text) {
    }

    private final Map<List<Object>, JsonLocation> keys = new LinkedHashMap<>();
    private final Map<List<Object>, Value> values = new LinkedHashMap<>();

    private YamlIndex() {
    }

    // Without strict duplicate detection, so the scan itself can name where the first occurrence was.
    private static final YAMLFactory YAML = StrictYaml.factory();

    static YamlIndex scan(Path file, byte[] bytes) throws ConfigException {
        YamlIndex index = new YamlIndex();
        Deque<Frame> open = new ArrayDeque<>();
        List<Object> root = List.of();
        try (JsonParser p = YAML.createParser(bytes)) {
            JsonToken token = p.nextToken();
            if (token == null || token == JsonToken.VALUE_NULL) {
                throw new ConfigException(file, 1, 1, "", "file is empty");
            }
            if (token != JsonToken.START_OBJECT) {
                JsonLocation at = p.currentTokenLocation();
                throw new ConfigException(file, at.getLineNr(), at.getColumnNr(), "",
                        "expected a mapping of settings, got " + describe(token, p.getText()));
            }
            for (; token != null; token = p.nextToken()) {
                if (open.isEmpty() && !index.values.isEmpty()) {
                    JsonLocation at = p.currentTokenLocation();
                    throw new ConfigException(file, at.getLineNr(), at.getColumnNr(), "",
                            "only one YAML document is allowed");
                }
                Frame frame = open.peek();
                switch (token) {
                    case FIELD_NAME -> {
                        List<Object> path = append(frame.path, p.currentName());
                        JsonLocation first = index.keys.get(path);
                        if (first != null) {
                            JsonLocation at = p.currentTokenLocation();
                            throw new ConfigException(file, at.getLineNr(), at.getColumnNr(), Paths.render(path),
                                    "duplicate key (first at line " + first.getLineNr() + ", column "
                                            + first.getColumnNr() + ")");
                        }
                        index.keys.put(path, p.currentTokenLocation());
                        frame.name = p.currentName();
                    }
                    case END_OBJECT, END_ARRAY -> open.pop();
                    default -> {
                        List<Object> path = frame == null ? root
                                : frame.array ? append(frame.path, frame.next++) : append(frame.path, frame.name);
                        String text = token.isScalarValue() ? p.getText() : null;
                        index.values.put(path, new Value(p.currentTokenLocation(), token, text));
                        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                            open.push(new Frame(path, token == JsonToken.START_ARRAY));
                        }
                    }
                }
            }
        } catch (StreamReadException e) {
            List<Object> path = open.isEmpty() ? root : open.peek().path;
            throw syntax(file, e, path);
        } catch (StreamConstraintsException e) {
            // Only the nesting limit can be met here: the size limit was checked before reading.
            Frame deepest = open.peek();
            JsonLocation at = deepest == null ? JsonLocation.NA : index.values.get(deepest.path).location();
            throw new ConfigException(file, Math.max(at.getLineNr(), 0), Math.max(at.getColumnNr(), 0),
                    deepest == null ? "" : Paths.render(deepest.path),
                    "nested more than " + StrictYaml.MAX_DEPTH + " levels deep", e);
        } catch (IOException e) {
            throw new ConfigException(file, 0, 0, "", "cannot read: " + e.getMessage(), e);
        }
        return index;
    }

    private static ConfigException syntax(Path file, StreamReadException e, List<Object> path) {
        if (e instanceof StrictYaml.Refused refused) {
            JsonLocation at = e.getLocation();
            return new ConfigException(file, at.getLineNr(), at.getColumnNr(), Paths.render(refused.path()),
                    refused.problem(), e);
        }
        // SnakeYAML's own mark and wording ("mapping values are not allowed here") beat Jackson's wrapper.
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            Mark mark = yaml.getProblemMark();
            return new ConfigException(file, mark.getLine() + 1, mark.getColumn() + 1, Paths.render(path),
                    "YAML syntax error: " + yaml.getProblem(), e);
        }
        JsonLocation at = e.getLocation();
        return new ConfigException(file, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
                Paths.render(path), "YAML syntax error: " + e.getOriginalMessage(), e);
    }

    private static List<Object> append(List<Object> path, Object segment) {
        List<Object> out = new ArrayList<>(path.size() + 1);
        out.addAll(path);
        out.add(segment);
        return List.copyOf(out);
    }

    JsonLocation key(List<Object> path) {
        return keys.get(path);
    }

    Value value(List<Object> path) {
        return values.get(path);
    }

    /** Every scalar, mapping and list by its path. */
    Map<List<Object>, Value> values() {
        return java.util.Collections.unmodifiableMap(values);
    }

    /** The value at {@code path}, or else the innermost mapping or list around where it would be. */
    JsonLocation nearest(List<Object> path) {
        for (int end = path.size(); end >= 0; end--) {
            Value found = values.get(path.subList(0, end));
            if (found != null) {
                return found.location();
            }
        }
        return JsonLocation.NA;
    }

    /** The keys of the mapping at {@code path}, in file order. */
    List<String> keysOf(List<Object> path) {
        List<String> names = new ArrayList<>();
        for (List<Object> key : keys.keySet()) {
            if (key.size() == path.size() + 1 && key.subList(0, path.size()).equals(path)) {
                names.add((String) key.get(path.size()));
            }
        }
        return names;
    }

    boolean hasTopLevelKey(String name) {
        return keys.containsKey(List.of(name));
    }

    static String describe(JsonToken token, String text) {
        return switch (token) {
            case START_OBJECT -> "a mapping";
            case START_ARRAY -> "a list";
            case VALUE_NULL -> "no value";
            default -> "'" + text + "'";
        };
    }

    private static final class Frame {
        final List<Object> path;
        final boolean array;
        String name;
        int next;

        Frame(List<Object> path, boolean array) {
            this.path = path;
            this.array = array;
        }
    }
}
