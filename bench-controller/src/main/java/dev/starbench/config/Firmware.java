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
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The profile's {@code firmware:} section: the device's image format, a validly signed image, the
 * maker's development key that lets the bench build newer, older and tampered images, how the device
 * reports its running version, and the path updates take.
 *
 * @param image          absolute; a validly signed image for this device (its payload is reused)
 * @param signingKey     absolute, or null; the maker's development key (a secret: never printed)
 * @param olderImage     absolute, or null; an older validly signed image (needed for raw images)
 * @param versionPattern a console pattern whose group 1 is the running version, printed on every boot
 */
public record Firmware(String format, Path image, Path signingKey, Path olderImage, DeviceType deviceType,
                       String versionPattern, long installTimeoutMs, int powerLossCuts, Update update) {
    static final Set<String> FORMATS = Set.of("mcuboot", "raw");
    // The trailing character keeps a match from ending inside a version whose rest has not arrived yet.
    static final String DEFAULT_VERSION_PATTERN = "[Ff]irmware version:? v?([0-9]{1,3}(?:\\.[0-9]{1,5}){0,3}(?:\\+[0-9]{1,10})?)[^0-9.+]";

    public Firmware {
        format = format == null ? "mcuboot" : format;
        check(FORMATS.contains(format), "unknown value '" + format + "' (allowed: mcuboot, raw)", "format");
        required(image, "image");
        versionPattern = versionPattern == null ? DEFAULT_VERSION_PATTERN : versionPattern;
        try {
            check(Pattern.compile(versionPattern).matcher("").groupCount() >= 1,
                    "needs a group that captures the version", "version-pattern");
        } catch (PatternSyntaxException e) {
            throw InvalidField.of("not a regular expression: " + e.getDescription(), "version-pattern");
        }
        positive(installTimeoutMs, "install-timeout-ms");
        check(powerLossCuts >= 1 && powerLossCuts <= 1000, "must be 1..1000, got " + powerLossCuts, "power-loss-cuts");
        required(update, "update");
    }

    @JsonCreator
    static Firmware fromYaml(@JacksonInject("base-dir") Path baseDir,
                             @JsonProperty("format") String format,
                             @JsonProperty("image") String image,
                             @JsonProperty("signing-key") String signingKey,
                             @JsonProperty("older-image") String olderImage,
                             @JsonProperty("device-type") DeviceType deviceType,
                             @JsonProperty("version-pattern") String versionPattern,
                             @JsonProperty("install-timeout-ms") Long installTimeoutMs,
                             @JsonProperty("power-loss-cuts") Integer powerLossCuts,
                             @JsonProperty("update") Update update) {
        return new Firmware(format, path(baseDir, requiredText(image, "image"), "image"),
                signingKey == null ? null : path(baseDir, signingKey, "signing-key"),
                olderImage == null ? null : path(baseDir, olderImage, "older-image"),
                deviceType, versionPattern, installTimeoutMs == null ? 60_000 : installTimeoutMs,
                powerLossCuts == null ? 20 : powerLossCuts, update);
    }

    private static Path path(Path baseDir, String text, String field) {
        return Paths.file(baseDir, text, field);
    }

    /** A vendor TLV (MCUboot reserves 0xa0..0xfe in each 256-block) that names the device type. */
    public record DeviceType(int tlv, String value) {
        public DeviceType {
            check((tlv & 0xff) >= 0xa0 && (tlv & 0xff) <= 0xfe && tlv <= 0xffff,
                    String.format("must be an MCUboot vendor TLV (0xXXa0..0xXXfe), got 0x%x", tlv), "tlv");
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
     * @param method  http-upload (multipart POST to {@code url}, file in {@code field}) or command (run
     *                {@code command} with {@code {image}} replaced by the image file; exit 0 = installed)
     */
    public record Update(String method, String url, String field, List<String> command) {
        static final Set<String> METHODS = Set.of("http-upload", "command");

        public Update {
            requiredText(method, "method");
            check(METHODS.contains(method), "unknown value '" + method + "' (allowed: http-upload, command;"
                    + " mqtt-ota is not built yet)", "method");
            field = field == null ? "image" : field;
            command = command == null ? List.of() : List.copyOf(command);
            if (method.equals("http-upload")) {
                requiredText(url, "url");
                check(url.startsWith("http://") || url.startsWith("https://"), "must be an http:// or https:// URL, got '" + url + "'", "url");
            } else {
                check(!command.isEmpty(), "required for method command: the program and its arguments", "command");
                check(command.stream().anyMatch(a -> a.contains("{image}")), "must contain {image}, where the image file goes", "command");
            }
        }

        @JsonCreator
        static Update fromYaml(@JsonProperty("method") String method, @JsonProperty("url") String url,
                               @JsonProperty("field") String field, @JsonProperty("command") List<String> command) {
            return new Update(method, url, field, command);
        }
    }

    // A record prints every component; the key path is harmless, but keep the habit of never printing keys.
    @Override
    public String toString() {
        return "Firmware[format=" + format + ", image=" + image + ", signingKey=" + (signingKey == null ? "none" : "***")
                + ", update=" + update + "]";
    }
}
