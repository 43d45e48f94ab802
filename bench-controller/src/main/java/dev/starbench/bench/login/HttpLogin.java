package dev.starbench.bench.login;

import dev.starbench.bench.net.AnyCertificate;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Web logins through the JDK's HTTP client, one request per attempt: HTTP Basic (a GET of the protected
 * page with an {@code Authorization} header: 2xx is in, 401/403 refused) or a login form (a POST of the
 * user name and password fields; in when the page answers with the declared text or status). 423 and 429
 * are a lockout either way. Redirects are not followed: a redirect is the answer.
 */
public final class HttpLogin implements LoginClient {
    private static final Pattern LOCKED = Pattern.compile("(?i)locked|too many (?:failed |login )?(?:attempts|failures)|try again later");

    /** What a login form looks like, for {@link #form}. */
    public record Form(String userField, String passwordField, String successText, Integer successStatus) {
    }

    private final URI url;
    private final Form form;
    private final Duration timeout;
    private final HttpClient client;

    private HttpLogin(URI url, Form form, Duration timeout) {
        this.url = url;
        this.form = form;
        this.timeout = timeout;
        // Certificates are taken as they come (as an intruder would): the bench tests the login, not the TLS.
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(new AnyCertificate().context()).build();
    }

    public static HttpLogin basic(URI url, Duration timeout) {
        return new HttpLogin(url, null, timeout);
    }

    public static HttpLogin form(URI url, Form form, Duration timeout) {
        return new HttpLogin(url, form, timeout);
    }

    @Override
    public String label() {
        return (form == null ? "http-basic:" : "http-form:") + port(url);
    }

    static int port(URI url) {
        return url.getPort() > 0 ? url.getPort() : url.getScheme().equals("https") ? 443 : 80;
    }

    @Override
    public Answer attempt(String user, String password) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout);
        if (form == null) {
            String pair = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            request.header("Authorization", "Basic " + pair).GET();
        } else {
            request.header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(
                    encode(form.userField()) + "=" + encode(user) + "&" + encode(form.passwordField()) + "=" + encode(password)));
        }
        long start = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Answer(Outcome.NO_ANSWER, Duration.ofNanos(System.nanoTime() - start),
                    AnswerText.of(e.getClass().getSimpleName() + ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(Outcome.NO_ANSWER, Duration.ofNanos(System.nanoTime() - start), "interrupted");
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        int status = response.statusCode();
        String body = response.body() == null ? "" : response.body();
        String text = "HTTP " + status + ": " + AnswerText.of(body);
        if (status == 423 || status == 429) {
            return new Answer(Outcome.LOCKED_OUT, took, text);
        }
        boolean in;
        if (form == null) {
            in = status >= 200 && status < 300;
        } else {
            in = (form.successStatus() == null ? status < 400 : status == form.successStatus())
                    && (form.successText() == null || body.contains(form.successText()));
        }
        if (in) {
            return new Answer(Outcome.ACCEPTED, took, text);
        }
        return new Answer(LOCKED.matcher(AnswerText.of(body)).find() ? Outcome.LOCKED_OUT
                : status >= 500 ? Outcome.NO_ANSWER : Outcome.REFUSED, took, text);
    }

    /**
     * Posts a form (a password change, say) and tells whether the page answered with the text that
     * means done: ACCEPTED then, REFUSED on any other answer, NO_ANSWER when none came.
     */
    public static Answer submit(URI url, java.util.Map<String, String> fields, String successText, Duration timeout) {
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(encode(k)).append('=').append(encode(v)));
        HttpLogin web = new HttpLogin(url, null, timeout);
        long start = System.nanoTime();
        try {
            HttpResponse<String> r = web.client.send(HttpRequest.newBuilder(url).timeout(timeout)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
            String said = r.body() == null ? "" : r.body();
            boolean done = r.statusCode() >= 200 && r.statusCode() < 400 && said.contains(successText);
            return new Answer(done ? Outcome.ACCEPTED : Outcome.REFUSED, Duration.ofNanos(System.nanoTime() - start),
                    "HTTP " + r.statusCode() + ": " + AnswerText.of(said));
        } catch (IOException e) {
            return new Answer(Outcome.NO_ANSWER, Duration.ofNanos(System.nanoTime() - start), AnswerText.of(String.valueOf(e.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(Outcome.NO_ANSWER, Duration.ofNanos(System.nanoTime() - start), "interrupted");
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
