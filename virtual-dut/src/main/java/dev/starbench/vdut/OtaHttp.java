package dev.starbench.vdut;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The update endpoint, {@code POST /update} on loopback, up only while the OS runs. Takes a
 * multipart/form-data upload (the first part with a file) or a raw body. The multipart reading is the
 * device's own minimal one, as small embedded web servers have.
 */
final class OtaHttp {
    static final int MAX_UPLOAD = 32 << 20;
    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]{1,70})\"?");

    private final HttpServer server;
    private final ExecutorService threads;

    private OtaHttp(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    static OtaHttp start(int port, Ota ota) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 8);
        ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "ota-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/update", exchange -> handle(exchange, ota));
        server.start();
        return new OtaHttp(server, threads);
    }

    void stop() {
        server.stop(0);
        threads.shutdownNow();
    }

    private static void handle(HttpExchange exchange, Ota ota) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                reply(exchange, 405, "POST an image to /update");
                return;
            }
            byte[] body = readAll(exchange.getRequestBody());
            if (body == null) {
                reply(exchange, 413, "upload larger than " + MAX_UPLOAD + " bytes");
                return;
            }
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            byte[] image = body;
            if (type != null && type.startsWith("multipart/form-data")) {
                Matcher m = BOUNDARY.matcher(type);
                image = m.find() ? firstFilePart(body, m.group(1)) : null;
                if (image == null) {
                    reply(exchange, 400, "no file part in the multipart upload");
                    return;
                }
            }
            Ota.Answer answer = ota.install(image);
            reply(exchange, answer.status(), answer.text());
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
            if (out.size() > MAX_UPLOAD) {
                return null;
            }
        }
        return out.toByteArray();
    }

    /** The content of the first part whose headers name a filename, or null. */
    static byte[] firstFilePart(byte[] body, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] headerEnd = {'\r', '\n', '\r', '\n'};
        int at = indexOf(body, delimiter, 0);
        while (at >= 0) {
            int headersFrom = at + delimiter.length + 2;
            int headersTo = indexOf(body, headerEnd, headersFrom);
            if (headersTo < 0) {
                return null;
            }
            String headers = new String(body, headersFrom, headersTo - headersFrom, StandardCharsets.ISO_8859_1);
            int contentFrom = headersTo + 4;
            int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1), contentFrom);
            if (next < 0) {
                return null;
            }
            if (headers.contains("filename=")) {
                return Arrays.copyOfRange(body, contentFrom, next);
            }
            at = next + 2;
        }
        return null;
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void reply(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
