package dev.starbench.config;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/** The profile's `lifecycle:` section: every field, its defaults, and an error naming file, line, column and field. */
public class LifecycleConfigTest {
    private static final String HEAD = """
            device:
              name: cam
            network:
              cloud:
                url: ssl://localhost:8883
                command-topic: cam/cmd
                status-topic: cam/status
            lifecycle:
            """;
    private Path dir;
    private int n;

    @BeforeClass
    public void tempDir() throws Exception {
        dir = Files.createTempDirectory("starbench-lifecycle-config");
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("p" + (++n) + ".yaml"), yaml);
    }

    @Test
    public void everyFieldIsRead() throws Exception {
        Lifecycle l = ConfigLoader.loadProfile(write(HEAD + """
                  console-login: {user: admin, password: "s3cret"}
                  power-cut-soak:
                    cuts: 8
                    window-ms: 1500
                    normal-state: cloud-connect
                    setting:
                      write: {mqtt: {topic: cam/config/set, payload: "label={value}"}}
                      read: {mqtt: {topic: cam/config/get, payload: label, answer-topic: cam/config}}
                      restore-value: Kitchen
                    recovery: {button: recovery}
                  cloud-outage: {outage-ms: 30000, max-attempts-per-minute: 20, min-retry-interval-ms: 500, resume-ms: 9000}
                  factory-reset:
                    method: {button: factory-reset, hold-ms: 4000}
                    fresh-device-shows: setup mode
                    places:
                      - name: label
                        write: {http: {url: "http://10.0.0.5/settings", form: {label: "{value}", save: "1"}}}
                        read: [{http: {url: "http://10.0.0.5/settings"}}, {console: config show}]
                      - name: cloud user
                        write: {console: "config set cloud.user {value}"}
                        read: [{console: "config get cloud.user"}]
                        cloud-identity: true
                      - name: admin password
                        password-of: admin
                """)).lifecycle();
        assertEquals(l.consoleLogin().user(), "admin");
        assertFalse(l.consoleLogin().toString().contains("s3cret"), "the password never prints");
        Lifecycle.PowerCutSoak soak = l.powerCutSoak();
        assertEquals(soak.cuts(), 8);
        assertEquals(soak.windowMs(), Long.valueOf(1500));
        assertEquals(soak.normalState(), Lifecycle.PowerCutSoak.CLOUD_CONNECT);
        assertEquals(soak.setting().write().mqtt(), new Lifecycle.Mqtt("cam/config/set", "label={value}", null));
        assertEquals(soak.setting().read().mqtt().answerTopic(), "cam/config");
        assertEquals(soak.setting().restoreValue(), "Kitchen");
        assertEquals(soak.recovery(), new Lifecycle.Recovery("recovery"));
        assertEquals(l.cloudOutage(), new Lifecycle.CloudOutage(30_000, 20, 500, 9000));
        Lifecycle.FactoryReset reset = l.factoryReset();
        assertEquals(reset.method().describe(), "button factory-reset held 4000 ms");
        assertEquals(reset.freshDeviceShows(), "setup mode");
        assertEquals(reset.places().get(0).write().http().form(), Map.of("label", "{value}", "save", "1"));
        assertEquals(List.copyOf(reset.places().get(0).write().http().form().keySet()), List.of("label", "save"), "form order kept");
        assertEquals(reset.places().get(0).read().size(), 2);
        assertTrue(reset.places().get(1).cloudIdentity());
        assertEquals(reset.places().get(2).passwordOf(), "admin");
        assertEquals(reset.readPaths().size(), 3, "every read path once");
    }

    @Test
    public void defaultsAndAbsence() throws Exception {
        assertNull(ConfigLoader.loadProfile(write("device: {name: cam}\n")).lifecycle());
        Lifecycle l = ConfigLoader.loadProfile(write(HEAD + """
                  power-cut-soak:
                    setting: {write: {console: "config set x {value}"}, read: {console: config get x}}
                  cloud-outage: {}
                """)).lifecycle();
        assertEquals(l.powerCutSoak().cuts(), 20);
        assertNull(l.powerCutSoak().windowMs());
        assertEquals(l.powerCutSoak().normalState(), "login");
        assertNull(l.powerCutSoak().recovery());
        assertNull(l.consoleLogin());
        assertEquals(l.cloudOutage(), new Lifecycle.CloudOutage(120_000, 12, 1000, 120_000));
    }

    @DataProvider
    Object[][] mistakes() {
        String soak = "  power-cut-soak:\n    setting: {write: {console: \"config set x {value}\"}, read: {console: config get x}}\n";
        String reset = "  factory-reset:\n    method: {console: factory-reset}\n    fresh-device-shows: setup\n";
        String place = "    places:\n      - name: p\n        write: {console: \"set {value}\"}\n        read: [{console: get}]\n";
        return new Object[][] {
                {"  console-login: {user: admin}\n", "lifecycle.console-login.password", "required field is missing"},
                {"  console-login: {user: \"\", password: x}\n", "lifecycle.console-login.user", "must not be blank"},
                {soak + "    cuts: 0\n", "lifecycle.power-cut-soak.cuts", "must be 1 to 10000, got 0"},
                {soak + "    window-ms: -5\n", "lifecycle.power-cut-soak.window-ms", "must be greater than 0, got -5"},
                {soak + "    normal-state: mqtt\n", "lifecycle.power-cut-soak.normal-state", "unknown value 'mqtt' (allowed: login, cloud-connect)"},
                {"  power-cut-soak: {cuts: 3}\n", "lifecycle.power-cut-soak.setting", "required field is missing"},
                {"  power-cut-soak:\n    setting: {write: {console: \"config set x\"}, read: {console: config get x}}\n",
                        "lifecycle.power-cut-soak.setting.write.console", "a write must place the value: put {value} in the command"},
                {"  power-cut-soak:\n    setting: {write: {console: \"set {value}\"}, read: {console: \"get {value}\"}}\n",
                        "lifecycle.power-cut-soak.setting.read.console", "a read does not know the value: {value} belongs in writes"},
                {"  power-cut-soak:\n    setting: {write: {console: \"set {value}\", mqtt: {topic: a, payload: b}}, read: {console: get}}\n",
                        "lifecycle.power-cut-soak.setting.write.mqtt", "give exactly one of console, mqtt or http"},
                {"  power-cut-soak:\n    setting: {write: {}, read: {console: get}}\n",
                        "lifecycle.power-cut-soak.setting.write.console", "give exactly one of console, mqtt or http"},
                {"  power-cut-soak:\n    setting: {write: {mqtt: {topic: a/#, payload: \"{value}\"}}, read: {console: get}}\n",
                        "lifecycle.power-cut-soak.setting.write.mqtt.topic", "a topic to publish on has no wildcards"},
                {"  power-cut-soak:\n    setting: {write: {mqtt: {topic: a, payload: \"{value}\", answer-topic: b}}, read: {console: get}}\n",
                        "lifecycle.power-cut-soak.setting.write.mqtt.answer-topic", "a write expects no answer"},
                {"  power-cut-soak:\n    setting: {write: {console: \"s {value}\"}, read: {mqtt: {topic: a, payload: b}}}\n",
                        "lifecycle.power-cut-soak.setting.read.mqtt.answer-topic", "a read needs the topic the device answers on"},
                {"  power-cut-soak:\n    setting: {write: {http: {url: \"ftp://x/\", form: {a: \"{value}\"}}}, read: {console: get}}\n",
                        "lifecycle.power-cut-soak.setting.write.http.url", "must be an http:// or https:// URL with a host, got 'ftp://x/'"},
                {"  power-cut-soak:\n    setting: {write: {http: {url: \"http://x/\"}}, read: {console: get}}\n",
                        "lifecycle.power-cut-soak.setting.write.http", "a write must place the value: put {value} in the form"},
                {"  power-cut-soak:\n    setting: {write: {console: \"s {value}\"}, read: {http: {url: \"http://x/\", form: {a: b}}}}\n",
                        "lifecycle.power-cut-soak.setting.read.http.form", "a read GETs the page: no form"},
                {soak + "    recovery: {button: \"\"}\n", "lifecycle.power-cut-soak.recovery.button", "must not be blank"},
                {"  cloud-outage: {outage-ms: 1000}\n", "lifecycle.cloud-outage.outage-ms", "must be at least 2000 (a refused and a black-holed half), got 1000"},
                {"  cloud-outage: {max-attempts-per-minute: 0}\n", "lifecycle.cloud-outage.max-attempts-per-minute", "must be greater than 0, got 0"},
                {"  cloud-outage: {min-retry-interval-ms: 0}\n", "lifecycle.cloud-outage.min-retry-interval-ms", "must be greater than 0, got 0"},
                {"  cloud-outage: {resume-ms: 0}\n", "lifecycle.cloud-outage.resume-ms", "must be greater than 0, got 0"},
                {"  factory-reset:\n    fresh-device-shows: s\n" + place, "lifecycle.factory-reset.method", "required field is missing"},
                {"  factory-reset:\n    method: {console: r}\n" + place, "lifecycle.factory-reset.fresh-device-shows", "required field is missing"},
                {reset + "    places: []\n", "lifecycle.factory-reset.places", "name at least one place of user data"},
                {"  factory-reset:\n    method: {button: b}\n    fresh-device-shows: s\n" + place,
                        "lifecycle.factory-reset.method.hold-ms", "required field is missing"},
                {"  factory-reset:\n    method: {console: r, hold-ms: 5}\n    fresh-device-shows: s\n" + place,
                        "lifecycle.factory-reset.method.hold-ms", "only with button"},
                {"  factory-reset:\n    method: {console: r, mqtt-command: reset}\n    fresh-device-shows: s\n" + place,
                        "lifecycle.factory-reset.method.mqtt-command", "give exactly one of button (with hold-ms), console or mqtt-command"},
                {reset + "    places:\n      - name: p\n        write: {console: \"set {value}\"}\n",
                        "lifecycle.factory-reset.places[0].read", "give at least one way to read the value back"},
                {reset + "    places:\n      - name: p\n        read: [{console: get}]\n",
                        "lifecycle.factory-reset.places[0].write", "required field is missing"},
                {reset + "    places:\n      - name: p\n        write: {console: \"s {value}\"}\n        read: [{console: \"g {value}\"}]\n",
                        "lifecycle.factory-reset.places[0].read[0].console", "a read does not know the value: {value} belongs in writes"},
                {reset + "    places:\n      - name: p\n        password-of: admin\n        write: {console: \"s {value}\"}\n",
                        "lifecycle.factory-reset.places[0].write", "a password is written through the passwd dialogue"},
                {reset + "    places:\n      - name: p\n        password-of: admin\n        cloud-identity: true\n",
                        "lifecycle.factory-reset.places[0].cloud-identity", "a console password is no cloud identity"},
                {reset + "    places:\n      - {name: p, password-of: a}\n      - {name: p, password-of: b}\n",
                        "lifecycle.factory-reset.places[1].name", "the name 'p' is given twice"},
        };
    }

    @Test(dataProvider = "mistakes")
    public void aMistakeNamesItsField(String lifecycle, String field, String problem) throws Exception {
        String yaml = HEAD + lifecycle;
        Path file = write(yaml);
        ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadProfile(file));
        assertEquals(e.field(), field, e.getMessage());
        assertTrue(e.getMessage().endsWith(": " + field + ": " + problem), e.getMessage());
        assertEquals(e.file(), file);
        assertTrue(e.line() > HEAD.split("\n").length && e.column() > 0, e.getMessage());
    }

    @Test
    public void whatGoesThroughTheCloudNeedsTheProfilesCloud() throws Exception {
        String noCloud = "device: {name: cam}\nlifecycle:\n";
        for (String[] c : new String[][] {
                {"  cloud-outage: {}\n", "lifecycle.cloud-outage", "3"},
                {"  power-cut-soak:\n    normal-state: cloud-connect\n    setting: {write: {console: \"s {value}\"}, read: {console: g}}\n",
                        "lifecycle.power-cut-soak.normal-state", "4"},
                {"  factory-reset:\n    method: {mqtt-command: factory-reset}\n    fresh-device-shows: s\n"
                        + "    places: [{name: p, password-of: admin}]\n", "lifecycle.factory-reset.method.mqtt-command", "4"}}) {
            Path file = write(noCloud + c[0]);
            ConfigException e = expectThrows(ConfigException.class, () -> ConfigLoader.loadProfile(file));
            assertEquals(e.field(), c[1], e.getMessage());
            assertTrue(e.getMessage().endsWith(": needs the profile's network.cloud: the bench plays the device's cloud"),
                    e.getMessage());
            assertEquals(e.line(), Integer.parseInt(c[2]), e.getMessage());
        }
    }
}
