package dev.starbench.config;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.testng.annotations.Test;

/**
 * The generated schemas against the files we ship and against the loader: what `validate` accepts the
 * schema accepts, and an unknown field or a wrong type is refused by both.
 */
public class ConfigSchemaTest {
    private static final Path ROOT = Path.of(System.getProperty("starbench.root", ".."));
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    public void everyShippedFileNamesItsSchemaAndPassesIt() throws Exception {
        List<Path> files = shippedFiles();
        assertTrue(files.size() >= 6, files.toString());
        for (Path file : files) {
            // By directory, not by loading: a fixture may name files made later (the real-Linux DUT's kernel).
            ConfigSchema.Kind kind = kindOf(file);
            String first = Files.readAllLines(file).get(0);
            assertEquals(first, "# yaml-language-server: $schema=../schema/" + kind.fileName(),
                    file + ": the editor finds the schema from this line");
            List<Error> errors = validate(kind, YAML.readTree(file.toFile()));
            assertTrue(errors.isEmpty(), file + ": " + errors);
        }
    }

    @Test
    public void anUnknownFieldIsRefusedByTheSchemaAsByTheLoader() throws Exception {
        ConfigSchema.Kind fixture = ConfigSchema.KINDS.get(0);
        ObjectNode topLevel = fixtureTree();
        topLevel.put("powr", 1);
        assertRefused(fixture, topLevel, "powr");

        ObjectNode nested = fixtureTree();
        ((ObjectNode) nested.get("power")).put("pinn", 18);
        assertRefused(fixture, nested, "pinn");

        ObjectNode inAButton = fixtureTree();
        ((ObjectNode) inAButton.get("buttons").get("reset")).put("active-hi", true);
        assertRefused(fixture, inAButton, "active-hi");

        ObjectNode profile = (ObjectNode) YAML.readTree(ROOT.resolve("device-profiles/virtual-hardened.yaml").toFile());
        ((ObjectNode) profile.get("network").get("cloud")).put("ca-crt", "x.pem");
        assertRefused(ConfigSchema.KINDS.get(1), profile, "ca-crt");
    }

    @Test
    public void aWrongTypeOrAnUnknownEnumValueIsRefusedByBoth() throws Exception {
        ObjectNode pin = fixtureTree();
        ((ObjectNode) pin.get("power")).put("pin", "seventeen");
        assertRefused(ConfigSchema.KINDS.get(0), pin, "pin");

        ObjectNode provider = fixtureTree();
        ((ObjectNode) provider.get("gpio")).put("provider", "sysfs");
        assertRefused(ConfigSchema.KINDS.get(0), provider, "provider");
    }

    @Test
    public void whatTheLoaderReadsAsTextTheSchemaTakesToo() throws Exception {
        // YAML gives a number here; the loader reads it as the text "21890", so an editor must not flag it.
        ObjectNode profile = (ObjectNode) YAML.readTree(ROOT.resolve("device-profiles/virtual-hardened.yaml").toFile());
        ((ObjectNode) profile.get("network")).put("scan-ports", 21890);
        assertEquals(validate(ConfigSchema.KINDS.get(1), profile), List.of());
        DeviceProfile loaded = ConfigLoader.loadProfile(write(profile));
        assertEquals(loaded.network().scanPorts(), new Network.PortRange(21890, 21890));
    }

    @Test
    public void theSchemaListsExactlyTheFieldsTheLoaderKnows() {
        ObjectNode schema = ConfigSchema.of(ConfigSchema.KINDS.get(0));
        List<String> names = new ArrayList<>();
        schema.get("properties").fieldNames().forEachRemaining(names::add);
        List<String> known = ConfigLoader.creatorProperties(Fixture.class).stream().map(p -> p.getName()).toList();
        assertEquals(names, known);
        assertTrue(names.containsAll(List.of("bench-id", "gpio", "power", "buttons", "serial")), names.toString());
        assertFalse(names.contains("source") || names.contains("sha256") || names.contains("benchId"),
                "injected values and record component names are not fields of the file: " + names);
    }

    private static void assertRefused(ConfigSchema.Kind kind, ObjectNode tree, String field) throws Exception {
        List<Error> errors = validate(kind, tree);
        assertFalse(errors.isEmpty(), kind.name() + " schema accepted " + field);
        assertTrue(errors.toString().contains(field), errors.toString());
        Path file = write(tree);
        ConfigException loader = expectThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertTrue(loader.getMessage().contains(field), loader.getMessage());
    }

    private static List<Error> validate(ConfigSchema.Kind kind, JsonNode document) {
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                .getSchema(ConfigSchema.of(kind));
        return schema.validate(document);
    }

    private static ObjectNode fixtureTree() throws Exception {
        return (ObjectNode) YAML.readTree(ROOT.resolve("fixtures/virtual.yaml").toFile());
    }

    private static Path write(JsonNode tree) throws Exception {
        Path file = Files.createTempFile("schema-case", ".yaml");
        Files.writeString(file, YAML.writeValueAsString(tree));
        return file;
    }

    private static ConfigSchema.Kind kindOf(Path shipped) {
        String dir = shipped.getParent().getFileName().toString();
        String kind = dir.equals("fixtures") ? "fixture" : dir.equals("device-profiles") ? "device-profile" : "plan";
        return ConfigSchema.KINDS.stream().filter(k -> k.fileName().startsWith(kind + ".")).findFirst().orElseThrow();
    }

    private static List<Path> shippedFiles() throws Exception {
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("fixtures", "device-profiles", "plans")) {
            try (Stream<Path> list = Files.list(ROOT.resolve(dir))) {
                list.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(files::add);
            }
        }
        return files;
    }
}
