package dev.starbench.checks.auth;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.login.HttpLogin;
import dev.starbench.bench.login.LoginClient;
import dev.starbench.bench.login.MqttLogin;
import dev.starbench.bench.login.SshLogin;
import dev.starbench.bench.login.TelnetLogin;
import dev.starbench.bench.net.AnyCertificate;
import dev.starbench.bench.net.PortScanner;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.Evidence;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.LoginSurface;
import dev.starbench.config.Network;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The login surfaces an auth check tries: those the profile's {@code logins:} declares, and those a scan
 * of {@code network.scan-ports} finds that it does not (an SSH banner, telnet option negotiation, or a
 * page that asks for HTTP Basic at {@code /}), named as undeclared. The scan is the check's own, so the
 * auth family depends on nothing another check leaves behind.
 */
final class AuthSurfaces implements AutoCloseable {
    /** One prompt of a login may take this long beyond the surface's declared failure delay. */
    static final Duration ANSWER_SLACK = Duration.ofSeconds(10);

    private final CheckContext ctx;
    private final List<AuthSurface> declared;
    private List<AuthSurface> undeclared;

    private AuthSurfaces(CheckContext ctx, List<AuthSurface> declared) {
        this.ctx = ctx;
        this.declared = declared;
    }

    List<AuthSurface> declared() {
        return declared;
    }

    /**
     * The surfaces a scan finds that the profile does not declare: asked for after the declared ones are
     * done, when the device has run long enough for a late service to be up (a port QEMU forwards accepts
     * a connection before anything in the guest listens, so an open port alone says nothing).
     */
    List<AuthSurface> undeclared() throws BenchIoException {
        if (undeclared == null) {
            Network network = ctx.profile().network();
            List<Integer> ports = declared.stream().filter(s -> s.declared().port() != null).map(s -> s.declared().port()).toList();
            undeclared = network == null || network.address() == null ? List.of()
                    : undeclared(ctx, network, ports, timeout(LoginSurface.DEFAULT_MIN_FAILURE_DELAY_MS));
            ctx.evidence().step("undeclared login surfaces: " + (undeclared.isEmpty() ? "none"
                    : String.join(", ", undeclared.stream().map(AuthSurface::label).toList())));
        }
        return undeclared;
    }

    /** Gets the device booted, makes a client per declared surface and waits for each to be reachable. */
    static AuthSurfaces open(CheckContext ctx, String checkId, SplittableRandom random) throws BenchIoException {
        DeviceProfile profile = ctx.profile();
        Evidence evidence = ctx.evidence();
        DeviceAccess.booted(ctx, checkId + ": the login surfaces run while the DUT's OS does");
        List<AuthSurface> surfaces = new ArrayList<>();
        for (int i = 0; i < profile.logins().size(); i++) {
            LoginSurface l = profile.logins().get(i);
            surfaces.add(new AuthSurface(l, l.surface(), client(ctx, l, random), i));
        }
        for (AuthSurface s : surfaces) {
            if (s.kind() == LoginSurface.Kind.CONSOLE) {
                ((ConsoleLogin) s.client()).toLoginPrompt();
            } else {
                awaitOpen(host(profile, s.declared()), s.declared().port(), profile.timeouts().bootMs(), s.label());
            }
        }
        evidence.step("declared login surfaces: " + (surfaces.isEmpty() ? "none"
                : String.join(", ", surfaces.stream().map(AuthSurface::label).toList())));
        return new AuthSurfaces(ctx, surfaces);
    }

    static Duration timeout(long minFailureDelayMs) {
        return Duration.ofMillis(minFailureDelayMs).multipliedBy(3).plus(ANSWER_SLACK);
    }

    private static LoginClient client(CheckContext ctx, LoginSurface l, SplittableRandom random) {
        Duration timeout = timeout(l.minFailureDelayMs());
        String host = host(ctx.profile(), l);
        return switch (l.surface()) {
            case CONSOLE -> new ConsoleLogin(ctx.dut().console(), timeout);
            case TELNET -> new TelnetLogin(host, l.port(), timeout);
            case SSH -> new SshLogin(host, l.port(), timeout);
            case MQTT -> new MqttLogin(host, l.port(), l.tls() ? new AnyCertificate().socketFactory() : null, timeout, clientIds(random));
            case HTTP_BASIC -> HttpLogin.basic(l.url(), timeout);
            case HTTP_FORM -> HttpLogin.form(l.url(), new HttpLogin.Form(l.userField(), l.passwordField(), l.successText(),
                    l.successStatus()), timeout);
        };
    }

    /** MQTT client ids from the check's seed, so a rerun sends the same ones. */
    private static Supplier<String> clientIds(SplittableRandom random) {
        SplittableRandom own = random.split();
        return () -> {
            synchronized (own) {
                return "sb-" + Long.toHexString(own.nextLong() >>> 16);
            }
        };
    }

    static String host(DeviceProfile profile, LoginSurface l) {
        return l.url() != null ? l.url().getHost() : profile.network().address();
    }

    private static List<AuthSurface> undeclared(CheckContext ctx, Network network, List<Integer> declaredPorts, Duration timeout)
            throws BenchIoException {
        InetAddress address;
        try {
            address = InetAddress.getByName(network.address());
        } catch (UnknownHostException e) {
            throw new BenchFault("cannot resolve the DUT's address " + network.address() + ": " + e.getMessage(), e);
        }
        Network.PortRange range = network.scanPorts();
        ctx.evidence().step("TCP scan of " + address.getHostAddress() + " ports " + range + " for login surfaces the profile does"
                + " not declare (an SSH banner, telnet negotiation, HTTP Basic at /)");
        List<PortScanner.OpenPort> open;
        try {
            // A banner gets 3 s: a busy device (or one emulated under TCG) is slow to greet, and a telnetd that
            // has not said its negotiation yet looks like any silent port.
            open = new PortScanner(Duration.ofMillis(300), Duration.ofMillis(3000), 64).scan(address, range.from(), range.to());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted during the scan", e);
        }
        List<AuthSurface> found = new ArrayList<>();
        String host = address.getHostAddress();
        for (PortScanner.OpenPort p : open) {
            if (declaredPorts.contains(p.port())) {
                continue;
            }
            if (p.banner().startsWith("SSH-")) {
                found.add(new AuthSurface(null, LoginSurface.Kind.SSH, new SshLogin(host, p.port(), timeout), -1));
            } else if (p.telnetNegotiation() || p.port() == 23 || p.port() == 2323) {
                found.add(new AuthSurface(null, LoginSurface.Kind.TELNET, new TelnetLogin(host, p.port(), timeout), -1));
            } else if (asksForBasic(URI.create("http://" + host + ":" + p.port() + "/"))) {
                found.add(new AuthSurface(null, LoginSurface.Kind.HTTP_BASIC,
                        HttpLogin.basic(URI.create("http://" + host + ":" + p.port() + "/"), timeout), -1));
            }
        }
        return found;
    }

    /** Whether a page answers 401 with a Basic challenge: a login surface, whatever else the port serves. */
    private static boolean asksForBasic(URI url) {
        try {
            HttpResponse<Void> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 401 && r.headers().firstValue("WWW-Authenticate").orElse("").toLowerCase(Locale.ROOT).startsWith("basic");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Services start with the OS, some seconds after it: the only signal is the port opening, polled to a deadline. */
    static void awaitOpen(String host, int port, long timeoutMs, String label) throws BenchIoException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 1000);
                return;
            } catch (IOException e) {
                last = e;
                try {
                    Thread.sleep(200);
                } catch (InterruptedException i) {
                    Thread.currentThread().interrupt();
                    throw new BenchIoException("interrupted while waiting for " + label, i);
                }
            }
        }
        throw new BenchFault(label + ": " + host + ":" + port + " did not accept a TCP connection within " + timeoutMs
                + " ms of the boot (" + (last == null ? "" : last.getMessage()) + ")");
    }

    @Override
    public void close() {
        declared.forEach(AuthSurface::close);
        if (undeclared != null) {
            undeclared.forEach(AuthSurface::close);
        }
    }
}
