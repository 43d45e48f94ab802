package dev.starbench.config;

import static dev.starbench.config.InvalidField.check;
import static dev.starbench.config.InvalidField.required;
import static dev.starbench.config.InvalidField.requiredText;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A plan of runs for {@code starbench nightly}: entries run one after another on this bench, each a
 * normal run. Paths are relative to the plan file (or {@code ~/...}); loaded by
 * {@link ConfigLoader#loadPlan}, so a plan gets the same located errors as a fixture.
 *
 * @param out where the runs' directories go, or null for the command's {@code --out}
 */
public record Plan(Path source, String sha256, String name, Path out, List<Entry> entries) {

    public Plan {
        required(source, "source");
        required(sha256, "sha256");
        check(name == null || name.matches("[A-Za-z0-9._-]{1,64}"),
                "must be 1 to 64 letters, digits, '.', '_' or '-', got '" + name + "'", "name");
        required(entries, "entries");
        check(!entries.isEmpty(), "a plan needs at least one entry", "entries");
        for (int i = 0; i < entries.size(); i++) {
            required(entries.get(i), "entries", i);
        }
        entries = List.copyOf(entries);
    }

    @JsonCreator
    static Plan fromYaml(@JacksonInject("source") Path source, @JacksonInject("sha256") String sha256,
                         @JacksonInject("base-dir") Path baseDir, @JsonProperty("name") String name,
                         @JsonProperty("out") String out, @JsonProperty("entries") ArrayList<Entry> entries) {
        return new Plan(source, sha256, name, out == null ? null : Paths.file(baseDir, requiredText(out, "out"), "out"),
                entries);
    }

    /** The plan's name, or its file name without the extension. */
    public String label() {
        if (name != null) {
            return name;
        }
        String file = source.getFileName().toString();
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    /**
     * One run of the plan.
     *
     * @param checks  the check ids to run; empty for all
     * @param install firmware images pushed through the profile's update path before the run, in order
     */
    public record Entry(Path fixture, Path device, List<String> checks, List<Path> install) {
        public Entry {
            required(fixture, "fixture");
            required(device, "device");
            checks = InvalidField.texts(checks, "checks");
            install = install == null ? List.of() : List.copyOf(install);
        }

        @JsonCreator
        static Entry fromYaml(@JacksonInject("base-dir") Path baseDir, @JsonProperty("fixture") String fixture,
                              @JsonProperty("device") String device, @JsonProperty("checks") ArrayList<String> checks,
                              @JsonProperty("install") ArrayList<String> install) {
            List<Path> images = new ArrayList<>();
            if (install != null) {
                for (int i = 0; i < install.size(); i++) {
                    images.add(Paths.file(baseDir, requiredText(install.get(i), "install", i), "install", i));
                }
            }
            return new Entry(Paths.file(baseDir, requiredText(fixture, "fixture"), "fixture"),
                    Paths.file(baseDir, requiredText(device, "device"), "device"), checks, images);
        }
    }
}
