package dev.starbench.config;

import static dev.starbench.config.InvalidField.check;
import static dev.starbench.config.InvalidField.positive;
import static dev.starbench.config.InvalidField.required;
import static dev.starbench.config.InvalidField.requiredText;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The profile's {@code lifecycle:} section: what the resilience and erase checks need to know about the
 * device's life, as its maker declares it. Each part is optional; a check whose part is missing is
 * NOT_APPLICABLE.
 *
 * @param consoleLogin the technician's console login for this unit, through which the checks write and
 *                     read the owner's data (a secret: never shown); null when the console needs none
 *                     or none is declared
 */
public record Lifecycle(ConsoleLogin consoleLogin, PowerCutSoak powerCutSoak, CloudOutage cloudOutage,
                        FactoryReset factoryReset) {
    /** What a check writes in place of a template's {@value}. */
    public static final String VALUE = "{value}";

    @JsonCreator
    static Lifecycle fromYaml(@JsonProperty("console-login") ConsoleLogin consoleLogin,
                              @JsonProperty("power-cut-soak") PowerCutSoak powerCutSoak,
                              @JsonProperty("cloud-outage") CloudOutage cloudOutage,
                              @JsonProperty("factory-reset") FactoryReset factoryReset) {
        return new Lifecycle(consoleLogin, powerCutSoak, cloudOutage, factoryReset);
    }

    /**
     * The parts that go through the device's cloud need the profile's {@code network.cloud}; the error is
     * located from the profile's top, as the profile calls this.
     */
    void requireCloudWhereUsed(boolean hasCloud) {
        if (hasCloud) {
            return;
        }
        String why = "needs the profile's network.cloud: the bench plays the device's cloud";
        if (powerCutSoak != null) {
            inLifecycle(!powerCutSoak.normalState().equals(PowerCutSoak.CLOUD_CONNECT), why, "power-cut-soak", "normal-state");
            powerCutSoak.setting().requireNoMqtt(why, "lifecycle", "power-cut-soak", "setting");
        }
        inLifecycle(cloudOutage == null, why, "cloud-outage");
        if (factoryReset != null) {
            inLifecycle(factoryReset.method().mqttCommand() == null, why, "factory-reset", "method", "mqtt-command");
            for (int i = 0; i < factoryReset.places().size(); i++) {
                Place p = factoryReset.places().get(i);
                inLifecycle(!p.cloudIdentity(), why, "factory-reset", "places", i, "cloud-identity");
                if (p.write() != null) {
                    inLifecycle(p.write().mqtt() == null, why, "factory-reset", "places", i, "write", "mqtt");
                }
                for (int j = 0; j < p.read().size(); j++) {
                    inLifecycle(p.read().get(j).mqtt() == null, why, "factory-reset", "places", i, "read", j, "mqtt");
                }
            }
        }
    }

    private static void inLifecycle(boolean ok, String problem, Object... path) {
        check(ok, problem, at(new Object[] {"lifecycle"}, path));
    }

    /** A user and password for the console login. */
    public record ConsoleLogin(String user, String password) {
        public ConsoleLogin {
            requiredText(user, "user");
            required(password, "password");
        }

        @JsonCreator
        static ConsoleLogin fromYaml(@JsonProperty("user") String user, @JsonProperty("password") String password) {
            return new ConsoleLogin(user, password);
        }

        // Records print every component; a password must never reach a log or a report.
        @Override
        public String toString() {
            return "ConsoleLogin[user=" + user + ", password=***]";
        }
    }

    /**
     * One way to write a value to the device or read it back; exactly one of the three. In a write, the
     * value stands where {@value #VALUE} is (in the command, the payload, or a form field); a read's
     * output is searched for the value.
     *
     * @param console a shell command, typed at the console after the login
     * @param mqtt    a message the bench's cloud publishes to the device; a read also names where the answer comes
     * @param http    a form POSTed to the device (write) or a page fetched from it (read)
     */
    public record Access(String console, Mqtt mqtt, Http http) {
        public Access {
            oneOf("give exactly one of console, mqtt or http", new String[] {"console", "mqtt", "http"}, console, mqtt, http);
            if (console != null) {
                requiredText(console, "console");
                check(!console.contains("\n") && !console.contains("\r"), "must be one line", "console");
            }
        }

        @JsonCreator
        static Access fromYaml(@JsonProperty("console") String console, @JsonProperty("mqtt") Mqtt mqtt,
                               @JsonProperty("http") Http http) {
            return new Access(console, mqtt, http);
        }

        /** Whether the value appears in what is sent. */
        boolean placesValue() {
            return console != null ? console.contains(VALUE)
                    : mqtt != null ? mqtt.payload().contains(VALUE)
                    : http.form().values().stream().anyMatch(v -> v.contains(VALUE));
        }

        /** A write places the value and expects no answer; a read asks for one. */
        void checkAs(boolean write, Object... path) {
            if (write) {
                check(placesValue(), "a write must place the value: put " + VALUE + " in the "
                        + (console != null ? "command" : mqtt != null ? "payload" : "form"), at(path, field()));
                if (mqtt != null) {
                    check(mqtt.answerTopic() == null, "a write expects no answer", at(path, "mqtt", "answer-topic"));
                }
                if (http != null) {
                    check(!http.form().isEmpty(), "a write POSTs a form: give its fields", at(path, "http", "form"));
                }
            } else {
                check(!placesValue(), "a read does not know the value: " + VALUE + " belongs in writes", at(path, field()));
                if (mqtt != null) {
                    check(mqtt.answerTopic() != null, "a read needs the topic the device answers on",
                            at(path, "mqtt", "answer-topic"));
                }
                if (http != null) {
                    check(http.form().isEmpty(), "a read GETs the page: no form", at(path, "http", "form"));
                }
            }
        }

        private String field() {
            return console != null ? "console" : mqtt != null ? "mqtt" : "http";
        }

        /** How it reads in evidence: the command, topic or URL, never a value. */
        public String describe() {
            return console != null ? "console `" + console + "`"
                    : mqtt != null ? "MQTT " + mqtt.topic() + (mqtt.answerTopic() == null ? "" : " (answer on " + mqtt.answerTopic() + ")")
                    : "HTTP " + (http.form().isEmpty() ? "GET " : "POST ") + http.url();
        }
    }

    /**
     * @param topic       where the bench publishes (no wildcards)
     * @param payload     what it publishes
     * @param answerTopic for a read: where the device answers (wildcards allowed)
     */
    public record Mqtt(String topic, String payload, String answerTopic) {
        public Mqtt {
            requiredText(topic, "topic");
            check(!topic.contains("+") && !topic.contains("#"), "a topic to publish on has no wildcards", "topic");
            required(payload, "payload");
            if (answerTopic != null) {
                requiredText(answerTopic, "answer-topic");
            }
        }

        @JsonCreator
        static Mqtt fromYaml(@JsonProperty("topic") String topic, @JsonProperty("payload") String payload,
                             @JsonProperty("answer-topic") String answerTopic) {
            return new Mqtt(topic, payload, answerTopic);
        }
    }

    /** @param form the fields of a POSTed form, in order; empty for a page that is read */
    public record Http(URI url, Map<String, String> form) {
        public Http {
            required(url, "url");
            form = form == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(form));
        }

        @JsonCreator
        static Http fromYaml(@JsonProperty("url") String url, @JsonProperty("form") LinkedHashMap<String, String> form) {
            requiredText(url, "url");
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw InvalidField.of("not a URL: " + e.getReason(), "url");
            }
            check(("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null,
                    "must be an http:// or https:// URL with a host, got '" + url + "'", "url");
            if (form != null) {
                form.forEach((k, v) -> check(v != null, "has no value", "form", k));
            }
            return new Http(uri, form);
        }
    }

    /**
     * resilience.power-cut-soak: the setting it writes before the cuts and reads after each.
     *
     * @param cuts         how many power cuts (default 20)
     * @param windowMs     the cut points lie between power-on and this many ms after it, spread evenly over the
     *                     window (one in each of {@code cuts} equal slices): make it reach past the boot into the
     *                     steady state; null: the profile's {@code timeouts.boot-ms}
     * @param normalState  {@value #LOGIN}: the console's login (or shell) prompt; {@value #CLOUD_CONNECT}: a CONNECT at the bench's cloud
     * @param recovery     the strap the bench holds at power-on to bring a bricked device back; null: none
     */
    public record PowerCutSoak(int cuts, Long windowMs, String normalState, Setting setting, Recovery recovery) {
        public static final String LOGIN = "login";
        public static final String CLOUD_CONNECT = "cloud-connect";
        static final int DEFAULT_CUTS = 20;

        public PowerCutSoak {
            check(cuts >= 1 && cuts <= 10_000, "must be 1 to 10000, got " + cuts, "cuts");
            if (windowMs != null) {
                positive(windowMs, "window-ms");
            }
            normalState = normalState == null ? LOGIN : normalState;
            check(Set.of(LOGIN, CLOUD_CONNECT).contains(normalState),
                    "unknown value '" + normalState + "' (allowed: login, cloud-connect)", "normal-state");
            required(setting, "setting");
        }

        @JsonCreator
        static PowerCutSoak fromYaml(@JsonProperty("cuts") Integer cuts, @JsonProperty("window-ms") Long windowMs,
                                     @JsonProperty("normal-state") String normalState,
                                     @JsonProperty("setting") Setting setting,
                                     @JsonProperty("recovery") Recovery recovery) {
            return new PowerCutSoak(cuts == null ? DEFAULT_CUTS : cuts, windowMs, normalState, setting, recovery);
        }
    }

    /**
     * @param restoreValue written back through {@code write} when the soak ends; null: the soak's value stays
     */
    public record Setting(Access write, Access read, String restoreValue) {
        public Setting {
            required(write, "write").checkAs(true, "write");
            required(read, "read").checkAs(false, "read");
        }

        @JsonCreator
        static Setting fromYaml(@JsonProperty("write") Access write, @JsonProperty("read") Access read,
                                @JsonProperty("restore-value") String restoreValue) {
            return new Setting(write, read, restoreValue);
        }

        void requireNoMqtt(String why, Object... path) {
            check(write.mqtt() == null, why, at(path, "write", "mqtt"));
            check(read.mqtt() == null, why, at(path, "read", "mqtt"));
        }
    }

    /** A button line of the fixture (a boot strap) held from before power-on until the boot settles. */
    public record Recovery(String button) {
        public Recovery {
            requiredText(button, "button");
        }

        @JsonCreator
        static Recovery fromYaml(@JsonProperty("button") String button) {
            return new Recovery(button);
        }
    }

    /**
     * resilience.cloud-outage: the bench's cloud refuses connections (TCP reset) for the first half of
     * {@code outageMs} and black-holes them for the second, then comes back.
     *
     * @param maxAttemptsPerMinute the most connection attempts the device may make in any minute of the outage
     * @param minRetryIntervalMs   a device that does not back off must wait at least this long between attempts
     * @param resumeMs             how soon after the cloud is back the device must be connected and subscribed again
     */
    public record CloudOutage(long outageMs, int maxAttemptsPerMinute, long minRetryIntervalMs, long resumeMs) {
        static final CloudOutage DEFAULTS = new CloudOutage(120_000, 12, 1000, 120_000);

        public CloudOutage {
            check(outageMs >= 2000, "must be at least 2000 (a refused and a black-holed half), got " + outageMs, "outage-ms");
            positive(maxAttemptsPerMinute, "max-attempts-per-minute");
            positive(minRetryIntervalMs, "min-retry-interval-ms");
            positive(resumeMs, "resume-ms");
        }

        @JsonCreator
        static CloudOutage fromYaml(@JsonProperty("outage-ms") Long outageMs,
                                    @JsonProperty("max-attempts-per-minute") Integer maxAttemptsPerMinute,
                                    @JsonProperty("min-retry-interval-ms") Long minRetryIntervalMs,
                                    @JsonProperty("resume-ms") Long resumeMs) {
            return new CloudOutage(outageMs == null ? DEFAULTS.outageMs : outageMs,
                    maxAttemptsPerMinute == null ? DEFAULTS.maxAttemptsPerMinute : maxAttemptsPerMinute,
                    minRetryIntervalMs == null ? DEFAULTS.minRetryIntervalMs : minRetryIntervalMs,
                    resumeMs == null ? DEFAULTS.resumeMs : resumeMs);
        }
    }

    /**
     * erase.factory-reset.
     *
     * @param freshDeviceShows text the console shows in the first boot after a reset (a setup prompt): the
     *                         sign that the reset happened
     * @param places           where the owner's data lives, each with how to plant a canary and read it back
     */
    public record FactoryReset(ResetMethod method, String freshDeviceShows, List<Place> places) {
        public FactoryReset {
            required(method, "method");
            requiredText(freshDeviceShows, "fresh-device-shows");
            required(places, "places");
            check(!places.isEmpty(), "name at least one place of user data", "places");
            List<String> names = new ArrayList<>();
            for (int i = 0; i < places.size(); i++) {
                Place p = required(places.get(i), "places", i);
                check(!names.contains(p.name()), "the name '" + p.name() + "' is given twice", "places", i, "name");
                names.add(p.name());
            }
            places = List.copyOf(places);
        }

        @JsonCreator
        static FactoryReset fromYaml(@JsonProperty("method") ResetMethod method,
                                     @JsonProperty("fresh-device-shows") String freshDeviceShows,
                                     @JsonProperty("places") List<Place> places) {
            return new FactoryReset(method, freshDeviceShows, places);
        }

        /** Every read-back path of every place, in order: each canary is looked for through all of them. */
        public List<Access> readPaths() {
            List<Access> all = new ArrayList<>();
            places.forEach(p -> p.read().stream().filter(a -> !all.contains(a)).forEach(all::add));
            return all;
        }
    }

    /**
     * How the reset is triggered; exactly one way.
     *
     * @param button      a fixture button line, held {@code holdMs} while the device runs
     * @param console     a shell command typed after the login
     * @param mqttCommand the action of a signed command on the cloud's command topic (the bench's command format)
     */
    public record ResetMethod(String button, Long holdMs, String console, String mqttCommand) {
        public ResetMethod {
            oneOf("give exactly one of button (with hold-ms), console or mqtt-command",
                    new String[] {"button", "console", "mqtt-command"}, button, console, mqttCommand);
            if (button != null) {
                requiredText(button, "button");
                required(holdMs, "hold-ms");
                positive(holdMs, "hold-ms");
            } else {
                check(holdMs == null, "only with button", "hold-ms");
            }
            if (console != null) {
                requiredText(console, "console");
            }
            if (mqttCommand != null) {
                requiredText(mqttCommand, "mqtt-command");
            }
        }

        @JsonCreator
        static ResetMethod fromYaml(@JsonProperty("button") String button, @JsonProperty("hold-ms") Long holdMs,
                                    @JsonProperty("console") String console,
                                    @JsonProperty("mqtt-command") String mqttCommand) {
            return new ResetMethod(button, holdMs, console, mqttCommand);
        }

        public String describe() {
            return button != null ? "button " + button + " held " + holdMs + " ms"
                    : console != null ? "console command `" + console + "`" : "signed cloud command " + mqttCommand;
        }
    }

    /**
     * One place of user data.
     *
     * @param passwordOf    this place is the password of that console account: changed through the
     *                      {@code passwd} dialogue, and after the reset a login with the canary must fail
     * @param cloudIdentity after the reset the device must not connect to the bench's cloud with the canary
     *                      as its user name or client id
     */
    public record Place(String name, Access write, List<Access> read, String passwordOf, boolean cloudIdentity) {
        public Place {
            requiredText(name, "name");
            read = read == null ? List.of() : read;
            if (passwordOf != null) {
                requiredText(passwordOf, "password-of");
                check(write == null, "a password is written through the passwd dialogue", "write");
                check(!cloudIdentity, "a console password is no cloud identity", "cloud-identity");
            } else {
                required(write, "write").checkAs(true, "write");
                check(!read.isEmpty(), "give at least one way to read the value back", "read");
            }
            for (int i = 0; i < read.size(); i++) {
                required(read.get(i), "read", i).checkAs(false, "read", i);
            }
            read = List.copyOf(read);
        }

        @JsonCreator
        static Place fromYaml(@JsonProperty("name") String name, @JsonProperty("write") Access write,
                              @JsonProperty("read") List<Access> read, @JsonProperty("password-of") String passwordOf,
                              @JsonProperty("cloud-identity") Boolean cloudIdentity) {
            return new Place(name, write, read, passwordOf, Boolean.TRUE.equals(cloudIdentity));
        }
    }

    /** Exactly one value given; the error points at the second one given, or at the first name when none is. */
    private static void oneOf(String problem, String[] names, Object... values) {
        String first = null;
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                check(first == null, problem, names[i]);
                first = names[i];
            }
        }
        check(first != null, problem, names[0]);
    }

    private static Object[] at(Object[] path, Object... more) {
        Object[] all = new Object[path.length + more.length];
        System.arraycopy(path, 0, all, 0, path.length);
        System.arraycopy(more, 0, all, path.length, more.length);
        return all;
    }
}
