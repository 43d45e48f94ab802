package dev.starbench.config;

import com.fasterxml.jackson.core.JsonToken;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Upper bounds by the unit a field's name ends in, for every field of every fixture and profile
 * (today's and those still to come): a timeout of 2^63-1 ms overflows the deadline it is added to,
 * and a drive of 2^31 MiB fills the disk. The records keep their own lower bounds and tighter limits.
 */
final class Bounds {
    /** Suffix, largest value, and how the README says it. */
    private record Unit(String suffix, long max, String spoken) {
    }

    static final List<Unit> UNITS = List.of(
            new Unit("-ms", 3_600_000, "one hour"),
            new Unit("-s", 3_600, "one hour"),
            new Unit("-mb", 65_536, "64 GiB"));

    private Bounds() {
    }

    static void check(Path file, YamlIndex index) throws ConfigException {
        for (Map.Entry<List<Object>, YamlIndex.Value> e : index.values().entrySet()) {
            List<Object> path = e.getKey();
            YamlIndex.Value value = e.getValue();
            if (path.isEmpty() || !(path.get(path.size() - 1) instanceof String name)
                    || value.token() != JsonToken.VALUE_NUMBER_INT) {
                continue;
            }
            for (Unit unit : UNITS) {
                if (name.endsWith(unit.suffix()) && number(value.text()).compareTo(BigInteger.valueOf(unit.max())) > 0) {
                    throw new ConfigException(file, value.location().getLineNr(), value.location().getColumnNr(),
                            Paths.render(path), "at most " + unit.max() + " (" + unit.spoken() + "), got " + value.text());
                }
            }
        }
    }

    // StrictYaml lets only decimal and 0x hex through as whole numbers.
    private static BigInteger number(String text) {
        return text.startsWith("0x") ? new BigInteger(text.substring(2), 16) : new BigInteger(text);
    }
}
