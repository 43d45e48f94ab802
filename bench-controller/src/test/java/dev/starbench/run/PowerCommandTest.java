package dev.starbench.run;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import dev.starbench.bench.power.LabBroker;
import dev.starbench.vdut.SimulatedPlug;
import dev.starbench.vdut.contract.PowerPlug;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

/** `starbench power on|off|cycle|status` as a technician runs it: the drivers of a run, under the bench's lease. */
public class PowerCommandTest {
    private Path dir;

    @BeforeMethod
    public void tempDir() throws Exception {
        dir = Files.createTempDirectory("starbench-power-cli");
    }

    private CliTest.Captured power(String action, Path fixture) {
        return CliTest.cli("power", action, "--fixture", fixture.toString(), "--lease-dir", dir.resolve("leases").toString());
    }

    /** A bench whose outlet is switched by the lab's own scripts, its state kept in a file. */
    private Path commandFixture() throws Exception {
        Path outlet = Files.writeString(dir.resolve("outlet"), "off\n");
        Path sw = dir.resolve("outlet-switch");
        Files.writeString(sw, "#!/bin/sh\necho \"$1\" > \"" + outlet + "\"\n");
        Path status = dir.resolve("outlet-status");
        Files.writeString(status, "#!/bin/sh\ncat \"" + outlet + "\"\n");
        for (Path p : new Path[] {sw, status}) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        }
        return Files.writeString(dir.resolve("command-bench.yaml"), """
                bench-id: command-bench
                power:
                  driver: command
                  off-time-ms: 10
                  command:
                    on: [%s, "on"]
                    off: [%s, "off"]
                    status: [%s]
                serial: {path: /dev/ttyUSB0}
                """.formatted(sw, sw, status));
    }

    @Test
    public void onOffCycleAndStatusSwitchAndReadTheOutlet() throws Exception {
        Path fixture = commandFixture();
        CliTest.Captured on = power("on", fixture);
        assertEquals(on.exit(), 0, on.err());
        assertTrue(on.out().startsWith("DUT power: on, confirmed (power on: `" + dir.resolve("outlet-switch") + " on` exited 0"),
                on.out());
        assertEquals(Files.readString(dir.resolve("outlet")), "on\n");

        CliTest.Captured status = power("status", fixture);
        assertEquals(status.exit(), 0);
        assertTrue(status.out().startsWith("DUT power: on, confirmed (`" + dir.resolve("outlet-status") + "` exited 0"),
                status.out());
        assertEquals(power("off", fixture).exit(), 0);
        assertEquals(Files.readString(dir.resolve("outlet")), "off\n");
        assertEquals(power("cycle", fixture).exit(), 0);
        assertEquals(Files.readString(dir.resolve("outlet")), "on\n");
    }

    @Test
    public void aTasmotaPlugIsSwitchedAndAPlugThatIsGoneIsUnknownWithExit2() throws Exception {
        try (LabBroker broker = LabBroker.start(dir, false, null, null)) {
            AtomicBoolean relay = new AtomicBoolean();
            Path fixture = Files.writeString(dir.resolve("plug-bench.yaml"), """
                    bench-id: plug-bench
                    power:
                      driver: mqtt-plug
                      mqtt-plug: {url: %s, firmware: tasmota, topic: bench-plug, confirm-timeout-ms: 1000}
                    serial: {path: /dev/ttyUSB0}
                    """.formatted(broker.url()));
            try (SimulatedPlug plug = SimulatedPlug.start(broker.url(), new MqttConnectOptions(),
                    PowerPlug.Firmware.TASMOTA, "bench-plug", relay::set)) {
                CliTest.Captured on = power("on", fixture);
                assertEquals(on.exit(), 0, on.out() + on.err());
                assertEquals(on.out(), "DUT power: on, confirmed (the plug reported stat/bench-plug/RESULT {\"POWER\":\"ON\"})\n");
                assertTrue(relay.get());
                plug.dropOff();
                CliTest.Captured gone = power("status", fixture);
                assertEquals(gone.exit(), 2, gone.out());
                assertTrue(gone.out().startsWith("DUT power: UNKNOWN ("), gone.out());
                assertTrue(relay.get(), "the plug stays where the technician put it");
            }
        }
    }

    @Test
    public void aBusyBenchExits4() throws Exception {
        Path fixture = commandFixture();
        try (BenchLease held = BenchLease.acquire(dir.resolve("leases"), "command-bench", "a-run", Duration.ofMinutes(5),
                Clock.systemUTC())) {
            CliTest.Captured c = power("on", fixture);
            assertEquals(c.exit(), 4);
            assertTrue(c.err().contains("bench command-bench is busy: run a-run"), c.err());
        }
        assertEquals(Files.readString(dir.resolve("outlet")), "off\n", "nothing switched");
    }

    @Test
    public void aVirtualFixtureHasNoSupplyToSwitchFromOutsideARun() {
        CliTest.Captured c = power("on", VirtualBench.fixture());
        assertEquals(c.exit(), 3);
        assertTrue(c.err().contains("exists only while a run or `starbench console` holds the bench"), c.err());
    }

    @Test
    public void aRelayBenchCannotBeReadWithoutDrivingItsLine() {
        CliTest.Captured c = power("status", VirtualBench.root().resolve("fixtures/pi-relay-hat.yaml"));
        assertEquals(c.exit(), 2);
        assertEquals(c.out(), "DUT power: UNKNOWN (the gpio-relay driver cannot read a relay line without driving it, and"
                + " nothing senses the supply)\n");
    }
}
