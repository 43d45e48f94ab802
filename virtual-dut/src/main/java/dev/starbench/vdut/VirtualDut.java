package dev.starbench.vdut;

import dev.starbench.vdut.contract.PowerPlug;
import dev.starbench.vdut.contract.Flaw;
import dev.starbench.vdut.contract.ReadyLine;
import dev.starbench.vdut.jtag.DebugPort;
import dev.starbench.vdut.contract.SimulationSettings;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * A simulated IoT camera that the bench drives like hardware: a serial console on a pty, power and
 * buttons over a loopback GPIO bridge (or its supply behind a simulated smart plug, {@code --power-plug}).
 * The simulation is stdin's first line ({@code --simulation -}); the only stdout line is
 * {@code READY tty=... gpio=...}; the process lives until its stdin closes (the bench holds the other
 * end), SIGTERM, or a fatal error.
 */
public final class VirtualDut {
    private static final long PLUG_BROKER_START_NS = 10_000_000_000L;
    private final Options options;
    private final SimulationSettings simulation;
    private FileChannel lockChannel;
    private PtyPair ptys;
    private GpioBridge gpio;
    private Device device;
    private LocalBroker plugBroker;
    private SimulatedPlug plug;
    private DebugPort debugPort;
    private boolean closed;

    private VirtualDut(Options options, SimulationSettings simulation) {
        this.options = options;
        this.simulation = simulation;
    }

    public static void main(String[] args) {
        System.setErr(new PrintStream(new TimestampedLines(new BufferedOutputStream(new FileOutputStream(FileDescriptor.err))), true, StandardCharsets.UTF_8));
        VirtualDut dut;
        try {
            Options options = Options.parse(args);
            dut = new VirtualDut(options, SimulationFile.load(options.simulation(), System.in));
            TrustPolicy.allowOldTlsIfFlawed(dut.simulation);
        } catch (StartupException e) {
            System.err.println("virtual-dut: " + e.getMessage());
            System.exit(e.exitCode());
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(dut::close, "vdut-shutdown"));
        String ready;
        try {
            ready = dut.start();
        } catch (StartupException e) {
            System.err.println("virtual-dut: " + e.getMessage());
            System.exit(e.exitCode());
            return;
        } catch (InterruptedException e) {
            System.exit(StartupException.RUNTIME);
            return;
        }
        System.out.println(ready);
        System.out.flush();
        waitForStdinEof(System.in);
        System.err.println("vdut: stdin closed, shutting down");
        System.exit(0);
    }

    private String start() throws StartupException, InterruptedException {
        Path dir = options.workDir();
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve("vdut.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = lockChannel.tryLock();
            if (lock == null) {
                throw new StartupException(StartupException.RUNTIME, dir + " is in use by another virtual DUT");
            }
        } catch (IOException e) {
            throw new StartupException(StartupException.RUNTIME, "cannot use work dir " + dir + ": " + e.getMessage(), e);
        }
        PersistentState state = PersistentState.open(dir.resolve("state.json"));
        UartLine line = new UartLine(simulation.baud(), options.lineBaud() != 0 ? options.lineBaud() : simulation.baud());
        System.err.println("vdut: work dir " + dir);
        System.err.println("vdut: device UART at " + simulation.baud() + " baud, bench line at " + line.benchBaud());
        synchronized (this) {
            ptys = PtyPair.open(dir);
            Ota ota = simulation.ota() == null ? null : new Ota(simulation, state, dir);
            debugPort = startDebugPort();
            UserData userData = new UserData(dir, simulation.has(Flaw.LOSES_SETTINGS_ON_POWER_CUT),
                    simulation.has(Flaw.RESET_KEEPS_DATA));
            BootEnvironment bootEnvironment = new BootEnvironment(state, simulation.has(Flaw.BRICKS_ON_EARLY_POWER_CUT));
            device = new Device(line.towardsBench(ptys.dutOutput()),
                    (board, accounts) -> new Firmware(simulation, state, ota, userData, bootEnvironment, board, accounts),
                    new NetworkSide(simulation, ota, userData, dir), debugPort, () -> new Accounts(simulation, userData));
            gpio = new GpioBridge(options.wiresByPin(), device, line);
        }
        if (options.plug() != null) {
            startPlug(options.plug());
        }
        ptys.onExit(status -> fatal("socat exited unexpectedly with status " + status));
        ptys.startReading((buf, n) -> {
            byte[] arrived = line.towardsDevice(buf, n);
            device.received(arrived, arrived.length);
        }, () -> fatal("lost the device side of the pty"));
        gpio.start();
        System.err.println("vdut: flaws " + simulation.flawKeys() + ", boot count so far " + state.bootCount());
        return new ReadyLine(ptys.benchLink.toString(), gpio.port()).line();
    }

    /** The lab's broker on loopback, and the plug on it whose relay is the device's supply; both up before READY. */
    private void startPlug(PowerPlug p) throws StartupException, InterruptedException {
        synchronized (this) {
            plugBroker = LocalBroker.anonymous(p.brokerPort());
        }
        try {
            plugBroker.launch();
        } catch (IOException e) {
            throw new StartupException(StartupException.RUNTIME, "cannot start mosquitto for the plug: " + e.getMessage(), e);
        }
        String url = "tcp://127.0.0.1:" + p.brokerPort();
        long deadline = System.nanoTime() + PLUG_BROKER_START_NS;
        while (true) {
            try {
                SimulatedPlug started = SimulatedPlug.start(url, new MqttConnectOptions(), p.firmware(), p.topic(),
                        device::power);
                synchronized (this) {
                    plug = started;
                }
                return;
            } catch (MqttException e) {
                // mosquitto writes nothing when its socket listens; trying to connect is the only sign of it.
                if (System.nanoTime() - deadline > 0) {
                    throw new StartupException(StartupException.RUNTIME, "the plug cannot reach its broker " + url + ": " + e, e);
                }
                Thread.sleep(100);
            }
        }
    }

    /** The probe's socket listens before READY, so the bench can connect OpenOCD as soon as it reads that line. */
    private DebugPort startDebugPort() throws StartupException {
        if (simulation.debugPort() == null) {
            return null;
        }
        try {
            String image = simulation.debugPort().flashImage();
            return DebugPort.start(simulation, image == null ? null : SimulationFile.flashImage(Path.of(image)),
                    s -> System.err.println("vdut: debug: " + s));
        } catch (IOException e) {
            throw new StartupException(StartupException.RUNTIME, e.getMessage(), e);
        }
    }

    private static void waitForStdinEof(InputStream in) {
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) >= 0) {
                // the bench sends nothing; anything it does send is ignored
            }
        } catch (IOException e) {
            // a broken pipe means the same as EOF: the bench is gone
        }
    }

    private static void fatal(String message) {
        System.err.println("virtual-dut: fatal: " + message);
        // Exit from a fresh thread: the caller may be a thread the shutdown hook waits for.
        new Thread(() -> System.exit(StartupException.RUNTIME), "vdut-fatal").start();
    }

    private synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (plug != null) {
            plug.close();
        }
        if (plugBroker != null) {
            plugBroker.stop();
        }
        if (device != null) {
            device.close();
        }
        if (debugPort != null) {
            debugPort.close();
        }
        if (gpio != null) {
            gpio.close();
        }
        if (ptys != null) {
            ptys.close();
        }
        try {
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            // released by the OS on exit anyway
        }
    }
}
