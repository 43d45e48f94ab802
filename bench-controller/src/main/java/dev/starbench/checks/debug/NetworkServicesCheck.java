package dev.starbench.checks.debug;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.net.TcpService;
import dev.starbench.bench.net.UdpService;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.CheckId;
import dev.starbench.checks.Evidence;
import dev.starbench.checks.NetworkScan;
import dev.starbench.checks.NotApplicable;
import dev.starbench.config.Network;
import dev.starbench.console.Printable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * EN 303 645 5.6-1/5.6-4 and 5.5-4: nothing listens on the DUT that its maker does not declare, and no debug
 * service (telnet, adb, gdbserver, a shell) is reachable at all. A {@link NetworkScan} once the device is up:
 * every TCP port of the profile's range named by what it speaks, the usual IoT UDP services probed in their
 * own protocols. Versions in banners are reported; an SNMP agent that answers the community {@code public}
 * fails like a default password.
 */
public class NetworkServicesCheck {
    static final String ID = "debug.network-services";
    static final Pattern VERSION = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{1,30}[ /_-]v?\\d{1,4}\\.\\d{1,3}(?:\\.\\d{1,3})?[A-Za-z0-9.]{0,10}");

    @Test
    @CheckId(ID)
    public void onlyDeclaredServicesListen(ITestContext testContext) throws BenchIoException {
        CheckContext ctx = CheckContext.of(testContext);
        Network network = ctx.profile().network();
        if (network == null || network.address() == null) {
            throw new NotApplicable("the profile gives no network address for the DUT (`network.address`)");
        }
        Evidence evidence = ctx.evidence();
        evidence.step("declared: " + (network.services().isEmpty() ? "none" : network.services()));
        NetworkScan scan = NetworkScan.of(ctx, ID);
        scan.journal(evidence);

        List<String> problems = new ArrayList<>();
        int services = 0;
        for (TcpService s : scan.tcp()) {
            if (!s.kind().service()) {
                continue;
            }
            services++;
            String version = version(s.detail() + "\n" + s.said());
            if (version != null) {
                evidence.finding("TCP port " + s.port() + " discloses a version: " + Printable.of(version));
            }
            String what = "TCP port " + s.port() + ": " + s.label()
                    + (s.gives() == null ? "" : " (" + Printable.of(s.gives()) + ")");
            if (s.kind().debug()) {
                problems.add(what + " reachable");
            } else if (!network.declares("tcp", s.port())) {
                problems.add(what + (s.kind() == TcpService.Kind.OTHER ? " \"" + Printable.of(s.detail()) + "\"" : "")
                        + " open but not declared");
            } else {
                declaredAs(network, s, evidence);
            }
        }
        for (UdpService u : scan.udp()) {
            if (u.state() != UdpService.State.OPEN) {
                continue;
            }
            services++;
            String what = "UDP port " + u.port() + ": " + (u.protocol() == null ? "a service" : u.protocol());
            if (!network.declares("udp", u.port())) {
                problems.add(what + " answers but is not declared (" + Printable.of(u.detail()) + ")");
            }
            if ("SNMP".equals(u.protocol())) {
                problems.add(what + " answers the default community 'public'");
            }
        }
        if (!problems.isEmpty()) {
            problems.forEach(evidence::finding);
            throw new AssertionError(String.join("; ", problems));
        }
        if (!scan.unanswered().isEmpty()) {
            throw new BenchFault("the declared services " + scan.unanswered() + " did not answer by the settle deadline (`network"
                    + ".settle-ms`, else the boot timeout, after power-on): the DUT was not seen up, so a scan that found"
                    + " nothing wrong proves nothing");
        }
        evidence.finding(services + " service(s) answer in TCP " + network.scanPorts() + " and on the probed UDP ports, all declared,"
                + " none a debug service; the scan started " + scan.startedAfterPowerOn().toMillis() + " ms after power-on");
    }

    /** A software version in a banner; the protocol's own version (SSH-2.0, HTTP/1.1) says nothing about the software. */
    static String version(String banner) {
        Matcher v = VERSION.matcher(banner);
        while (v.find()) {
            if (!v.group().startsWith("SSH-") && !v.group().startsWith("HTTP/")) {
                return v.group();
            }
        }
        return null;
    }

    /** A declared port whose name is a protocol the bench knows, speaking another, is worth a note. */
    private static void declaredAs(Network network, TcpService s, Evidence evidence) {
        for (Network.Service d : network.services()) {
            String name = d.name().toLowerCase(Locale.ROOT);
            boolean known = List.of("ssh", "mqtt", "http", "telnet").contains(name);
            if (d.port() == s.port() && d.protocol().equals("tcp") && known && !name.equals(s.kind().name().toLowerCase(Locale.ROOT))) {
                evidence.note("TCP port " + s.port() + " is declared as " + d.name() + " but speaks " + s.kind().label());
            }
        }
    }
}
