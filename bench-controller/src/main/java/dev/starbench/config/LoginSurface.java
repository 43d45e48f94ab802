package dev.starbench.config;

import static dev.starbench.config.InvalidField.check;
import static dev.starbench.config.InvalidField.positive;
import static dev.starbench.config.InvalidField.required;
import static dev.starbench.config.InvalidField.requiredText;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One login surface the maker declares (an entry of the profile's {@code logins:}): where it is, what
 * a successful login looks like there, optionally the technician's valid credential for this unit (the
 * control; a secret, never printed), the brute-force policy the bench holds it to, and how its
 * credential is changed.
 *
 * @param port              the TCP port; null for the console; for http surfaces the URL's
 * @param url               http-basic and http-form: the page that asks for the login
 * @param tls               mqtt only: MQTT over TLS
 * @param userField         http-form: the user name's form field
 * @param passwordField     http-form: the password's form field
 * @param successText       http-form: text in the answer that means logged in (or {@code successStatus})
 * @param successStatus     http-form: the HTTP status that means logged in; null: any 2xx with the text
 * @param credential        the technician's valid credential for this unit, or null
 * @param vendorDefaults    the maker's documented default credentials, tried with the universal list
 * @param minFailureDelayMs what each failed attempt must cost at least, unless the surface locks out
 * @param attempts          how many wrong attempts auth.brute-force makes
 * @param lockoutMs         the lockout period the maker declares; null when it declares none
 * @param change            how the credential is changed on this surface; null when the maker declares no way
 */
public record LoginSurface(Kind surface, Integer port, URI url, boolean tls, String userField, String passwordField,
                           String successText, Integer successStatus, Credential credential,
                           List<Credential> vendorDefaults, long minFailureDelayMs, int attempts, Long lockoutMs,
                           Change change) {

    public static final long DEFAULT_MIN_FAILURE_DELAY_MS = 1000;
    public static final int DEFAULT_ATTEMPTS = 20;

    /** The kinds of surface, by their YAML names. */
    public enum Kind {
        @JsonProperty("console") CONSOLE,
        @JsonProperty("telnet") TELNET,
        @JsonProperty("ssh") SSH,
        @JsonProperty("mqtt") MQTT,
        @JsonProperty("http-basic") HTTP_BASIC,
        @JsonProperty("http-form") HTTP_FORM;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public LoginSurface {
        required(surface, "surface");
        boolean http = surface == Kind.HTTP_BASIC || surface == Kind.HTTP_FORM;
        if (surface == Kind.CONSOLE) {
            check(port == null, "the console has no port", "port");
        } else if (!http) {
            required(port, "port");
        }
        if (port != null) {
            check(port > 0 && port < 65536, "must be a TCP port 1..65535, got " + port, "port");
        }
        check(http == (url != null), http ? "required for " + surface.key() : "only for http-basic and http-form", "url");
        check(!tls || surface == Kind.MQTT, "only for mqtt (http surfaces say https in their url)", "tls");
        boolean form = surface == Kind.HTTP_FORM;
        check(form || userField == null, "only for http-form", "user-field");
        check(form || passwordField == null, "only for http-form", "password-field");
        check(form || successText == null, "only for http-form", "success-text");
        check(form || successStatus == null, "only for http-form", "success-status");
        if (form) {
            userField = userField == null ? "username" : requiredText(userField, "user-field");
            passwordField = passwordField == null ? "password" : requiredText(passwordField, "password-field");
            check(successText != null || successStatus != null, "http-form needs success-text or success-status: what"
                    + " the page answers to a good login", "success-text");
            if (successText != null) {
                requiredText(successText, "success-text");
            }
            if (successStatus != null) {
                check(successStatus >= 100 && successStatus <= 599, "must be an HTTP status 100..599", "success-status");
            }
        }
        vendorDefaults = vendorDefaults == null ? List.of() : List.copyOf(vendorDefaults);
        positive(minFailureDelayMs, "min-failure-delay-ms");
        check(attempts >= 1 && attempts <= 1000, "must be 1..1000, got " + attempts, "attempts");
        if (lockoutMs != null) {
            check(lockoutMs > 0 && lockoutMs <= 3_600_000, "must be 1..3600000 ms (an hour), got " + lockoutMs, "lockout-ms");
        }
        if (change != null) {
            check(change.method().fits(surface), "a " + change.method().key() + " change is not made on a "
                    + surface.key() + " surface (" + change.method().fits() + ")", "change", "method");
            check(credential != null, "a credential change starts from the valid credential: give credential", "change");
        }
    }

    @JsonCreator
    static LoginSurface fromYaml(@JacksonInject("base-dir") Path baseDir,
                                 @JsonProperty("surface") Kind surface,
                                 @JsonProperty("port") Integer port,
                                 @JsonProperty("url") String url,
                                 @JsonProperty("tls") Boolean tls,
                                 @JsonProperty("user-field") String userField,
                                 @JsonProperty("password-field") String passwordField,
                                 @JsonProperty("success-text") String successText,
                                 @JsonProperty("success-status") Integer successStatus,
                                 @JsonProperty("credential") Credential credential,
                                 @JsonProperty("vendor-defaults") List<Credential> vendorDefaults,
                                 @JsonProperty("min-failure-delay-ms") Long minFailureDelayMs,
                                 @JsonProperty("attempts") Integer attempts,
                                 @JsonProperty("lockout-ms") Long lockoutMs,
                                 @JsonProperty("change") Change change) {
        URI uri = url == null ? null : httpUrl(url, "url");
        if (vendorDefaults != null) {
            for (int i = 0; i < vendorDefaults.size(); i++) {
                Credential c = required(vendorDefaults.get(i), "vendor-defaults", i);
                check(c.passwordFile() == null, "vendor defaults are public: give the password itself", "vendor-defaults", i,
                        "password-file");
            }
        }
        Integer effectivePort = port;
        if (uri != null && (surface == Kind.HTTP_BASIC || surface == Kind.HTTP_FORM)) {
            int fromUrl = uri.getPort() > 0 ? uri.getPort() : uri.getScheme().equals("https") ? 443 : 80;
            check(port == null || port == fromUrl, "the url names port " + fromUrl, "port");
            effectivePort = fromUrl;
        }
        return new LoginSurface(surface, effectivePort, uri, Boolean.TRUE.equals(tls), userField, passwordField, successText,
                successStatus, credential == null ? null : credential.resolved(baseDir), vendorDefaults,
                minFailureDelayMs == null ? DEFAULT_MIN_FAILURE_DELAY_MS : minFailureDelayMs,
                attempts == null ? DEFAULT_ATTEMPTS : attempts, lockoutMs, change);
    }

    static URI httpUrl(String text, Object... field) {
        requiredText(text, field);
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw InvalidField.of("not a URL: " + e.getReason(), field);
        }
        check("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()), "must be an http:// or https:// URL, got '"
                + text + "'", field);
        check(uri.getHost() != null, "needs a host, e.g. http://192.0.2.10/login", field);
        return uri;
    }

    /** How the surface is named in evidence and measurement names: {@code ssh:21886}, {@code console}. */
    public String label() {
        return port == null ? surface.key() : surface.key() + ":" + port;
    }

    /**
     * A credential: the password itself, or a file holding it (its first line), so a profile can name a
     * password made per unit without holding it. Never printed: {@link #toString} masks it.
     *
     * @param passwordFile absolute; read when a check needs it, so a profile loads before the file exists
     */
    public record Credential(String user, String password, Path passwordFile) {
        public Credential {
            requiredText(user, "user");
            check((password == null) != (passwordFile == null), "give exactly one of password and password-file",
                    password == null ? "password" : "password-file");
        }

        @JsonCreator
        static Credential fromYaml(@JsonProperty("user") String user, @JsonProperty("password") String password,
                                   @JsonProperty("password-file") String passwordFile) {
            return new Credential(user, password, passwordFile == null ? null : Path.of(requiredText(passwordFile, "password-file")));
        }

        Credential resolved(Path baseDir) {
            return passwordFile == null || passwordFile.isAbsolute() ? this
                    : new Credential(user, null, Paths.file(baseDir, passwordFile.toString(), "credential", "password-file"));
        }

        /** The password, from the file if the profile names one (its first line). */
        public String secret() throws IOException {
            if (password != null) {
                return password;
            }
            List<String> lines = Files.readAllLines(passwordFile);
            if (lines.isEmpty()) {
                throw new IOException(passwordFile + " is empty");
            }
            return lines.get(0);
        }

        @Override
        public String toString() {
            return "Credential[user=" + user + ", password=***]";
        }
    }

    /**
     * How the credential is changed: {@code passwd} (BusyBox passwd at the console's shell: old password,
     * new one twice) or {@code http-form} (a POST of the user name, the old and the new password).
     *
     * @param url          http-form: where the form posts
     * @param newField     http-form: the new password's field
     * @param successText  http-form: text in the answer that means changed
     */
    public record Change(Method method, URI url, String userField, String passwordField, String newField,
                         String successText) {
        public enum Method {
            @JsonProperty("passwd") PASSWD,
            @JsonProperty("http-form") HTTP_FORM;

            public String key() {
                return this == PASSWD ? "passwd" : "http-form";
            }

            boolean fits(Kind surface) {
                return this == PASSWD ? surface == Kind.CONSOLE : surface == Kind.HTTP_FORM || surface == Kind.HTTP_BASIC;
            }

            String fits() {
                return this == PASSWD ? "passwd runs at the console" : "an http-form change belongs to an http surface";
            }
        }

        public Change {
            required(method, "method");
            boolean form = method == Method.HTTP_FORM;
            check(form == (url != null), form ? "required for http-form" : "only for http-form", "url");
            check(form || userField == null, "only for http-form", "user-field");
            check(form || passwordField == null, "only for http-form", "password-field");
            check(form || newField == null, "only for http-form", "new-password-field");
            check(form == (successText != null), form ? "required for http-form: what the page answers to a change"
                    : "only for http-form", "success-text");
            if (form) {
                userField = userField == null ? "username" : requiredText(userField, "user-field");
                passwordField = passwordField == null ? "password" : requiredText(passwordField, "password-field");
                newField = newField == null ? "new-password" : requiredText(newField, "new-password-field");
                requiredText(successText, "success-text");
            }
        }

        @JsonCreator
        static Change fromYaml(@JsonProperty("method") Method method, @JsonProperty("url") String url,
                               @JsonProperty("user-field") String userField,
                               @JsonProperty("password-field") String passwordField,
                               @JsonProperty("new-password-field") String newField,
                               @JsonProperty("success-text") String successText) {
            return new Change(method, url == null ? null : httpUrl(url, "url"), userField, passwordField, newField, successText);
        }
    }
}
