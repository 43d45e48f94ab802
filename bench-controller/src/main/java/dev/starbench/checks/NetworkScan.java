package dev.starbench.checks;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.net.PortScanner;
import dev.starbench.bench.net.TcpProbes;
import dev.starbench.bench.net.TcpService;
import dev.starbench.bench.net.UdpProbes;
import dev.starbench.bench.net.UdpService;
import dev.starbench.config.Network;
import dev.starbench.console.Printable;
import dev.starbench.dut.Boot;
import dev.starbench.dut.Dut;
import dev.starbench.report.Measurement;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The DUT's network services as a stranger on its network finds them, taken once the device is up, each
 * named by what it speaks ({@link TcpProbes}, {@link UdpProbes}). Any check may take one:
 * {@code NetworkScan.of(ctx, checkId)} boots the device if it must, waits, scans, writes its steps into the
 * check's evidence and returns the result; {@link #tcp()} and {@link #udp()} hold every port that answered
 * or accepted, {@link #undeclaredTcp()} those the profile does not declare. A scan is the calling check's
 * own (checks keep nothing between them): it takes a few seconds.
 *
 * <p>When the scan starts: services start some time after the OS (20–60 s after power-on on real boards),
 * and a port forwarder (QEMU's user network, a NAT) accepts connections before anything listens behind it,
 * so neither an early scan nor a port that merely accepts proves anything. The scan waits for the boot to
 * reach the OS's login or shell, then for every service the profile declares to answer in its own protocol,
 * and, when the profile gives {@code network.settle-ms}, until that long after power-on. A port that accepts
 * and says nothing is probed again until the settle deadline (power-on plus {@code settle-ms}, else plus the
 * boot timeout) before it is taken for no service. A declared service that has not answered by then is in
 * {@link #unanswered()}: the scan cannot say the device was up.
 *
 * @param startedAfterPowerOn from power-on to the start of the scan
 * @param unanswered          declared services that never answered by the settle deadline
 */
public record NetworkScan(InetAddress address, Network network, List<TcpService> tcp, List<UdpService> udp,
                          Duration startedAfterPowerOn, List<Network.Service> unanswered) {
    private static final Duration SCAN_CONNECT = Duration.ofMillis(300);
    private static final Duration CONNECT = Duration.ofSeconds(1);
    /** A slow device (an emulated one, a loaded one) may take a while to send its banner or its answer. */
    private static final Duration ANSWER = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final int PARALLEL = 64;
    private static final int PARALLEL_PROBES = 16;

    /**
     * Gets the DUT to its OS, waits until it is up as the profile allows, scans {@code network.scan-ports}
     * (TCP) and {@code network.udp-ports}, and journals the steps and the {@code scan-start} measurement.
     * The caller has checked that the profile gives {@code network.address}.
     */
    public static NetworkScan of(CheckContext ctx, String checkId) throws BenchIoException {
        Network network = ctx.profile().network();
        InetAddress address = resolve(network.address());
        Evidence evidence = ctx.evidence();
        Boot boot = ctx.dut().transition(Dut.State.LOGIN, checkId + ": the DUT must run its OS to listen");
        Instant deadline = settleDeadline(ctx, boot);
        PortScanner scanner = new PortScanner(SCAN_CONNECT, ANSWER, PARALLEL);
        TcpProbes tcpProbes = new TcpProbes(CONNECT, ANSWER);
        UdpProbes udpProbes = new UdpProbes(ANSWER);

        List<Network.Service> unanswered = new ArrayList<>(network.services());
        if (!unanswered.isEmpty()) {
            evidence.step("wait for the declared services " + unanswered + " to answer in their protocols, until "
                    + sinceOn(boot, deadline) + " after power-on");
            while (true) {
                unanswered.removeIf(s -> answers(address, s, scanner, tcpProbes, udpProbes));
                if (unanswered.isEmpty() || !Instant.now().isBefore(deadline)) {
                    break;
                }
                sleep(POLL);
            }
            evidence.step(unanswered.isEmpty() ? "every declared service answered " + sinceOn(boot, Instant.now())
                    + " after power-on" : "the declared services " + unanswered + " did not answer by " + sinceOn(boot, deadline)
                    + " after power-on");
        }
        Long settle = network.settleMs();
        boolean noSignal = network.services().isEmpty() && !boot.reachedOs();
        if (settle != null || noSignal) {
            evidence.step(settle != null ? "the profile gives the DUT " + settle + " ms from power-on to start its services"
                    : "no OS prompt and no declared service tell when the DUT is up: waiting out the boot timeout");
            sleep(Duration.between(Instant.now(), deadline));
        }

        Instant start = Instant.now();
        Duration afterPowerOn = Duration.between(boot.poweredOn(), start);
        evidence.step("scan of " + address.getHostAddress() + ", " + afterPowerOn.toMillis() + " ms after power-on"
                + (boot.reachedOs() ? " (the OS prompt came " + boot.bootTime().toMillis() + " ms after it)" : "")
                + ": TCP " + network.scanPorts() + " (connect, banner, then probes), UDP " + udpPorts(network));
        evidence.measurement(Measurement.of("scan-start", afterPowerOn.toMillis(), "ms"));
        List<TcpService> tcp;
        List<UdpService> udp;
        try {
            Map<Integer, TcpService.Kind> promised = new HashMap<>();
            network.services().stream().filter(s -> s.protocol().equals("tcp") && TcpService.Kind.promisedBy(s.name()) != null)
                    .forEach(s -> promised.put(s.port(), TcpService.Kind.promisedBy(s.name())));
            tcp = new ArrayList<>(tcpProbes.classify(address, scanner.scan(address, network.scanPorts().from(),
                    network.scanPorts().to()), PARALLEL_PROBES, promised));
            udp = udpProbes.probe(address, udpPorts(network), PARALLEL_PROBES);
            // An accepting port may be a forwarder whose service starts later: asked again until the deadline.
            while (tcp.stream().anyMatch(s -> !s.kind().service()) && Instant.now().isBefore(deadline)) {
                sleep(POLL);
                for (int i = 0; i < tcp.size(); i++) {
                    TcpService s = tcp.get(i);
                    if (!s.kind().service()) {
                        PortScanner.OpenPort again = scanner.probe(address, s.port());
                        tcp.set(i, again == null ? s : tcpProbes.classify(address, again));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted during the network scan", e);
        }
        evidence.step("scan done " + Duration.between(boot.poweredOn(), Instant.now()).toMillis() + " ms after power-on");
        return new NetworkScan(address, network, List.copyOf(tcp), List.copyOf(udp), afterPowerOn, List.copyOf(unanswered));
    }

    /**
     * By when the DUT's services must be up: power-on plus the profile's {@code network.settle-ms}, or plus
     * its boot timeout when it gives none.
     */
    public static Instant settleDeadline(CheckContext ctx, Boot boot) {
        Long settle = ctx.profile().network() == null ? null : ctx.profile().network().settleMs();
        return boot.poweredOn().plusMillis(settle != null ? settle : ctx.profile().timeouts().bootMs());
    }

    /** The TCP services (anything that speaks) on ports the profile does not declare. */
    public List<TcpService> undeclaredTcp() {
        return tcp.stream().filter(s -> s.kind().service() && !network.declares("tcp", s.port())).toList();
    }

    /** Notes every port found into the evidence, one line each, the peer's words escaped. */
    public void journal(Evidence evidence) {
        for (TcpService s : tcp) {
            evidence.note(describe(s));
        }
        for (UdpService u : udp) {
            evidence.note("UDP port " + u.port() + " " + u.state().label() + ": " + Printable.of(u.detail()));
        }
    }

    /** One line on a TCP port: what it speaks, what it said, and what it gives. */
    public static String describe(TcpService s) {
        return "TCP port " + s.port() + ": " + s.label() + (s.detail().isEmpty() ? "" : " (" + Printable.of(s.detail()) + ")")
                + (s.tls() == null ? "" : "; TLS: " + Printable.of(s.tls()))
                + (s.gives() == null ? "" : "; it gives: " + Printable.of(s.gives()));
    }

    private static boolean answers(InetAddress address, Network.Service s, PortScanner scanner, TcpProbes tcp, UdpProbes udp) {
        if (s.protocol().equals("udp")) {
            try {
                return udp.probe(address, s.port()).state() == UdpService.State.OPEN;
            } catch (IOException e) {
                return false;
            }
        }
        TcpService.Kind promised = TcpService.Kind.promisedBy(s.name());
        if (promised != null && tcp.speaks(address, s.port(), promised)) {
            return true;
        }
        PortScanner.OpenPort open = scanner.probe(address, s.port());
        return open != null && tcp.classify(address, open).kind().service();
    }

    private static List<Integer> udpPorts(Network network) {
        Set<Integer> ports = new LinkedHashSet<>(network.udpPorts());
        network.services().stream().filter(s -> s.protocol().equals("udp")).forEach(s -> ports.add(s.port()));
        return List.copyOf(ports);
    }

    private static String sinceOn(Boot boot, Instant t) {
        return Duration.between(boot.poweredOn(), t).toMillis() + " ms";
    }

    private static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new BenchFault("cannot resolve the DUT's address " + host + ": " + e.getMessage(), e);
        }
    }

    /** Nothing signals that a service has started: the only way to know is to ask again a moment later. */
    private static void sleep(Duration d) throws BenchIoException {
        if (d.isNegative() || d.isZero()) {
            return;
        }
        try {
            // rounded up: a wait "until 20000 ms after power-on" must not end at 19999
            Thread.sleep(d.plusNanos(999_999).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted while waiting for the DUT's services", e);
        }
    }
}
