package dev.starbench.doctor;

import dev.starbench.bench.Bench;
import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.serial.Adapters;
import dev.starbench.bench.serial.SerialLink;
import dev.starbench.config.ConfigException;
import dev.starbench.config.ConfigLoader;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Fixture;
import dev.starbench.config.PowerConfig;
import dev.starbench.report.RecordSignature;
import dev.starbench.run.BenchLease;
import dev.starbench.run.LoggingLevels;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * `starbench doctor`: what would make a run INCONCLUSIVE, found before the run. Each check says
 * PASS, WARN or FAIL, and for the last two what to do. Only `--exercise` touches the hardware (it
 * switches the power line once, under the bench's lease); everything else only looks.
 */
public final class Doctor {
    public enum Status { PASS, WARN, FAIL }

    /** @param fix what to do; null for PASS */
    public record Finding(Status status, String check, String detail, String fix) {
        static Finding pass(String check, String detail) {
            return new Finding(Status.PASS, check, detail, null);
        }

        static Finding warn(String check, String detail, String fix) {
            return new Finding(Status.WARN, check, detail, fix);
        }

        static Finding fail(String check, String detail, String fix) {
            return new Finding(Status.FAIL, check, detail, fix);
        }
    }

    /**
     * @param device     the DUT's profile, or null (the virtual fixture needs one to exercise)
     * @param reportsDir where runs will write (space and permission are checked there)
     */
    public record Request(Path fixture, Path device, boolean exercise, Path reportsDir, Path leaseDir) {
    }

    /** @param badInput the fixture or profile did not load: the rest could not be checked against it */
    public record Result(List<Finding> findings, boolean badInput) {
        public boolean failed() {
            return findings.stream().anyMatch(f -> f.status() == Status.FAIL);
        }
    }

    static final long FAIL_BELOW_BYTES = 100L << 20;
    static final long WARN_BELOW_BYTES = 1L << 30;
    private static final long EXERCISE_WAIT_MS = 30_000;
    // An adapter may show a stray byte or two when opened; a console that talks is more than that.
    private static final long TALKING_WHILE_OFF_BYTES = 16;
    private static final int PLUG_BROKER_CONNECT_MS = 3000;

    private final Host host;
    private final List<Finding> findings = new ArrayList<>();

    public Doctor(Host host) {
        this.host = host;
    }

    public Result examine(Request request) {
        findings.clear();
        java();
        Fixture fixture = load("fixture", request.fixture(), ConfigLoader::loadFixture);
        DeviceProfile profile = request.device() == null ? null : load("profile", request.device(), ConfigLoader::loadProfile);
        if (fixture == null || request.device() != null && profile == null) {
            return new Result(List.copyOf(findings), true);
        }
        LoggingLevels.apply(fixture.logging());
        gpio(fixture);
        serial(fixture);
        tools(fixture);
        plugBroker(fixture);
        if (request.exercise()) {
            exercise(fixture, profile, request.leaseDir());
        }
        clock();
        key(fixture.signingKey() != null ? fixture.signingKey() : RecordSignature.defaultKeyFile());
        reports(request.reportsDir());
        return new Result(List.copyOf(findings), false);
    }

    private void java() {
        Runtime.Version v = Runtime.version();
        String where = System.getProperty("java.home");
        if (v.feature() >= 17) {
            findings.add(Finding.pass("java", "Java " + v + " at " + where));
        } else {
            findings.add(Finding.fail("java", "Java " + v + " at " + where + " is older than 17",
                    "sudo apt install default-jre-headless (Java 17 or newer); the starbench launcher picks the newest"));
        }
    }

    private interface Loader<T> {
        T load(Path file) throws ConfigException;
    }

    private <T> T load(String check, Path file, Loader<T> loader) {
        try {
            T loaded = loader.load(file);
            findings.add(Finding.pass(check, file + " loads"));
            return loaded;
        } catch (ConfigException e) {
            findings.add(Finding.fail(check, e.getMessage(), "correct " + (e.field().isEmpty() ? "the file"
                    : "`" + e.field() + "`") + " at " + file + (e.line() > 0 ? " line " + e.line() : "")
                    + "; `starbench validate " + file + "` checks it again"));
            return null;
        }
    }

    // ---- GPIO: the chip, this user's access to it, and the fixture's lines on it

    private void gpio(Fixture fixture) {
        Map<Integer, String> lines = fixture.gpioLines();
        if (fixture.gpio() == null || lines.isEmpty()) {
            findings.add(Finding.pass("gpio", "the fixture drives no GPIO line (" + fixture.power().describe() + ")"));
            return;
        }
        switch (fixture.gpio().provider()) {
            case MOCK -> findings.add(Finding.pass("gpio", "mock provider: " + describe(lines)
                    + " are simulated in this process; no chip to open, nothing else can hold them"));
            case GPIOD -> gpiod(fixture.gpio().chip(), lines);
            case LINUXFS -> linuxfs(lines);
            default -> throw new IllegalStateException("unknown provider " + fixture.gpio().provider());
        }
    }

    private void gpiod(String chip, Map<Integer, String> lines) {
        Path device = host.dev().resolve(chip);
        if (!Files.exists(device)) {
            List<String> chips = gpioChips();
            findings.add(chips.isEmpty()
                    ? Finding.fail("gpio", "no " + device + ": this machine has no GPIO chip at all (a PC, or a kernel"
                            + " without the GPIO driver)", "run on the Raspberry Pi; on a PC use `gpio: {provider: mock}`"
                            + " with the virtual DUT (fixtures/virtual.yaml)")
                    : Finding.fail("gpio", "no " + device + "; this machine has " + String.join(", ", chips),
                            "set gpio.chip to the chip with the pins (`gpioinfo` lists each chip's lines;"
                                    + " on a Pi 5 the header is on the chip labelled pinctrl-rp1)"));
            return;
        }
        String denied = accessProblem(device);
        if (denied != null) {
            findings.add(Finding.fail("gpio", denied, groupFix("gpio") + "; a plain Debian also needs the gpiochip"
                    + " line of /usr/share/doc/starbench/examples/udev/99-starbench.rules"));
            return;
        }
        findings.add(Finding.pass("gpio", device + " opens for reading and writing"));
        linesFree(chip, lines);
    }

    // The kernel knows which lines are held and by whom; gpioinfo reads that for us.
    private void linesFree(String chip, Map<Integer, String> lines) {
        if (host.which("gpioinfo").isEmpty()) {
            findings.add(Finding.warn("gpio lines", "cannot see whether another process holds " + describe(lines)
                    + ": gpioinfo is not installed", "sudo apt install gpiod"));
            return;
        }
        Optional<String> out = host.output(List.of("gpioinfo", chip));
        if (out.isEmpty()) {
            findings.add(Finding.warn("gpio lines", "gpioinfo " + chip + " gave no answer",
                    "run `gpioinfo " + chip + "` by hand to see why"));
            return;
        }
        GpioInfo info = GpioInfo.parse(out.get());
        List<String> problems = new ArrayList<>();
        lines.forEach((pin, field) -> {
            Optional<GpioInfo.Line> line = info.line(pin);
            if (line.isEmpty()) {
                problems.add("GPIO " + pin + " (" + field + ") is not a line of " + chip + " (it has " + info.lines().size() + ")");
            } else if (line.get().used()) {
                problems.add("GPIO " + pin + " (" + field + ") is held by "
                        + (line.get().consumer().isEmpty() ? "an unnamed consumer" : "\"" + line.get().consumer() + "\""));
            }
        });
        if (problems.isEmpty()) {
            findings.add(Finding.pass("gpio lines", describe(lines) + " are free on " + chip));
        } else {
            findings.add(Finding.fail("gpio lines", String.join("; ", problems), "stop what holds the line"
                    + " (`gpioinfo " + chip + "` names it; a run of starbench holds its lines only while it runs),"
                    + " remove the dtoverlay that claims it from /boot/firmware/config.txt (gpio-fan, gpio-shutdown,"
                    + " w1-gpio...), or wire the fixture's line to a free pin"));
        }
    }

    private void linuxfs(Map<Integer, String> lines) {
        Path export = Path.of("/sys/class/gpio/export");
        if (!Files.isWritable(export)) {
            findings.add(Finding.fail("gpio", export + " is missing or not writable: the sysfs GPIO interface is gone"
                    + " from recent kernels", "use `gpio: {provider: gpiod}`"));
            return;
        }
        findings.add(Finding.warn("gpio", "linuxfs provider for " + describe(lines) + ": sysfs GPIO cannot tell"
                + " whether another process uses a line", "use `gpio: {provider: gpiod}` where the kernel has it"));
    }

    private List<String> gpioChips() {
        try (var list = Files.list(host.dev())) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("gpiochip")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String describe(Map<Integer, String> lines) {
        return lines.entrySet().stream().map(e -> "GPIO " + e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
    }

    // ---- the console adapter

    private void serial(Fixture fixture) {
        Fixture.Serial serial = fixture.serial();
        if (fixture.virtualDut() != null) {
            findings.add(Finding.pass("serial", "the virtual DUT brings its console (a pseudo-terminal made at each run)"));
            return;
        }
        if (fixture.qemu() != null) {
            findings.add(Finding.pass("serial", "QEMU's serial port reaches the bench through a socat pseudo-terminal"));
            return;
        }
        Optional<String> found = Adapters.find(serial);
        if (found.isEmpty()) {
            String attached = Adapters.attached().stream().map(Adapters.Adapter::toString).collect(Collectors.joining("; "));
            findings.add(Finding.fail("serial", "no serial adapter " + Adapters.describe(serial) + " is attached"
                    + " (attached: " + (attached.isEmpty() ? "none" : attached) + ")",
                    "plug the adapter in; `starbench ports` lists each attached adapter with its USB serial number"
                            + " and location: copy one into the fixture's serial.usb-serial or serial.usb-location"));
            return;
        }
        Path path = Path.of(found.get());
        String denied = accessProblem(path);
        if (denied != null) {
            findings.add(Finding.fail("serial", denied, groupFix(groupOf(path).filter(g -> !g.equals("root")).orElse("dialout"))));
            return;
        }
        findings.add(Finding.pass("serial", "adapter " + Adapters.describe(serial) + " is " + path
                + " and opens for reading and writing"));
    }

    // ---- programs the fixture needs

    private record Need(String program, String why, String fix) {
    }

    private List<Need> needs(Fixture fixture) {
        List<Need> needs = new ArrayList<>();
        if (fixture.virtualDut() != null || fixture.qemu() != null) {
            needs.add(new Need("socat", "makes the console's pseudo-terminal", "sudo apt install socat"));
        }
        if (fixture.qemu() != null) {
            needs.add(new Need(fixture.qemu().binary(), "runs the emulated board",
                    "sudo apt install qemu-system-arm (or set qemu.binary)"));
        }
        PowerConfig power = fixture.power().settings();
        if (power instanceof PowerConfig.Uhubctl hub) {
            needs.add(new Need(hub.binary(), "switches the DUT's USB hub port",
                    "sudo apt install uhubctl (or set power.uhubctl.binary)"));
        } else if (power instanceof PowerConfig.Command command) {
            Map<String, List<String>> commands = new LinkedHashMap<>();
            commands.put("on", command.on());
            commands.put("off", command.off());
            commands.put("status", command.status());
            Set<String> programs = new HashSet<>();
            commands.forEach((field, argv) -> {
                if (argv != null && programs.add(argv.get(0))) {
                    needs.add(new Need(argv.get(0), "runs the fixture's power.command." + field,
                            "install it, or correct power.command." + field));
                }
            });
        }
        if (fixture.debugProbe() != null) {
            needs.add(new Need(fixture.debugProbe().openocd(), "drives the debug probe for debug.jtag-swd and starbench probe",
                    "sudo apt install openocd (or set debug-probe.openocd)"));
        }
        return needs;
    }

    private void tools(Fixture fixture) {
        List<String> present = new ArrayList<>();
        for (Need need : needs(fixture)) {
            Optional<Path> at = host.which(need.program());
            if (at.isEmpty()) {
                findings.add(Finding.fail("tools", need.program() + " is not installed (it " + need.why() + ")", need.fix()));
            } else {
                present.add(need.program() + " (" + at.get() + ")");
            }
        }
        List<Path> files = new ArrayList<>();
        if (fixture.virtualDut() != null) {
            files.add(fixture.virtualDut().jar());
        }
        if (fixture.qemu() != null) {
            files.add(fixture.qemu().firmware());
        }
        for (Path file : files) {
            if (Files.isReadable(file)) {
                present.add(file.toString());
            } else {
                findings.add(Finding.fail("tools", file + " is missing", file.toString().endsWith(".jar")
                        ? "build it (`mvn -q -DskipTests package` in the repository) or install the starbench package"
                        : "sudo apt install u-boot-qemu (or set qemu.firmware)"));
            }
        }
        if (!present.isEmpty()) {
            findings.add(Finding.pass("tools", String.join(", ", present)));
        }
    }

    // ---- a smart plug's broker, reached as the driver will reach it (the virtual DUT starts its own)

    private void plugBroker(Fixture fixture) {
        if (!(fixture.power().settings() instanceof PowerConfig.MqttPlug plug) || fixture.virtualDut() != null) {
            return;
        }
        Fixture.CloudBroker broker = plug.broker();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(broker.host(), broker.port()), PLUG_BROKER_CONNECT_MS);
            findings.add(Finding.pass("plug broker", broker.url() + " takes connections (" + plug.describe() + ")"));
        } catch (IOException e) {
            findings.add(Finding.fail("plug broker", "cannot connect to " + broker.url() + ": " + e.getMessage(),
                    "check power.mqtt-plug.url and that the lab's broker runs; `starbench power status --fixture "
                            + fixture.source() + "` asks the plug itself"));
        }
    }

    // ---- the power switch (a relay, a plug, QEMU...), switched once

    private void exercise(Fixture fixture, DeviceProfile profile, Path leaseDir) {
        String what = fixture.power().describe();
        try (BenchLease lease = BenchLease.acquire(leaseDir, fixture.benchId(), "doctor-" + ProcessHandle.current().pid(),
                Duration.ofMinutes(5), Clock.systemUTC());
             Bench bench = Bench.open(fixture, profile)) {
            boolean console = fixture.serial().namesAdapter() || fixture.virtualDut() != null || fixture.qemu() != null;
            if (!console) {
                bench.power().on();
                bench.power().off();
                findings.add(Finding.warn("power", what + " switched on and off, but the fixture has no console to see"
                        + " the DUT react", "name the console adapter in serial: to let the doctor see the DUT boot"));
                return;
            }
            long waitMs = profile != null ? Math.min(profile.timeouts().bootMs(), EXERCISE_WAIT_MS) : EXERCISE_WAIT_MS;
            AtomicLong bytes = new AtomicLong();
            AtomicReference<CountDownLatch> afterOn = new AtomicReference<>();
            try (SerialLink link = bench.openSerial((data, length, at) -> {
                bytes.addAndGet(length);
                CountDownLatch armed = afterOn.get();
                if (armed != null) {
                    armed.countDown();
                }
            })) {
                // Off first, for the fixture's off-time: a console that talks while the relay is off is
                // powered some other way.
                bench.power().off();
                bench.power().sleepOffTime();
                long whileOff = bytes.get();
                CountDownLatch reaction = new CountDownLatch(1);
                afterOn.set(reaction);
                Instant on = Instant.now();
                bench.power().on();
                boolean reacted = reaction.await(waitMs, TimeUnit.MILLISECONDS);
                long ms = Duration.between(on, Instant.now()).toMillis();
                bench.power().off();
                if (whileOff >= TALKING_WHILE_OFF_BYTES) {
                    findings.add(Finding.fail("power", "the console sent " + whileOff + " bytes while " + what
                            + " was off: the DUT is powered around the relay", "run the DUT's supply through the"
                            + " relay's contact; check power.pin and power.active-low"));
                } else if (reacted) {
                    findings.add(Finding.pass("power", what + " switched on and off; the console answered " + ms
                            + " ms after power-on"));
                } else {
                    findings.add(Finding.fail("power", what + " switched on, but the console stayed silent for "
                            + waitMs + " ms", "check that the relay sits on the line power.pin names and that"
                            + " power.active-low matches the board (most relay HATs switch on a low line), that the"
                            + " DUT's supply runs through the relay's normally-open contact, and that the adapter's"
                            + " TX, RX and GND reach the DUT's console at its baud rate"));
                }
            }
        } catch (BenchLease.Busy e) {
            findings.add(Finding.fail("power", e.getMessage(), "wait for that run to end; the doctor switches nothing"
                    + " on a bench in use"));
        } catch (BenchIoException e) {
            findings.add(Finding.fail("power", what + ": " + e.getMessage(), "see the gpio and serial lines above"));
        } catch (IOException e) {
            findings.add(Finding.fail("power", "cannot take the bench's lease: " + e.getMessage(),
                    "make the lease directory writable (--lease-dir)"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            findings.add(Finding.fail("power", "interrupted", "run it again"));
        }
    }

    // ---- clock, key, space

    private void clock() {
        Optional<String> ntp = host.output(List.of("timedatectl", "show", "--property=NTPSynchronized", "--value"));
        boolean synced = ntp.map(s -> s.strip().equals("yes")).orElse(false)
                || Files.exists(Path.of("/run/systemd/timesync/synchronized"));
        if (synced) {
            findings.add(Finding.pass("clock", "synchronised (reports carry true times)"));
        } else if (ntp.isPresent()) {
            findings.add(Finding.warn("clock", "not synchronised: reports would carry this machine's guess of the time",
                    "sudo timedatectl set-ntp true (a Pi has no battery clock: it needs the network, or an RTC)"));
        } else {
            findings.add(Finding.warn("clock", "cannot tell whether the clock is synchronised (no answer from timedatectl)",
                    "run an NTP client (systemd-timesyncd, chrony) so reports carry true times"));
        }
    }

    private void key(Path key) {
        if (!Files.exists(key)) {
            Path dir = nearestExisting(key.toAbsolutePath().getParent());
            if (dir == null || !Files.isWritable(dir)) {
                findings.add(Finding.fail("key", key + " does not exist and cannot be made: " + dir + " is not writable by "
                        + user(), "sudo install -d -o " + user() + " -m 0700 " + key.getParent()));
            } else {
                findings.add(Finding.pass("key", key + " is made by the first run (owner-only)"));
            }
            return;
        }
        try {
            PosixFileAttributes a = Files.readAttributes(key, PosixFileAttributes.class);
            Set<PosixFilePermission> mode = a.permissions();
            String owner = a.owner().getName();
            String shown = key + " (" + owner + ":" + a.group().getName() + " " + PosixFilePermissions.toString(mode) + ")";
            if (!owner.equals(user())) {
                findings.add(Finding.fail("key", shown + " belongs to " + owner + ", not to " + user() + " who signs the reports",
                        "sudo chown " + user() + " " + key));
            } else if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"))) {
                findings.add(Finding.fail("key", shown + " is open to others: anyone on this machine could sign"
                        + " reports as this bench", "chmod 600 " + key));
            } else if (!mode.contains(PosixFilePermission.OWNER_READ) || !Files.isReadable(key)) {
                findings.add(Finding.fail("key", shown + " cannot be read by its owner, so no run can sign",
                        "chmod 600 " + key));
            } else {
                String fingerprint = RecordSignature.fingerprintOf(key);
                findings.add(Finding.pass("key", key + " is owner-only; fingerprint " + fingerprint));
            }
        } catch (IOException | RuntimeException e) {
            findings.add(Finding.fail("key", key + " is not a readable Ed25519 key: " + e.getMessage(),
                    "restore it from a backup, or move it aside and let the next run make a new one (reports signed"
                            + " before then verify only with the old " + RecordSignature.publicKeyFile(key).getFileName() + ")"));
        }
    }

    private void reports(Path dir) {
        Path existing = nearestExisting(dir.toAbsolutePath());
        if (existing == null || !Files.isWritable(existing)) {
            findings.add(Finding.fail("reports", (existing == null ? dir : existing) + " is not writable by " + user(),
                    "sudo install -d -o " + user() + " " + dir + " (the package's service writes to /var/lib/starbench/reports)"));
            return;
        }
        try {
            long free = Files.getFileStore(existing).getUsableSpace();
            String detail = String.format("%.1f GiB free for %s", free / (double) (1L << 30), dir);
            if (free < FAIL_BELOW_BYTES) {
                findings.add(Finding.fail("reports", detail + ": a run's transcripts and evidence may not fit",
                        "free space there, or write elsewhere with --out"));
            } else if (free < WARN_BELOW_BYTES) {
                findings.add(Finding.warn("reports", detail, "free some space before long runs (transcripts grow with"
                        + " every boot)"));
            } else {
                findings.add(Finding.pass("reports", detail));
            }
        } catch (IOException e) {
            findings.add(Finding.warn("reports", "cannot tell the free space at " + existing + ": " + e.getMessage(),
                    "check with `df -h " + existing + "`"));
        }
    }

    // ---- helpers

    private String accessProblem(Path path) {
        if (Files.isReadable(path) && Files.isWritable(path)) {
            return null;
        }
        return ownership(path) + ": " + user() + " may not open it for reading and writing";
    }

    private static String ownership(Path path) {
        try {
            PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class);
            return path + " is " + a.owner().getName() + ":" + a.group().getName() + " "
                    + PosixFilePermissions.toString(a.permissions());
        } catch (IOException | UnsupportedOperationException e) {
            return path.toString();
        }
    }

    private static Optional<String> groupOf(Path path) {
        try {
            return Optional.of(Files.readAttributes(path, PosixFileAttributes.class).group().getName());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    private String groupFix(String group) {
        return "sudo usermod -aG " + group + " " + user() + ", then log in again (the starbench service user is in "
                + group + " already)";
    }

    private static String user() {
        return System.getProperty("user.name");
    }

    private static Path nearestExisting(Path path) {
        Path p = path;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p;
    }
}
