package dev.starbench.vdut;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The device's web admin page (the JDK's HTTP server) on loopback while it has power, against the
 * device's accounts: {@code GET /admin} behind HTTP Basic, a login form ({@code GET /login}, {@code POST
 * /login} with {@code username} and {@code password}), and a password change ({@code POST /password} with
 * {@code username}, {@code password} and {@code new-password}).
 */
final class WebAdmin {
    static final String WELCOME = "VCAM-1 administration";
    static final String CHANGED = "Password changed";
    private static final String REALM = "VCAM-1";
    private static final int WORKERS = 8;
    private static final int MAX_BODY = 4096;

    private final int port;
    private final Accounts accounts;
    private HttpServer server;
    private ExecutorService workers;

    WebAdmin(int port, Accounts accounts) {
        this.port = port;
        this.accounts = accounts;
    }

    void start() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (IOException e) {
            System.err.println("vdut: web: cannot listen on " + port + ": " + e.getMessage());
            return;
        }
        workers = Executors.newFixedThreadPool(WORKERS, r -> {
            Thread t = new Thread(r, "vdut-web");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.createContext("/admin", this::admin);
        server.createContext("/login", this::login);
        server.createContext("/password", this::password);
        server.start();
        System.err.println("vdut: web admin on http://127.0.0.1:" + port + "/");
    }

    private void admin(HttpExchange x) throws IOException {
        String header = x.getRequestHeaders().getFirst("Authorization");
        String[] credential = basic(header);
        if (credential == null) {
            x.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
            reply(x, 401, page("Authorization required"));
            return;
        }
        Accounts.Answer a = login(credential[0], credential[1]);
        if (a == null) {
            reply(x, 503, page("Shutting down"));
        } else if (a.accepted()) {
            reply(x, 200, page(WELCOME));
        } else {
            x.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
            reply(x, 401, page(a.failure()));
        }
    }

    private void login(HttpExchange x) throws IOException {
        if (!x.getRequestMethod().equals("POST")) {
            reply(x, 200, loginPage(null));
            return;
        }
        Map<String, String> f = fields(x);
        Accounts.Answer a = login(f.getOrDefault("username", ""), f.getOrDefault("password", ""));
        if (a == null) {
            reply(x, 503, page("Shutting down"));
        } else {
            reply(x, 200, a.accepted() ? page(WELCOME) : loginPage(a.failure()));
        }
    }

    private void password(HttpExchange x) throws IOException {
        if (!x.getRequestMethod().equals("POST")) {
            reply(x, 405, page("POST username, password and new-password"));
            return;
        }
        Map<String, String> f = fields(x);
        String neu = f.getOrDefault("new-password", "");
        try {
            String refused = neu.isEmpty() ? Accounts.REFUSED : accounts.change(Accounts.Surface.WEB,
                    f.getOrDefault("username", ""), f.getOrDefault("password", ""), neu);
            reply(x, 200, page(refused == null ? CHANGED : refused));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply(x, 503, page("Shutting down"));
        }
    }

    /** Null when the device is going down. */
    private Accounts.Answer login(String user, String password) {
        try {
            return accounts.login(Accounts.Surface.WEB, user, password);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String[] basic(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon < 0 ? null : new String[] {pair.substring(0, colon), pair.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Map<String, String> fields(HttpExchange x) throws IOException {
        byte[] body = x.getRequestBody().readNBytes(MAX_BODY);
        Map<String, String> fields = new HashMap<>();
        for (String pair : new String(body, StandardCharsets.US_ASCII).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    private static String loginPage(String error) {
        return "<!doctype html><title>VCAM-1</title>" + (error == null ? "" : "<p class=\"error\">" + error + "</p>")
                + "<form method=\"post\" action=\"/login\"><input name=\"username\">"
                + "<input type=\"password\" name=\"password\"><button>Log in</button></form>";
    }

    private static String page(String text) {
        return "<!doctype html><title>VCAM-1</title><h1>" + text + "</h1>";
    }

    private static void reply(HttpExchange x, int status, String html) throws IOException {
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
        if (workers != null) {
            workers.shutdownNow();
            workers = null;
        }
    }
}
