package dev.starbench.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/** The @JsonProperty on each enum constant is the one place its YAML spelling is written down. */
final class YamlNames {
    private YamlNames() {
    }

    static String of(Enum<?> constant) {
        try {
            JsonProperty name = constant.getDeclaringClass().getField(constant.name()).getAnnotation(JsonProperty.class);
            return name != null ? name.value() : constant.name();
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> allOf(Class<?> enumType) {
        List<String> names = new ArrayList<>();
        for (Object constant : enumType.getEnumConstants()) {
            names.add(of((Enum<?>) constant));
        }
        return names;
    }
}
