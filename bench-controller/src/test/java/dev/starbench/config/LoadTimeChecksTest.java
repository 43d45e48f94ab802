package dev.starbench.config;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * Values `validate` used to pass that a run then failed on, minutes in: each is refused when the file
 * is loaded, with its place. One test per class of value; each mutates the shipped insecure profile
 * (or the virtual fixture) in one place, so everything else about the file is known to be good.
 */
public class LoadTimeChecksTest {
    private static final Path ROOT = Path.of(System.getProperty("starbench.root", ".."));

    private final AtomicInteger files = new AtomicInteger();
    private Path dir;
    private String insecure;
    private String fixture;

    @BeforeClass
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("starbench-load-checks");
        insecure = Files.readString(ROOT.resolve("device-profiles/virtual-insecure.yaml"));
        fixture = Files.readString(ROOT.resolve("fixtures/virtual.yaml"));
        Files.write(dir.resolve("image.bin"), new byte[] {1});
        Files.write(dir.resolve("key.pem"), new byte[] {1});
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("case" + files.incrementAndGet() + ".yaml"), yaml);
    }

    /** The insecure profile with {@code from} replaced by {@code to}, which must be refused at {@code field}. */
    private ConfigException profileFails(String from, String to, String field, String problem) throws Exception {
        assertTrue(insecure.contains(from), from);
        return fails(insecure.replace(from, to), field, problem);
    }

    private ConfigException fails(String yaml, String field, String problem) throws Exception {
        Path file = write(yaml);
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(e.field(), field, e.getMessage());
        assertTrue(e.line() > 0 && e.column() > 0, "located: " + e.getMessage());
        assertTrue(e.getMessage().contains(problem), "expected '" + problem + "' in " + e.getMessage());
        return e;
    }

    @Test
    public void theShippedProfileLoadsFromAFreshDirectory() throws Exception {
        // Its key, image and trusted key are made by the bench on first use; none exists here.
        assertNotNull(ConfigLoader.loadProfile(write(insecure)).firmware());
    }

    @Test
    public void aVersionPatternIsABoundedPatternWithOneGroup() throws Exception {
        String at = "  install-timeout-ms: 15000\n";
        ConfigException e = profileFails(at, at + "  version-pattern: '(.*)'\n", "firmware.version-pattern",
                "console pattern /(.*)/ repeats without bound (`*` at index 2)");
        assertEquals(e.line(), insecure.substring(0, insecure.indexOf(at)).split("\n").length + 2);
        profileFails(at, at + "  version-pattern: 'v([0-9.]{1,20}) \\(build ([0-9]{1,9})\\)'\n", "firmware.version-pattern",
                "needs exactly 1 capturing group (use (?:...) for the others), got 2");
        DeviceProfile bounded = ConfigLoader.loadProfile(write(insecure.replace(at, at + "  version-pattern: 'v([0-9.]{1,20})[^0-9.]'\n")));
        assertEquals(bounded.firmware().versionPattern(), "v([0-9.]{1,20})[^0-9.]");
    }

    @Test
    public void anUpdateUrlMustParse() throws Exception {
        profileFails("url: http://127.0.0.1:21870/update", "url: http://127.0.0.1:21870/up date", "firmware.update.url",
                "not a URL: Illegal character in path at index 25");
        profileFails("url: http://127.0.0.1:21870/update", "url: http:///update", "firmware.update.url",
                "must be an http:// or https:// URL with a host");
    }

    @Test
    public void keysAndImagesMustBeRegularFilesOfTheirSize() throws Exception {
        fails(fixture + "signing-key: /dev/zero\n", "signing-key", "/dev/zero: not a regular file (a device, FIFO or socket)");
        profileFails("  image: ~/.starbench/virtual-firmware/vcam-1.4.2.signed.bin\n  signing-key: ~/.starbench/virtual-firmware/dev-key.pem",
                "  image: image.bin\n  signing-key: /dev/zero", "firmware.signing-key", "/dev/zero: not a regular file");
        profileFails("image: ~/.starbench/virtual-firmware/vcam-1.4.2.signed.bin", "image: " + dir,
                "firmware.image", dir + ": not a regular file (a directory)");
        Path big = dir.resolve("big.bin");
        try (var f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(65L << 20);
        }
        profileFails("image: ~/.starbench/virtual-firmware/vcam-1.4.2.signed.bin", "image: " + big, "firmware.image",
                "too large: 68157440 bytes, more than the 64 MiB a firmware image may have");
    }

    @Test
    public void filesTheBenchNeverMakesMustExist() throws Exception {
        // With the image there, the bench makes nothing: the key it names must exist too.
        profileFails("  image: ~/.starbench/virtual-firmware/vcam-1.4.2.signed.bin\n  signing-key: ~/.starbench/virtual-firmware/dev-key.pem",
                "  image: image.bin\n  signing-key: missing-key.pem", "firmware.signing-key", "missing-key.pem: file not found");
        String keyless = insecure.replace("  signing-key: ~/.starbench/virtual-firmware/dev-key.pem\n", "")
                .replace("image: ~/.starbench/virtual-firmware/vcam-1.4.2.signed.bin",
                        "image: image.bin\n  newer-image: newer.bin");
        fails(keyless, "firmware.newer-image", dir.resolve("newer.bin") + ": file not found");
        fails(fixture + "cloud-broker: {url: 'ssl://broker.lab:8883', ca-cert: lab-ca.pem}\n", "cloud-broker.ca-cert",
                "lab-ca.pem: file not found");
        // Half a lab CA is not made on first use (the bench would not know which half to trust).
        profileFails("    ca-cert: ~/.starbench/lab-ca/virtual-cloud-ca.pem\n    ca-key: ~/.starbench/lab-ca/virtual-cloud-ca.key",
                "    ca-cert: missing-ca.pem\n    ca-key: key.pem", "network.cloud.ca-cert", "missing-ca.pem: file not found");
    }

    @Test
    public void theLabBrokersFilesAreCheckedWhenTheFixtureLoads() throws Exception {
        // Before, each surfaced only when the run started its live events, as a warning and no events.
        String broker = fixture + "lab-broker:\n  url: ssl://broker.lab:8883\n  user: bench-7\n";
        Files.writeString(dir.resolve("bench.pem"), "");
        fails(broker + "  ca-cert: lab-ca.pem\n", "lab-broker.ca-cert", dir.resolve("lab-ca.pem") + ": file not found");
        fails(broker + "  client-cert: " + dir + "\n  client-key: key.pem\n", "lab-broker.client-cert",
                dir + ": not a regular file (a directory)");
        fails(broker + "  client-cert: bench.pem\n  client-key: /dev/zero\n", "lab-broker.client-key",
                "/dev/zero: not a regular file (a device, FIFO or socket)");
        fails(broker + "  password-file: broker-password\n", "lab-broker.password-file",
                dir.resolve("broker-password") + ": file not found");
        Files.write(dir.resolve("broker-password-big"), new byte[65 * 1024]);
        fails(broker + "  password-file: broker-password-big\n", "lab-broker.password-file",
                "too large: 66560 bytes, more than the 64 KiB a password file may have");

        Files.writeString(dir.resolve("broker-password"), "s3cret\n");
        Fixture f = ConfigLoader.loadFixture(write(broker + "  client-cert: bench.pem\n  client-key: key.pem\n"
                + "  password-file: broker-password\n"));
        assertEquals(f.labBroker().passwordFile(), dir.resolve("broker-password"));
    }

    @Test
    public void anEmptyPathIsNotTheProfilesDirectory() throws Exception {
        profileFails("image: ~/.starbench/virtual-firmware/vcam-1.4.2.signed.bin", "image: \"\"", "firmware.image",
                "must not be blank");
        profileFails("signing-key: ~/.starbench/virtual-firmware/dev-key.pem", "signing-key: ''", "firmware.signing-key",
                "must not be empty (a file's path)");
        fails(fixture + "signing-key: ' '\n", "signing-key", "must not be blank");
        profileFails("image: ~/.starbench/virtual-firmware/vcam-1.4.2.signed.bin", "image: .", "firmware.image",
                "not a regular file (a directory)");
    }

    @Test
    public void tlvIdsAreVendorTlvs() throws Exception {
        profileFails("  device-type: { tlv: 0xa0, value: VCAM-1 }\n  install", "  device-type: { tlv: -96, value: VCAM-1 }\n  install",
                "firmware.device-type.tlv", "must be an MCUboot vendor TLV (0xXXa0..0xXXfe), got -96");
        profileFails("    device-type: { tlv: 0xa0, value: VCAM-1 }", "    device-type: { tlv: -1, value: VCAM-1 }",
                "simulation.ota.device-type.tlv", "got -1");
        profileFails("    device-type: { tlv: 0xa0, value: VCAM-1 }", "    device-type: { tlv: 0x10, value: VCAM-1 }",
                "simulation.ota.device-type.tlv", "got 0x10");
    }

    @Test
    public void theFactoryVersionIsAVersion() throws Exception {
        profileFails("factory-version: \"1.4.2\"", "factory-version: banana", "simulation.ota.factory-version",
                "not a version (major.minor.revision+build, e.g. 1.4.3 or 1.4.3+7): 'banana'");
        profileFails("factory-version: \"1.4.2\"", "factory-version: \"1.300.0\"", "simulation.ota.factory-version",
                "out of MCUboot's range");
    }

    @Test
    public void topicsTheBenchPublishesToAreNamesNotFilters() throws Exception {
        profileFails("command-topic: vcam/cmd", "command-topic: vcam/#", "network.cloud.command-topic",
                "a topic name, not a filter: no + or #, got 'vcam/#'");
        profileFails("status-topic: vcam/status", "status-topic: vcam/+/status", "network.cloud.status-topic",
                "a topic name, not a filter");
        String mqtt = insecure.replace("    http-port: 21870\n", "    transport: mqtt\n    offer-topic: ota/#\n");
        fails(mqtt, "simulation.ota.offer-topic", "a topic name, not a filter");
    }

    @Test
    public void everyDurationHasASaneBound() throws Exception {
        profileFails("boot-ms: 20000", "boot-ms: 9223372036854775807", "timeouts.boot-ms",
                "at most 3600000 (one hour), got 9223372036854775807");
        profileFails("attempt-timeout-ms: 10000", "attempt-timeout-ms: 3600001", "network.cloud.attempt-timeout-ms",
                "at most 3600000 (one hour)");
        fails(fixture.replace("off-time-ms: 300", "off-time-ms: 0x7fffffffffffffff"), "power.off-time-ms", "at most 3600000");
        // The virtual DUT's own limits, which it would otherwise refuse only when the run starts it.
        profileFails("bootdelay-s: 2", "bootdelay-s: 61", "simulation.bootdelay-s", "must be 0..60, got 61");
        profileFails("login-fail-delay-ms: 1000 ", "login-fail-delay-ms: 60001 ", "simulation.login-fail-delay-ms",
                "must be 0..60000, got 60001");
        profileFails("install-ms: 800", "install-ms: 600001", "simulation.ota.install-ms", "must be 0..600000, got 600001");
    }

    /** Found by the fuzz test: "Cannot construct instance of Network, problem: NullPointerException". */
    @Test
    public void anEmptyListEntryIsNamed() throws Exception {
        profileFails("    - {port: 21883, name: mqtt}", "    - ", "network.services[0]", "has no value (required)");
        profileFails("    field: image", "    field: image\n    command: [flash, ~]", "firmware.update.command[1]",
                "has no value (required)");
    }

    @Test
    public void aHostnameStartsWithALetterOrDigit() throws Exception {
        profileFails("\nsimulation:\n", "\nsimulation:\n  hostname: -vdut\n", "simulation.hostname",
                "not starting with '-'");
    }
}
