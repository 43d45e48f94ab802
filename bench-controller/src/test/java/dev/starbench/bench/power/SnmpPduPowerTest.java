package dev.starbench.bench.power;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import dev.starbench.bench.BenchIoException;
import dev.starbench.config.PowerConfig;
import dev.starbench.config.PowerConfig.SnmpPdu.AuthProtocol;
import dev.starbench.config.PowerConfig.SnmpPdu.PrivProtocol;
import dev.starbench.config.PowerConfig.SnmpPdu.Version;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

/**
 * The snmp-pdu driver against a real net-snmp {@code snmpd} of the test's own, on a high loopback
 * port: APC's outlet-control OID (sPDUOutletCtl.3: 1 on, 2 off) is a writable scalar through snmpd's
 * {@code pass} hook, backed by a file, as a PDU's outlet is backed by its relay. SNMP v2c with a
 * read-write and a read-only community, and v3 (USM, SHA-256 and AES).
 */
public class SnmpPduPowerTest {
    private static final String OUTLET = "1.3.6.1.4.1.318.1.1.4.4.2.1.3.3";
    private static final String AUTH = "auth-pass-for-pdu";
    private static final String PRIV = "priv-pass-for-pdu";

    private Path dir;
    private Path state;
    private Process snmpd;
    private int port;

    @BeforeClass
    public void startSnmpd() throws Exception {
        dir = Files.createTempDirectory("starbench-snmpd");
        state = dir.resolve("outlet");
        Path outlet = dir.resolve("outlet.sh");
        // snmpd's pass protocol: -g OID (get), -n OID (next), -s OID TYPE VALUE (set); a get answers OID, type, value.
        Files.writeString(outlet, """
                #!/bin/sh
                STATE="%s"; STUCK="%s"; BASE=.1.3.6.1.4.1.318.1.1.4.4.2.1.3; OID=$BASE.3
                case "$1" in
                  -g) [ "$2" = "$OID" ] && { echo "$OID"; echo integer; cat "$STATE"; } ;;
                  -n) case "$2" in "$BASE"|"$BASE".[12]) echo "$OID"; echo integer; cat "$STATE";; esac ;;
                  -s) if [ "$2" != "$OID" ]; then echo not-writable
                      elif [ "$3" != integer ]; then echo wrong-type
                      else case "$4" in 1|2) [ -f "$STUCK" ] || echo "$4" > "$STATE";; *) echo wrong-value;; esac; fi ;;
                esac
                """.formatted(state, dir.resolve("stuck")));
        Files.setPosixFilePermissions(outlet, PosixFilePermissions.fromString("rwx------"));
        try (DatagramSocket s = new DatagramSocket(0)) {
            port = s.getLocalPort();
        }
        Path conf = Files.writeString(dir.resolve("snmpd.conf"), """
                agentAddress udp:127.0.0.1:%d
                rwcommunity private 127.0.0.1
                rocommunity public 127.0.0.1
                createUser pdu-admin SHA-256 "%s" AES "%s"
                rwuser pdu-admin priv
                pass .1.3.6.1.4.1.318.1.1.4.4.2.1.3 %s
                """.formatted(port, AUTH, PRIV, outlet));
        ProcessBuilder pb = new ProcessBuilder(snmpdBinary(), "-f", "-Lo", "-C", "-c", conf.toString())
                .redirectErrorStream(true);
        pb.environment().put("SNMP_PERSISTENT_DIR", dir.resolve("persist").toString());
        pb.environment().put("MIBS", "");
        snmpd = pb.start();
        awaitReady();
    }

    private static String snmpdBinary() {
        return Files.isExecutable(Path.of("/usr/sbin/snmpd")) ? "/usr/sbin/snmpd" : "snmpd";
    }

    /** snmpd prints its version once its listeners are open (with -Lo, to stdout). */
    private void awaitReady() throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(snmpd.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder said = new StringBuilder();
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    said.append(line).append('\n');
                    if (line.startsWith("NET-SNMP version")) {
                        return true;
                    }
                }
            } catch (java.io.IOException e) {
                // reported below
            }
            return false;
        });
        if (!ready.get(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("snmpd did not start: " + said);
        }
        // Keep reading, so snmpd never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // its log of connections
                }
            } catch (java.io.IOException e) {
                // gone
            }
        });
        drain.setDaemon(true);
        drain.start();
    }

    @AfterClass(alwaysRun = true)
    public void stopSnmpd() throws Exception {
        if (snmpd != null) {
            snmpd.destroy();
            snmpd.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @BeforeMethod
    public void outletOff() throws Exception {
        Files.writeString(state, "2\n");
        Files.deleteIfExists(dir.resolve("stuck"));
    }

    private PowerConfig.SnmpPdu v2c(String community, long timeoutMs) {
        return new PowerConfig.SnmpPdu("127.0.0.1", port, Version.V2C, community, null, null, null, null, null, OUTLET, 1,
                2, OUTLET, 1, 2, timeoutMs, 0, 1000);
    }

    private PowerConfig.SnmpPdu v3(String authPassword) {
        return new PowerConfig.SnmpPdu("127.0.0.1", port, Version.V3, null, "pdu-admin", AuthProtocol.SHA256, authPassword,
                PrivProtocol.AES128, PRIV, OUTLET, 1, 2, OUTLET, 1, 2, 1000, 0, 1000);
    }

    @Test
    public void v2cSwitchesTheOutletAndReadsItBack() throws Exception {
        try (SnmpPduPower power = SnmpPduPower.open(v2c("private", 2000), Duration.ZERO)) {
            assertEquals(power.status(), PowerState.confirmed(false, OUTLET + " = 2 (off)"));
            PowerState on = power.on();
            assertEquals(on, PowerState.confirmed(true, "set " + OUTLET + " = 1 (answered 1); then " + OUTLET + " = 1 (on)"));
            assertEquals(Files.readString(state).strip(), "1");
            assertFalse(power.off().isOn());
            assertEquals(Files.readString(state).strip(), "2");
        }
    }

    @Test
    public void v3WithAuthenticationAndPrivacySwitchesTheOutlet() throws Exception {
        try (SnmpPduPower power = SnmpPduPower.open(v3(AUTH), Duration.ZERO)) {
            assertTrue(power.on().isOn());
            assertEquals(Files.readString(state).strip(), "1");
            assertEquals(power.status().basis(), PowerState.Basis.CONFIRMED);
            assertEquals(power.describe(), "PDU outlet " + OUTLET + " at 127.0.0.1:" + port + " (SNMP v3)");
        }
    }

    @Test
    public void aWrongV3PasswordIsNamedAndNotShown() {
        String wrong = "not-the-auth-pass";
        BenchIoException e = expectThrows(BenchIoException.class, () -> SnmpPduPower.open(v3(wrong), Duration.ZERO));
        assertTrue(e.getMessage().contains("wrong digest (check the auth protocol and password)")
                || e.getMessage().contains("did not answer"), e.getMessage());
        assertFalse(e.getMessage().contains(wrong), e.getMessage());
        assertFalse(v3(wrong).toString().contains(wrong));
    }

    @Test
    public void aReadOnlyCommunityCannotSwitchAndSaysSo() throws Exception {
        try (SnmpPduPower power = SnmpPduPower.open(v2c("public", 2000), Duration.ZERO)) {
            BenchIoException e = expectThrows(BenchIoException.class, power::on);
            assertTrue(e.getMessage().startsWith("the PDU refused the set of " + OUTLET + ": "), e.getMessage());
            assertTrue(e.getMessage().endsWith("(is the OID writable for this community or user?)"), e.getMessage());
            assertEquals(Files.readString(state).strip(), "2");
        }
    }

    @Test
    public void aPduThatDoesNotAnswerIsABenchFault() {
        // snmpd drops requests with a community it does not know: to the bench that is silence.
        BenchIoException e = expectThrows(BenchIoException.class,
                () -> SnmpPduPower.open(v2c("no-such-community", 300), Duration.ZERO));
        assertTrue(e.getMessage().contains("did not answer the read of " + OUTLET + " within 300 ms (0 retries)"),
                e.getMessage());
    }

    @Test
    public void anOutletThatDoesNotFollowTheSetIsABenchFault() throws Exception {
        try (SnmpPduPower power = SnmpPduPower.open(v2c("private", 2000), Duration.ZERO)) {
            Files.writeString(dir.resolve("stuck"), "");
            BenchIoException e = expectThrows(BenchIoException.class, power::on);
            assertEquals(e.getMessage(), power.describe() + ": set " + OUTLET + " = 1 (answered 1) and its outlet was read"
                    + " for up to 1000 ms, but the read-back says off: " + OUTLET + " = 2 (off)");
        }
    }

    @Test
    public void aStatusValueThatIsNeitherOnNorOffIsUnknownAndStopsTheBenchAtOpen() {
        PowerConfig.SnmpPdu otherValues = new PowerConfig.SnmpPdu("127.0.0.1", port, Version.V2C, "private", null, null,
                null, null, null, OUTLET, 1, 2, OUTLET, 7, 8, 2000, 0, 1000);
        BenchIoException e = expectThrows(BenchIoException.class, () -> SnmpPduPower.open(otherValues, Duration.ZERO));
        assertTrue(e.getMessage().endsWith(": " + OUTLET + " = 2, which is neither status-on 7 nor status-off 8"),
                e.getMessage());
    }
}
