package dev.starbench.bench.net;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.expectThrows;

import com.sun.net.httpserver.HttpServer;
import dev.starbench.bench.BenchIoException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/** A device's web page through a real HTTP server: a form posted, a page read, an endless page capped. */
public class HttpPageTest {
    private HttpServer server;
    private final AtomicReference<String> posted = new AtomicReference<>();
    private URI base;

    @BeforeClass
    public void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/settings", x -> {
            if (x.getRequestMethod().equals("POST")) {
                posted.set(x.getRequestHeaders().getFirst("Content-Type") + " " + new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            }
            byte[] page = ("<input name=label value=\"" + posted.get() + "\">").getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, page.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(page);
            }
        });
        server.createContext("/flood", x -> {
            x.sendResponseHeaders(200, 0);
            try (OutputStream out = x.getResponseBody()) {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 64; i++) {
                    out.write(chunk);
                }
            }
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        server.stop(0);
    }

    @Test
    public void aFormIsPostedUrlEncodedAndThePageReadBack() throws Exception {
        HttpPage page = new HttpPage(Duration.ofSeconds(5));
        Map<String, String> form = new LinkedHashMap<>();
        form.put("label", "sb canary&1");
        form.put("save", "1");
        assertEquals(page.post(base.resolve("/settings"), form).status(), 200);
        assertEquals(posted.get(), "application/x-www-form-urlencoded label=sb+canary%261&save=1");
        assertEquals(page.get(base.resolve("/settings")).body(),
                "<input name=label value=\"application/x-www-form-urlencoded label=sb+canary%261&save=1\">");
    }

    @Test
    public void anEndlessPageIsCapped() throws Exception {
        assertEquals(new HttpPage(Duration.ofSeconds(5)).get(base.resolve("/flood")).body().length(), HttpPage.MAX_BODY);
    }

    @Test
    public void noServerIsABenchIoError() throws Exception {
        int closed;
        try (var s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closed + "/");
        expectThrows(BenchIoException.class, () -> new HttpPage(Duration.ofSeconds(2)).get(nowhere));
    }
}
