package dev.starbench.checks.debug;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.net.PortScanner;
import dev.starbench.checks.BenchFault;
import dev.starbench.checks.CheckContext;
import dev.starbench.checks.CheckId;
import dev.starbench.checks.Evidence;
import dev.starbench.checks.NotApplicable;
import dev.starbench.config.Network;
import dev.starbench.console.Printable;
import dev.starbench.dut.Dut;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testng.ITestContext;
import org.testng.annotations.Test;

/**
 * EN 303 645 5.6-1/5.6-4 and 5.5-4: nothing listens on the DUT that its maker does not declare, and
 * no debug service (telnet, adb, gdbserver) is reachable at all. A TCP scan of the profile's range,
 * each open port's banner grabbed; version strings in banners are reported.
 */
public class NetworkServicesCheck {
    static final Pattern VERSION = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{1,30}[ /_-]v?\\d{1,3}\\.\\d{1,3}(?:\\.\\d{1,3})?[A-Za-z0-9.]{0,10}");
    private static final int ADB = 5555;

    @Test
    @CheckId("debug.network-services")
    public void onlyDeclaredServicesListen(ITestContext testContext) throws BenchIoException, InterruptedException {
        CheckContext ctx = CheckContext.of(testContext);
        Network network = ctx.profile().network();
        if (network == null || network.address() == null) {
            throw new NotApplicable("the profile gives no network address for the DUT (`network.address`)");
        }
        Evidence evidence = ctx.evidence();
        InetAddress address;
        try {
            address = InetAddress.getByName(network.address());
        } catch (UnknownHostException e) {
            throw new BenchFault("cannot resolve the DUT's address " + network.address() + ": " + e.getMessage(), e);
        }
        // Services start with the OS; a scan before that would find nothing and prove nothing.
        ctx.dut().transition(Dut.State.LOGIN, "debug.network-services: the DUT must run its OS to listen");
        Network.PortRange range = network.scanPorts();
        evidence.step("TCP connect scan of " + address.getHostAddress() + " ports " + range + " with banner grab; declared: "
                + (network.services().isEmpty() ? "none" : network.services().stream()
                .map(s -> s.port() + " (" + s.name() + ")").toList()));
        List<PortScanner.OpenPort> open = new PortScanner(Duration.ofMillis(300), Duration.ofMillis(700), 64)
                .scan(address, range.from(), range.to());
        List<String> problems = new ArrayList<>();
        for (PortScanner.OpenPort p : open) {
            String banner = Printable.of(p.banner());
            String kind = kind(p);
            evidence.note("port " + p.port() + " open" + (kind == null ? "" : " (" + kind + ")")
                    + (banner.isBlank() ? ", no banner" : ", banner: " + banner));
            Matcher v = VERSION.matcher(p.banner());
            if (v.find()) {
                evidence.finding("port " + p.port() + " discloses a version in its banner: " + v.group());
            }
            if (kind != null) {
                problems.add("port " + p.port() + ": " + kind + " reachable");
            } else if (!network.declares(p.port())) {
                problems.add("port " + p.port() + ": open but not declared");
            }
        }
        if (!problems.isEmpty()) {
            problems.forEach(evidence::finding);
            throw new AssertionError(String.join("; ", problems));
        }
        evidence.finding(open.size() + " open port(s) in " + range + ", all declared, none a debug service");
    }

    static String kind(PortScanner.OpenPort p) {
        if (p.port() == 23 || p.port() == 2323 || p.telnetNegotiation()) {
            return "telnet";
        }
        if (p.port() == ADB) {
            return "adb";
        }
        if (p.answersGdb() || p.banner().startsWith("$") || p.banner().contains("gdbserver")) {
            return "gdbserver";
        }
        return null;
    }
}
