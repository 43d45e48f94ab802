package dev.starbench.config;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starbench.vdut.contract.Flaw;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/** The profile's `firmware:` section and the simulated OTA agent: defaults, paths, and located errors. */
public class FirmwareSectionTest {
    private final AtomicInteger files = new AtomicInteger();
    private Path dir;

    @BeforeClass
    public void tempDir() throws Exception {
        dir = Files.createTempDirectory("starbench-firmware-config");
        // A profile's images and key must exist when it is loaded; their content is read only by a run.
        for (String name : List.of("a.bin", "b.bin", "c.bin", "dev.pem", "images/app.signed.bin", "keys/dev.pem",
                "images/app-1.4.2.bin", "images/app-1.5.0.bin")) {
            Files.createDirectories(dir.resolve(name).getParent());
            Files.write(dir.resolve(name), new byte[] {1});
        }
        Path older = Path.of(System.getProperty("user.home"), "lab/app-1.4.1.bin");
        Files.createDirectories(older.getParent());
        Files.write(older, new byte[] {1});
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("case" + files.incrementAndGet() + ".yaml"), yaml);
    }

    private ConfigException fails(String yaml) throws Exception {
        Path file = write(yaml);
        return expectThrows(ConfigException.class, () -> ConfigLoader.loadProfile(file));
    }

    @Test
    public void defaultsAndPathsRelativeToTheProfile() throws Exception {
        DeviceProfile p = ConfigLoader.loadProfile(write("""
                device: {name: cam}
                firmware:
                  image: images/app.signed.bin
                  signing-key: keys/dev.pem
                  device-type: {tlv: 0xa0, value: VCAM-1}
                  update:
                    method: http-upload
                    url: http://192.0.2.10/update
                """));
        Firmware fw = p.firmware();
        assertEquals(fw.format(), "mcuboot");
        assertEquals(fw.image(), dir.resolve("images/app.signed.bin"));
        assertEquals(fw.signingKey(), dir.resolve("keys/dev.pem"));
        assertEquals(fw.deviceType().tlv(), 0xa0);
        assertEquals(fw.powerLossCuts(), 20);
        assertEquals(fw.update().field(), "image");
        assertTrue(fw.versionPattern().contains("irmware version"));
        assertTrue(!fw.toString().contains("dev.pem"), "the key's path is not printed either");
    }

    @Test
    public void aProfileWithoutFirmwareHasNone() throws Exception {
        assertNull(ConfigLoader.loadProfile(write("device: {name: cam}\n")).firmware());
    }

    @Test
    public void commandNeedsTheImagePlaceholder() throws Exception {
        ConfigException e = fails("""
                device: {name: cam}
                firmware:
                  image: a.bin
                  update:
                    method: command
                    command: [flash-tool, --port, /dev/ttyUSB0]
                """);
        assertEquals(e.field(), "firmware.update.command");
        assertEquals(e.line(), 6);
        assertTrue(e.getMessage().contains("must contain {image}"), e.getMessage());
    }

    @Test
    public void anUnknownMethodSaysWhatExists() throws Exception {
        ConfigException e = fails("""
                device: {name: cam}
                firmware:
                  image: a.bin
                  update: {method: ftp}
                """);
        assertEquals(e.field(), "firmware.update.method");
        assertTrue(e.getMessage().contains("allowed: http-upload, command, mqtt-ota"), e.getMessage());
    }

    private static final String CLOUD = """
            network:
              cloud:
                url: ssl://localhost:8883
                ca-cert: lab-ca.pem
                ca-key: lab-ca.key
            """;

    @Test
    public void mqttOtaTakesTheCloudAndDefaultTopics() throws Exception {
        DeviceProfile p = ConfigLoader.loadProfile(write("""
                device: {name: cam}
                firmware:
                  image: a.bin
                  update: {method: mqtt-ota}
                """ + CLOUD));
        Firmware.Update u = p.firmware().update();
        assertEquals(u.offerTopic(), "ota/offer");
        assertEquals(u.statusTopic(), "ota/status");
        DeviceProfile named = ConfigLoader.loadProfile(write("""
                device: {name: cam}
                firmware:
                  image: a.bin
                  update: {method: mqtt-ota, offer-topic: cams/7/ota, status-topic: cams/7/ota/status}
                """ + CLOUD));
        assertEquals(named.firmware().update().offerTopic(), "cams/7/ota");
        assertEquals(named.firmware().update().statusTopic(), "cams/7/ota/status");
    }

    @Test
    public void mqttOtaNeedsTheProfilesCloud() throws Exception {
        ConfigException e = fails("""
                device: {name: cam}
                firmware:
                  image: a.bin
                  update:
                    method: mqtt-ota
                """);
        assertEquals(e.field(), "firmware.update.method");
        assertEquals(e.line(), 5);
        assertTrue(e.getMessage().contains("needs the profile's network.cloud"), e.getMessage());
    }

    @Test
    public void mqttOtaOverTlsNeedsTheLabCa() throws Exception {
        ConfigException e = fails("""
                device: {name: cam}
                firmware:
                  image: a.bin
                  update: {method: mqtt-ota}
                network:
                  cloud:
                    url: ssl://localhost:8883
                """);
        assertEquals(e.field(), "network.cloud.ca-cert");
        assertTrue(e.line() >= 6, e.getMessage());
        assertTrue(e.getMessage().contains("lab CA"), e.getMessage());
    }

    @Test
    public void anOfferTopicIsANameNotAFilter() throws Exception {
        ConfigException e = fails("""
                device: {name: cam}
                firmware:
                  image: a.bin
                  update:
                    method: mqtt-ota
                    offer-topic: cams/+/ota
                """ + CLOUD);
        assertEquals(e.field(), "firmware.update.offer-topic");
        assertEquals(e.line(), 6);
        assertTrue(e.getMessage().contains("no + or #"), e.getMessage());
    }

    @Test
    public void topicsBelongToMqttOtaOnly() throws Exception {
        ConfigException e = fails("""
                device: {name: cam}
                firmware:
                  image: a.bin
                  update:
                    method: http-upload
                    url: http://127.0.0.1/u
                    status-topic: ota/status
                """);
        assertEquals(e.field(), "firmware.update.status-topic");
        assertEquals(e.line(), 7);
        assertTrue(e.getMessage().contains("only for method mqtt-ota"), e.getMessage());
    }

    @Test
    public void theSimulatedAgentCanTakeOffersOverMqtt() throws Exception {
        Files.writeString(dir.resolve("trusted.pub.pem"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        DeviceProfile p = ConfigLoader.loadProfile(write("""
                device: {name: cam}
                simulation:
                  ota: {transport: mqtt, offer-topic: cams/7/ota, trusted-key: trusted.pub.pem}
                """ + CLOUD));
        String json = new ObjectMapper().writeValueAsString(p.simulation().settings());
        assertTrue(json.contains("\"transport\":\"mqtt\",\"offer-topic\":\"cams/7/ota\",\"status-topic\":\"ota/status\""), json);
        assertTrue(!json.contains("http-port"), json);
        ConfigException noCloud = fails("""
                device: {name: cam}
                simulation:
                  ota: {transport: mqtt, trusted-key: trusted.pub.pem}
                """);
        assertEquals(noCloud.field(), "simulation.ota.transport");
        assertEquals(noCloud.line(), 3);
        ConfigException port = fails("""
                device: {name: cam}
                simulation:
                  ota:
                    transport: mqtt
                    http-port: 8080
                    trusted-key: trusted.pub.pem
                """ + CLOUD);
        assertEquals(port.field(), "simulation.ota.http-port");
        assertEquals(port.line(), 5);
    }

    @Test
    public void theDeviceTypeMustBeAVendorTlv() throws Exception {
        ConfigException e = fails("""
                device: {name: cam}
                firmware:
                  image: a.bin
                  device-type: {tlv: 0x10, value: VCAM-1}
                  update: {method: http-upload, url: "http://127.0.0.1/u"}
                """);
        assertEquals(e.field(), "firmware.device-type.tlv");
        assertEquals(e.line(), 4);
    }

    @Test
    public void aVersionPatternNeedsAGroup() throws Exception {
        ConfigException e = fails("""
                device: {name: cam}
                firmware:
                  image: a.bin
                  version-pattern: "version [0-9.]{1,20}"
                  update: {method: http-upload, url: "http://127.0.0.1/u"}
                """);
        assertEquals(e.field(), "firmware.version-pattern");
        assertEquals(e.line(), 4);
    }

    @Test
    public void theSimulatedAgentTravelsToTheVirtualDutWithTheTrustedKey() throws Exception {
        Files.writeString(dir.resolve("trusted.pub.pem"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        DeviceProfile p = ConfigLoader.loadProfile(write("""
                device: {name: cam}
                simulation:
                  flaws: [accepts-downgrade]
                  ota: {http-port: 18080, trusted-key: trusted.pub.pem, install-ms: 50}
                """));
        String json = new ObjectMapper().writeValueAsString(p.simulation().settings());
        assertTrue(json.contains("\"flaws\":[\"accepts-downgrade\"]"), json);
        assertTrue(json.contains("\"trusted-key\":\"-----BEGIN PUBLIC KEY-----"), json);
        assertTrue(json.contains("\"http-port\":18080"), json);
        assertEquals(p.simulation().flaws(), List.of(Flaw.ACCEPTS_DOWNGRADE));
    }

    @Test
    public void theMakersImagesStandInForTheKey() throws Exception {
        DeviceProfile p = ConfigLoader.loadProfile(write("""
                device: {name: cam}
                firmware:
                  format: raw
                  image: images/app-1.4.2.bin
                  newer-image: images/app-1.5.0.bin
                  newer-version: "1.5.0"
                  older-image: ~/lab/app-1.4.1.bin
                  older-version: 1.4.1
                  update: {method: http-upload, url: "http://127.0.0.1/u"}
                """));
        Firmware fw = p.firmware();
        assertNull(fw.signingKey());
        assertEquals(fw.newerImage(), dir.resolve("images/app-1.5.0.bin"));
        assertEquals(fw.olderImage(), Path.of(System.getProperty("user.home"), "lab/app-1.4.1.bin"));
        assertEquals(fw.newerVersion(), "1.5.0");
        assertEquals(fw.olderVersion(), "1.4.1");
    }

    @Test
    public void aRawImageNeedsItsDeclaredVersion() throws Exception {
        ConfigException e = fails("""
                device: {name: cam}
                firmware:
                  format: raw
                  image: a.bin
                  newer-image: b.bin
                  update: {method: http-upload, url: "http://127.0.0.1/u"}
                """);
        assertEquals(e.field(), "firmware.newer-version");
        assertTrue(e.getMessage().contains("required for a raw newer-image"), e.getMessage());
        assertTrue(e.getMessage().contains(e.file().getFileName().toString()), e.getMessage());
    }

    @Test
    public void suppliedVersionsAreCheckedWhereTheyStand() throws Exception {
        ConfigException bad = fails("""
                device: {name: cam}
                firmware:
                  format: raw
                  image: a.bin
                  newer-image: b.bin
                  newer-version: "1.5.x"
                  update: {method: http-upload, url: "http://127.0.0.1/u"}
                """);
        assertEquals(bad.field(), "firmware.newer-version");
        assertEquals(bad.line(), 6);
        assertTrue(bad.getMessage().contains("not a version"), bad.getMessage());
        ConfigException order = fails("""
                device: {name: cam}
                firmware:
                  format: raw
                  image: a.bin
                  newer-image: b.bin
                  newer-version: "1.5.0"
                  older-image: c.bin
                  older-version: "1.5.0"
                  update: {method: http-upload, url: "http://127.0.0.1/u"}
                """);
        assertEquals(order.field(), "firmware.older-version");
        assertEquals(order.line(), 8);
        assertTrue(order.getMessage().contains("must be older than newer-version 1.5.0"), order.getMessage());
        ConfigException alone = fails("""
                device: {name: cam}
                firmware:
                  image: a.bin
                  older-version: "1.4.0"
                  update: {method: http-upload, url: "http://127.0.0.1/u"}
                """);
        assertEquals(alone.field(), "firmware.older-version");
        assertTrue(alone.getMessage().contains("only with older-image"), alone.getMessage());
    }

    @Test
    public void eitherTheKeyOrTheMakersImages() throws Exception {
        ConfigException both = fails("""
                device: {name: cam}
                firmware:
                  image: a.bin
                  signing-key: dev.pem
                  newer-image: b.bin
                  update: {method: http-upload, url: "http://127.0.0.1/u"}
                """);
        assertEquals(both.field(), "firmware.newer-image");
        assertEquals(both.line(), 5);
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
        ConfigException raw = fails("""
                device: {name: cam}
                firmware:
                  format: raw
                  image: a.bin
                  signing-key: dev.pem
                  update: {method: http-upload, url: "http://127.0.0.1/u"}
                """);
        assertEquals(raw.field(), "firmware.signing-key");
        assertEquals(raw.line(), 5);
        assertTrue(raw.getMessage().contains("a raw image cannot be re-signed"), raw.getMessage());
    }
}
