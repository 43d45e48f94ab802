package dev.starbench.config;

import static dev.starbench.config.InvalidField.check;
import static dev.starbench.config.InvalidField.positive;
import static dev.starbench.config.InvalidField.required;
import static dev.starbench.config.InvalidField.requiredText;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The profile's {@code firmware:} section: the device's image format, a validly signed image, and
 * either the maker's development key that lets the bench build newer, older and tampered images, or
 * the maker's own newer (and older) images for a lab that has no key; how the device reports its
 * running version, and the path updates take.
 *
 * @param image          absolute; a validly signed image for this device (with a key, its payload is reused)
 * @param signingKey     absolute, or null; the maker's development key (a secret: never printed)
 * @param olderImage     absolute, or null; an older validly signed image, pushed by update.rollback without a key
 * @param newerImage     absolute, or null; a newer validly signed image, the control case without a key
 * @param newerVersion   the version newer-image declares, or null; required for raw images, whose version
 *                       the bench cannot read (for MCUboot the header is read and must agree)
 * @param olderVersion   the same for older-image
 * @param versionPattern a console pattern whose group 1 is the running version, printed on every boot
 */
public record Firmware(String format, Path image, Path signingKey, Path olderImage, Path newerImage,
                       String newerVersion, String olderVersion, DeviceType deviceType,
                       String versionPattern, long installTimeoutMs, int powerLossCuts, Update update) {
    static final Set<String> FORMATS = Set.of("mcuboot", "raw");
    // The trailing character keeps a match from ending inside a version whose rest has not arrived yet.
    // MCUboot's textual version (ImageVersion parses it; config stays free of the image package).
    private static final Pattern VERSION = Pattern.compile("v?(\\d{1,3})(?:\\.(\\d{1,3}))?(?:\\.(\\d{1,5}))?(?:\\+(\\d{1,10}))?");
    static final String DEFAULT_VERSION_PATTERN = "[Ff]irmware version:? v?([0-9]{1,3}(?:\\.[0-9]{1,5}){0,3}(?:\\+[0-9]{1,10})?)[^0-9.+]";

    public Firmware {
        format = format == null ? "mcuboot" : format;
        check(FORMATS.contains(format), "unknown value '" + format + "' (allowed: mcuboot, raw)", "format");
        required(image, "image");
        check(!(format.equals("raw") && signingKey != null), "a raw image cannot be re-signed by the bench: give the maker's"
                + " images as newer-image (and older-image) with their versions instead", "signing-key");
        check(newerImage == null || signingKey == null, "give either signing-key (the bench builds its test images) or"
                + " newer-image (the maker's images), not both", "newer-image");
        suppliedVersion(format, newerImage, newerVersion, "newer");
        suppliedVersion(format, olderImage, olderVersion, "older");
        if (newerVersion != null && olderVersion != null) {
            check(compare(olderVersion, newerVersion) < 0, "must be older than newer-version " + newerVersion
                    + ", got " + olderVersion, "older-version");
        }
        versionPattern = versionPattern == null ? DEFAULT_VERSION_PATTERN : versionPattern;
        InvalidField.consolePattern(versionPattern, 1, "version-pattern");
        positive(installTimeoutMs, "install-timeout-ms");
        check(powerLossCuts >= 1 && powerLossCuts <= 1000, "must be 1..1000, got " + powerLossCuts, "power-loss-cuts");
        required(update, "update");
    }

    private static void suppliedVersion(String format, Path file, String version, String which) {
        if (version == null) {
            check(file == null || !format.equals("raw"), "required for a raw " + which + "-image: the bench cannot read"
                    + " a raw image's version", which + "-version");
            return;
        }
        check(file != null, "only with " + which + "-image (the version it declares)", which + "-version");
        mcubootVersion(version, which + "-version");
    }

    /** A version as MCUboot's header holds it (u8.u8.u16+u32), in its textual form. */
    static void mcubootVersion(String version, Object... field) {
        check(VERSION.matcher(version).matches(), "not a version (major.minor.revision+build, e.g. 1.4.3 or 1.4.3+7):"
                + " '" + version + "'", field);
        check(Integer.parseInt(part(version, 1)) <= 255 && Integer.parseInt(part(version, 2)) <= 255
                && Integer.parseInt(part(version, 3)) <= 65535 && Long.parseLong(part(version, 4)) <= 0xffffffffL,
                "out of MCUboot's range (u8.u8.u16+u32): '" + version + "'", field);
    }

    private static String part(String version, int group) {
        Matcher m = VERSION.matcher(version);
        m.matches();
        return m.group(group) == null ? "0" : m.group(group);
    }

    private static int compare(String a, String b) {
        for (int g = 1; g <= 4; g++) {
            int c = Long.compare(Long.parseLong(part(a, g)), Long.parseLong(part(b, g)));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    @JsonCreator
    static Firmware fromYaml(@JacksonInject("base-dir") Path baseDir,
                             @JsonProperty("format") String format,
                             @JsonProperty("image") String image,
                             @JsonProperty("signing-key") String signingKey,
                             @JsonProperty("older-image") String olderImage,
                             @JsonProperty("newer-image") String newerImage,
                             @JsonProperty("newer-version") String newerVersion,
                             @JsonProperty("older-version") String olderVersion,
                             @JsonProperty("device-type") DeviceType deviceType,
                             @JsonProperty("version-pattern") String versionPattern,
                             @JsonProperty("install-timeout-ms") Long installTimeoutMs,
                             @JsonProperty("power-loss-cuts") Integer powerLossCuts,
                             @JsonProperty("update") Update update) {
        return new Firmware(format, path(baseDir, requiredText(image, "image"), "image"),
                signingKey == null ? null : path(baseDir, signingKey, "signing-key"),
                olderImage == null ? null : path(baseDir, olderImage, "older-image"),
                newerImage == null ? null : path(baseDir, newerImage, "newer-image"), newerVersion, olderVersion,
                deviceType, versionPattern, installTimeoutMs == null ? 60_000 : installTimeoutMs,
                powerLossCuts == null ? 20 : powerLossCuts, update);
    }

    private static Path path(Path baseDir, String text, String field) {
        return Paths.file(baseDir, text, field);
    }

    /** A vendor TLV (MCUboot reserves 0xa0..0xfe in each 256-block) that names the device type. */
    public record DeviceType(int tlv, String value) {
        public DeviceType {
            InvalidField.vendorTlv(tlv, "tlv");
            requiredText(value, "value");
        }

        @JsonCreator
        static DeviceType fromYaml(@JsonProperty("tlv") Integer tlv, @JsonProperty("value") String value) {
            return new DeviceType(required(tlv, "tlv"), value);
        }
    }

    /**
     * How an image reaches the device.
     *
     * @param method     http-upload (multipart POST to {@code url}, file in {@code field}), command (run
     *                   {@code command} with {@code {image}} replaced by the image file; exit 0 = installed) or
     *                   mqtt-ota (the bench, as the DUT's cloud on {@code network.cloud.url}, publishes an offer
     *                   with the image on {@code offerTopic} and follows the DUT's reports on {@code statusTopic})
     * @param offerTopic mqtt-ota only: where the DUT listens for offers (default ota/offer)
     * @param statusTopic mqtt-ota only: where the DUT reports what it did with an offer (default ota/status)
     */
    public record Update(String method, String url, String field, List<String> command, String offerTopic,
                         String statusTopic) {
        static final Set<String> METHODS = Set.of("http-upload", "command", "mqtt-ota");
        public static final String DEFAULT_OFFER_TOPIC = "ota/offer";
        public static final String DEFAULT_STATUS_TOPIC = "ota/status";

        public Update {
            requiredText(method, "method");
            check(METHODS.contains(method), "unknown value '" + method + "' (allowed: http-upload, command, mqtt-ota)",
                    "method");
            field = field == null ? "image" : field;
            command = InvalidField.list(command, "command");
            boolean mqtt = method.equals("mqtt-ota");
            check(mqtt || offerTopic == null, "only for method mqtt-ota", "offer-topic");
            check(mqtt || statusTopic == null, "only for method mqtt-ota", "status-topic");
            if (method.equals("http-upload")) {
                InvalidField.httpUrl(url, "url");
            } else if (method.equals("command")) {
                check(!command.isEmpty(), "required for method command: the program and its arguments", "command");
                check(command.stream().anyMatch(a -> a.contains("{image}")), "must contain {image}, where the image file goes", "command");
            } else {
                check(url == null, "not for method mqtt-ota: the offer goes to the cloud in network.cloud.url", "url");
                offerTopic = InvalidField.mqttTopicName(offerTopic == null ? DEFAULT_OFFER_TOPIC : offerTopic, "offer-topic");
                statusTopic = InvalidField.mqttTopicName(statusTopic == null ? DEFAULT_STATUS_TOPIC : statusTopic, "status-topic");
                check(!offerTopic.equals(statusTopic), "must differ from offer-topic", "status-topic");
            }
        }

        @JsonCreator
        static Update fromYaml(@JsonProperty("method") String method, @JsonProperty("url") String url,
                               @JsonProperty("field") String field, @JsonProperty("command") List<String> command,
                               @JsonProperty("offer-topic") String offerTopic,
                               @JsonProperty("status-topic") String statusTopic) {
            return new Update(method, url, field, command, offerTopic, statusTopic);
        }
    }

    // A record prints every component; the key path is harmless, but keep the habit of never printing keys.
    @Override
    public String toString() {
        return "Firmware[format=" + format + ", image=" + image + ", signingKey=" + (signingKey == null ? "none" : "***")
                + ", update=" + update + "]";
    }
}
