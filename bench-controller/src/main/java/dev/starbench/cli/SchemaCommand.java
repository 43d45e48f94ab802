package dev.starbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starbench.config.ConfigSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "schema", description = {"Write JSON Schemas of fixtures and device profiles, for editors.",
        "A YAML file names its schema on its first line: `# yaml-language-server: $schema=PATH`."})
final class SchemaCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the *.schema.json files go (made if missing).")
    Path out;

    @Override
    public Integer call() {
        ObjectMapper json = new ObjectMapper();
        try {
            Files.createDirectories(out);
            for (Map.Entry<String, ObjectNode> schema : ConfigSchema.all().entrySet()) {
                Path file = out.resolve(schema.getKey());
                Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(schema.getValue()) + "\n");
                System.out.println("wrote " + file);
            }
            return 0;
        } catch (IOException e) {
            System.err.println("error: cannot write to " + out + ": " + e.getMessage());
            return Main.BAD_INPUT;
        }
    }
}
