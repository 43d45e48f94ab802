package dev.starbench.bench.update;

import dev.starbench.bench.BenchIoException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;

/**
 * A multipart/form-data POST of the image to the device's update endpoint, as a browser's upload form
 * sends it. The body is built by httpclient5's MultipartEntityBuilder, sent by the JDK's HttpClient;
 * a 2xx status means installed, any other status is a refusal, a dropped connection no answer.
 */
final class HttpUpload implements UpdatePath {
    private final URI url;
    private final String field;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpUpload(String url, String field) {
        this.url = URI.create(url);
        this.field = field;
    }

    @Override
    public Answer push(byte[] image, String fileName, Duration timeout) throws BenchIoException, InterruptedException {
        HttpEntity entity = MultipartEntityBuilder.create()
                .addBinaryBody(field, image, ContentType.APPLICATION_OCTET_STREAM, fileName)
                .build();
        ByteArrayOutputStream body = new ByteArrayOutputStream(image.length + 512);
        try {
            entity.writeTo(body);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory", e);
        }
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", entity.getContentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            String text = "HTTP " + response.statusCode() + " " + UpdatePath.shorten(response.body().strip());
            return new Answer(response.statusCode() / 100 == 2, text);
        } catch (HttpTimeoutException e) {
            return new Answer(null, "no answer within " + timeout.toMillis() + " ms");
        } catch (java.net.ConnectException e) {
            throw new BenchIoException("cannot reach the update endpoint " + url + ": " + e, e);
        } catch (IOException e) {
            return new Answer(null, "connection lost: " + e);
        }
    }

    @Override
    public String describe() {
        return "http-upload: multipart POST to " + url + " (field " + field + ")";
    }
}
