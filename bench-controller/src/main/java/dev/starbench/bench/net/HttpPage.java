package dev.starbench.bench.net;

import dev.starbench.bench.BenchIoException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A device's web page through the JDK's HTTP client: fetched, or a form posted to it
 * (application/x-www-form-urlencoded). The body is capped: DUT output is hostile.
 */
public final class HttpPage {
    static final int MAX_BODY = 1 << 20;

    /** @param body the first {@link #MAX_BODY} bytes of the answer, as UTF-8 */
    public record Answer(int status, String body) {
    }

    private final HttpClient client;
    private final Duration timeout;

    public HttpPage(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public Answer get(URI url) throws BenchIoException {
        return send(HttpRequest.newBuilder(url).timeout(timeout).GET().build());
    }

    public Answer post(URI url, Map<String, String> form) throws BenchIoException {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private Answer send(HttpRequest request) throws BenchIoException {
        try {
            HttpResponse<java.io.InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream in = r.body()) {
                // Only the first MiB is read: a device that streams forever does not fill the bench's memory.
                return new Answer(r.statusCode(), new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new BenchIoException(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted during " + request.method() + " " + request.uri(), e);
        }
    }
}
