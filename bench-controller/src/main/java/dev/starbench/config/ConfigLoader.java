package dev.starbench.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reads fixtures and device profiles, and turns every problem into a {@link ConfigException} with its place. */
public final class ConfigLoader {
    // Strictness is the point: a typo in a fixture must stop the run, not silently drive the wrong pin.
    private static final YAMLMapper MAPPER = YAMLMapper.builder(StrictYaml.factory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(MapperFeature.USE_GETTERS_AS_SETTERS)
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .build();

    private ConfigLoader() {
    }

    public static Fixture loadFixture(Path file) throws ConfigException {
        byte[] bytes = read(file);
        return bind(file, bytes, YamlIndex.scan(file, bytes), Fixture.class);
    }

    public static DeviceProfile loadProfile(Path file) throws ConfigException {
        byte[] bytes = read(file);
        return bind(file, bytes, YamlIndex.scan(file, bytes), DeviceProfile.class);
    }

    public static Plan loadPlan(Path file) throws ConfigException {
        byte[] bytes = read(file);
        return bind(file, bytes, YamlIndex.scan(file, bytes), Plan.class);
    }

    /**
     * Loads any kind for {@code starbench validate}: a top-level {@code device:} key makes a
     * {@link DeviceProfile}, {@code entries:} a {@link Plan}, anything else a {@link Fixture}.
     */
    public static Object load(Path file) throws ConfigException {
        byte[] bytes = read(file);
        YamlIndex index = YamlIndex.scan(file, bytes);
        Class<?> kind = index.hasTopLevelKey("device") ? DeviceProfile.class
                : index.hasTopLevelKey("entries") ? Plan.class : Fixture.class;
        return bind(file, bytes, index, kind);
    }

    /**
     * A problem found after loading (a check id the catalog does not know), located in the file like
     * a loading error: {@code path} holds String keys and Integer list indices.
     */
    public static ConfigException problemAt(Path file, String problem, Object... path) {
        List<Object> at = List.of(path);
        try {
            byte[] bytes = read(file);
            return at(file, YamlIndex.scan(file, bytes).nearest(at), at, problem, null);
        } catch (ConfigException unreadable) {
            return new ConfigException(file, 0, 0, Paths.render(at), problem, null);
        }
    }

    private static byte[] read(Path file) throws ConfigException {
        return StrictYaml.read(file, InputFile.Kind.CONFIG);
    }

    private static <T> T bind(Path file, byte[] bytes, YamlIndex index, Class<T> type) throws ConfigException {
        Path dir = file.toAbsolutePath().getParent();
        InjectableValues inject = new InjectableValues.Std()
                .addValue("source", file)
                .addValue("sha256", sha256(bytes))
                .addValue("base-dir", dir);
        Bounds.check(file, index);
        T loaded;
        try {
            loaded = MAPPER.readerFor(type).with(inject).readValue(bytes);
        } catch (JacksonException e) {
            throw translate(file, index, e);
        } catch (IOException e) {
            throw new ConfigException(file, 0, 0, "", "cannot read: " + e.getMessage(), e);
        }
        try {
            if (loaded instanceof Fixture fixture) {
                ReferencedFiles.check(fixture);
            } else if (loaded instanceof DeviceProfile profile) {
                ReferencedFiles.check(profile);
            }
        } catch (InvalidField e) {
            throw at(file, index.nearest(e.path()), e.path(), e.problem(), e);
        }
        return loaded;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }

    private static ConfigException translate(Path file, YamlIndex index, JacksonException e) {
        List<Object> path = e instanceof JsonMappingException m ? pathOf(m) : parserPath(e);
        if (e instanceof UnrecognizedPropertyException unknown) {
            JsonLocation at = index.key(path);
            return at(file, at != null ? at : e.getLocation(), path,
                    "unknown field (known: " + String.join(", ", sorted(unknown.getKnownPropertyIds())) + ")", e);
        }
        if (e instanceof ValueInstantiationException failed) {
            // Jackson buffers unknown keys until the creator has run, so a typo ("powr:") would otherwise
            // surface as the field it hides being missing.
            Set<String> known = knownFields(failed.getType());
            for (String key : index.keysOf(path)) {
                if (!known.isEmpty() && !known.contains(key)) {
                    List<Object> at = concat(path, List.of(key));
                    return at(file, index.key(at), at, "unknown field (known: " + String.join(", ", known) + ")", e);
                }
            }
            Throwable cause = failed.getCause();
            if (cause instanceof InvalidField invalid) {
                List<Object> full = concat(path, invalid.path());
                YamlIndex.Value given = index.value(full);
                String problem = invalid.problem();
                if (invalid.isMissing() && given != null) {
                    problem = "has no value (required)";
                }
                return at(file, index.nearest(full), full, problem, e);
            }
            String why = cause != null && cause.getMessage() != null ? cause.getMessage() : failed.getOriginalMessage();
            return at(file, index.nearest(path), path, why, e);
        }
        if (e instanceof InvalidFormatException format && format.getTargetType() != null
                && format.getTargetType().isEnum()) {
            return at(file, index.nearest(path), path, "unknown value '" + format.getValue() + "' (allowed: "
                    + String.join(", ", YamlNames.allOf(format.getTargetType())) + ")", e);
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            YamlIndex.Value given = index.value(path);
            String got = given != null ? YamlIndex.describe(given.token(), given.text()) : "something else";
            return at(file, index.nearest(path), path,
                    "expected " + expected(mismatch.getTargetType()) + ", got " + got, e);
        }
        InputCoercionException coercion = e instanceof InputCoercionException direct ? direct
                : e.getCause() instanceof InputCoercionException wrapped ? wrapped : null;
        if (coercion != null) {
            YamlIndex.Value given = index.value(path);
            String got = given != null ? YamlIndex.describe(given.token(), given.text()) : "a number";
            return at(file, index.nearest(path), path,
                    "number out of range for " + rangeOf(coercion.getTargetType()) + ", got " + got, e);
        }
        String why = e instanceof JsonMappingException m ? m.getOriginalMessage() : e.getOriginalMessage();
        return at(file, e.getLocation() != null ? e.getLocation() : index.nearest(path), path, why, e);
    }

    private static ConfigException at(Path file, JsonLocation at, List<Object> path, String problem, Throwable e) {
        int line = at == null ? 0 : Math.max(at.getLineNr(), 0);
        int column = at == null ? 0 : Math.max(at.getColumnNr(), 0);
        return new ConfigException(file, line, column, Paths.render(path), problem, e);
    }

    private static List<Object> pathOf(JsonMappingException e) {
        List<Object> path = new ArrayList<>();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.add(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.add(ref.getIndex());
            }
        }
        return path;
    }

    // Stream-level errors (a number too big for int) carry no reference path, only the parser's position.
    private static List<Object> parserPath(JacksonException e) {
        List<Object> path = new ArrayList<>();
        if (e.getProcessor() instanceof JsonParser p) {
            for (var ctx = p.getParsingContext(); ctx != null && !ctx.inRoot(); ctx = ctx.getParent()) {
                if (ctx.inArray()) {
                    path.add(0, ctx.getCurrentIndex());
                } else if (ctx.getCurrentName() != null) {
                    path.add(0, ctx.getCurrentName());
                }
            }
        }
        return path;
    }

    private static Set<String> knownFields(JavaType type) {
        Set<String> names = new TreeSet<>();
        if (type != null) {
            creatorProperties(type).forEach(property -> names.add(property.getName()));
        }
        return names;
    }

    /**
     * The fields a YAML mapping of this type may hold, as the loader binds them: the named parameters
     * of its {@code @JsonCreator} (injected values have no name). {@link ConfigSchema} reads the same list.
     */
    static List<BeanPropertyDefinition> creatorProperties(java.lang.reflect.Type type) {
        List<BeanPropertyDefinition> fields = new ArrayList<>();
        for (BeanPropertyDefinition property
                : MAPPER.getDeserializationConfig().introspect(MAPPER.constructType(type)).findProperties()) {
            if (property.hasConstructorParameter() && !property.getName().isEmpty()) {
                fields.add(property);
            }
        }
        return fields;
    }

    private static List<Object> concat(List<Object> a, List<Object> b) {
        List<Object> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static List<String> sorted(Collection<Object> ids) {
        TreeSet<String> names = new TreeSet<>();
        ids.forEach(id -> names.add(String.valueOf(id)));
        return List.copyOf(names);
    }

    private static String rangeOf(Class<?> type) {
        if (type == int.class || type == Integer.class) {
            return "a 32-bit whole number";
        }
        if (type == long.class || type == Long.class) {
            return "a 64-bit whole number";
        }
        return type == null ? "this field" : "a " + type.getSimpleName();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "a value";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class
                || type == short.class || type == Short.class) {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class || type == Path.class) {
            return "a text value";
        }
        if (type.isEnum()) {
            return "one of " + String.join(", ", YamlNames.allOf(type));
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping";
        }
        return "a " + type.getSimpleName();
    }
}
