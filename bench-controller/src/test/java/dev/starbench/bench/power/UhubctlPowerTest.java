package dev.starbench.bench.power;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import dev.starbench.bench.BenchIoException;
import dev.starbench.config.PowerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

/**
 * The uhubctl driver with a stand-in {@code uhubctl} (there is no USB hub on a build machine) that
 * prints what uhubctl 2.5 prints for a USB3 hub with its USB2 twin: both hubs' blocks, the "Sent power"
 * line and the "New status" after an action.
 */
public class UhubctlPowerTest {
    private Path dir;
    private Path fake;

    @BeforeMethod
    public void fakeUhubctl() throws Exception {
        dir = Files.createTempDirectory("starbench-uhubctl");
        Files.writeString(dir.resolve("state"), "on\n");
        fake = dir.resolve("uhubctl");
        Files.writeString(fake, """
                #!/bin/sh
                # uhubctl -l LOC -p PORT [-a on|off]: the real tool's report for a VIA Labs USB3 hub and its USB2 twin
                state_file="%s"
                loc= port= action=
                while [ $# -gt 0 ]; do
                  case "$1" in -l) loc=$2; shift;; -p) port=$2; shift;; -a) action=$2; shift;; esac; shift
                done
                if [ "$loc" != "1-1.3" ]; then echo "No compatible devices detected at location $loc!"; echo "Run with -h to get usage info."; exit 1; fi
                block() {
                  read s < "$state_file"
                  echo "$1 status for hub 1-1.3 [2109:2817 VIA Labs, Inc. USB2.0 Hub, USB 2.10, 4 ports, ppps]"
                  if [ "$s" = on ]; then echo "  Port $port: 0503 power highspeed enable connect [0403:6001 FTDI FT232R USB UART A50285BI]"
                  else echo "  Port $port: 0000 off"; fi
                  echo "$1 status for hub 2-1.3 [2109:0817 VIA Labs, Inc. USB3.0 Hub, USB 3.20, 4 ports, ppps]"
                  if [ "$s" = on ]; then echo "  Port $port: 02a0 power 5gbps Rx.Detect"; else echo "  Port $port: 02a0 power 5gbps Rx.Detect"; fi
                }
                block Current
                if [ -n "$action" ]; then
                  [ -f "%s" ] || echo "$action" > "$state_file"
                  echo "Sent power $action request"
                  block New
                fi
                """.formatted(dir.resolve("state"), dir.resolve("stuck")));
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
    }

    private UhubctlPower power(String location) {
        return new UhubctlPower(new PowerConfig.Uhubctl(fake.toString(), location, 2, 5000), Duration.ZERO);
    }

    @Test
    public void thePortIsSwitchedAndReadFromUhubctlsNewStatusForTheExactHub() throws Exception {
        UhubctlPower power = power("1-1.3");
        PowerState now = power.status();
        assertEquals(now, PowerState.confirmed(true, "hub 1-1.3 Port 2: 0503 power highspeed enable connect"
                + " [0403:6001 FTDI FT232R USB UART A50285BI]"));

        // The USB3 twin's block (2-1.3) reads "power" in this stand-in: only the fixture's hub 1-1.3 counts.
        PowerState off = power.off();
        assertEquals(off, PowerState.confirmed(false, "hub 1-1.3 Port 2: 0000 off"));
        assertEquals(Files.readString(dir.resolve("state")), "off\n");
        assertEquals(power.on().level(), PowerState.Level.ON);
    }

    @Test
    public void aPortThatStaysPoweredIsABenchFault() throws Exception {
        Files.writeString(dir.resolve("stuck"), "");
        BenchIoException e = expectThrows(BenchIoException.class, () -> power("1-1.3").off());
        assertEquals(e.getMessage(), "USB hub 1-1.3 port 2 (uhubctl): uhubctl was told to switch the port off, but the"
                + " read-back says on: hub 1-1.3 Port 2: 0503"
                + " power highspeed enable connect [0403:6001 FTDI FT232R USB UART A50285BI]");
    }

    @Test
    public void aHubThatIsNotThereIsUnknownWithUhubctlsWords() {
        PowerState s = power("1-4").status();
        assertEquals(s.level(), PowerState.Level.UNKNOWN);
        assertTrue(s.detail().matches("`" + fake + " -l 1-4 -p 2` exited 1 in \\d+ ms: No compatible devices detected at"
                + " location 1-4! \\| Run with -h to get usage info\\."), s.detail());
        String e = expectThrows(BenchIoException.class, () -> power("1-4").on()).getMessage();
        assertTrue(e.startsWith("USB hub 1-4 port 2 (uhubctl): uhubctl was told to switch the port on, but the read-back"
                + " says unknown: `" + fake + " -l 1-4 -p 2 -a on` exited 1"), e);
    }
}
