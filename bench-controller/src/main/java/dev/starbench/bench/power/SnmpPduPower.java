package dev.starbench.bench.power;

import dev.starbench.bench.BenchIoException;
import dev.starbench.config.PowerConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.snmp4j.PDU;
import org.snmp4j.Snmp;
import org.snmp4j.Target;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.fluent.SnmpBuilder;
import org.snmp4j.fluent.TargetBuilder;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.GenericAddress;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/**
 * Power driver {@code snmp-pdu}: an outlet of a network PDU, set and read back over SNMP v2c or v3
 * (SNMP4J). A set is done only when the status OID reads the matching value within the confirm
 * timeout; a PDU that does not answer, refuses the credentials, or reads another value is a bench fault.
 */
public final class SnmpPduPower extends PowerDriver implements AutoCloseable {
    /** USM's report OIDs (RFC 3414), which a v3 agent answers with instead of a response. */
    private static final Map<String, String> USM_REPORTS = Map.of(
            "1.3.6.1.6.3.15.1.1.1.0", "unsupported security level",
            "1.3.6.1.6.3.15.1.1.2.0", "not in time window",
            "1.3.6.1.6.3.15.1.1.3.0", "unknown user name (check power.snmp-pdu.user)",
            "1.3.6.1.6.3.15.1.1.4.0", "unknown engine id",
            "1.3.6.1.6.3.15.1.1.5.0", "wrong digest (check the auth protocol and password)",
            "1.3.6.1.6.3.15.1.1.6.0", "decryption error (check the privacy protocol and password)");
    /** Between reads of the status while an outlet settles: a PDU sends no event when it has switched. */
    private static final long SETTLE_POLL_MS = 200;

    private final PowerConfig.SnmpPdu config;
    private final Snmp snmp;
    private final TargetBuilder<Address> targets;
    private final Target<Address> target;

    private SnmpPduPower(PowerConfig.SnmpPdu config, Duration offTime, Snmp snmp, TargetBuilder<Address> targets,
                         Target<Address> target) {
        super(config.describe(), offTime);
        this.config = config;
        this.snmp = snmp;
        this.targets = targets;
        this.target = target;
    }

    /** Opens the SNMP session and reads the outlet once, so a PDU that does not answer stops the run at once. */
    public static SnmpPduPower open(PowerConfig.SnmpPdu config, Duration offTime) throws BenchIoException {
        Snmp snmp = null;
        try {
            SnmpBuilder builder = new SnmpBuilder();
            boolean v3 = config.version() == PowerConfig.SnmpPdu.Version.V3;
            snmp = (v3 ? builder.udp().v3().usm() : builder.udp().v2c()).threads(1).build();
            snmp.listen();
            Address address = GenericAddress.parse("udp:" + config.host() + "/" + config.port());
            if (address == null) {
                throw new BenchIoException("not an address SNMP can use: " + config.host() + ":" + config.port());
            }
            TargetBuilder<Address> targets = builder.target(address);
            if (v3) {
                byte[] engine = snmp.discoverAuthoritativeEngineID(address, config.timeoutMs() * (config.retries() + 1));
                if (engine == null) {
                    throw new BenchIoException("the PDU at " + config.host() + ":" + config.port() + " did not answer SNMPv3"
                            + " engine discovery within " + config.timeoutMs() * (config.retries() + 1) + " ms");
                }
                var user = targets.v3().user(config.user(), engine);
                if (config.authProtocol() != null) {
                    user.auth(auth(config.authProtocol())).authPassphrase(config.authPassword());
                }
                if (config.privProtocol() != null) {
                    user.priv(config.privProtocol() == PowerConfig.SnmpPdu.PrivProtocol.DES
                            ? TargetBuilder.PrivProtocol.des : TargetBuilder.PrivProtocol.aes128)
                            .privPassphrase(config.privPassword());
                }
                user.done();
            } else {
                targets.v2c().community(new OctetString(config.community()));
            }
            Target<Address> target = targets.timeout(config.timeoutMs()).retries(config.retries()).build();
            SnmpPduPower power = new SnmpPduPower(config, offTime, snmp, targets, target);
            PowerState first = power.status();
            if (!first.isKnown()) {
                throw new BenchIoException("cannot read " + power.describe() + ": " + first.detail());
            }
            return power;
        } catch (BenchIoException e) {
            close(snmp);
            throw e;
        } catch (IOException | RuntimeException e) {
            close(snmp);
            throw new BenchIoException("cannot open SNMP to " + config.describe() + ": " + e.getMessage(), e);
        }
    }

    private static TargetBuilder.AuthProtocol auth(PowerConfig.SnmpPdu.AuthProtocol p) {
        return switch (p) {
            case MD5 -> TargetBuilder.AuthProtocol.md5;
            case SHA -> TargetBuilder.AuthProtocol.sha1;
            case SHA224 -> TargetBuilder.AuthProtocol.hmac128sha224;
            case SHA256 -> TargetBuilder.AuthProtocol.hmac192sha256;
            case SHA384 -> TargetBuilder.AuthProtocol.hmac256sha384;
            case SHA512 -> TargetBuilder.AuthProtocol.hmac384sha512;
        };
    }

    @Override
    protected synchronized PowerState switchTo(boolean on) throws BenchIoException {
        int value = on ? config.onValue() : config.offValue();
        VariableBinding answer = request(PDU.SET, new VariableBinding(new OID(config.outletOid()), new Integer32(value)));
        String sent = "set " + config.outletOid() + " = " + value + " (answered " + answer.getVariable() + ")";
        long deadline = System.nanoTime() + config.confirmTimeoutMs() * 1_000_000;
        PowerState read = status();
        while (read.isKnown() && read.isOn() != on && System.nanoTime() - deadline < 0) {
            settle();
            read = status();
        }
        return confirm(on, sent + " and its outlet was read for up to " + config.confirmTimeoutMs() + " ms", read).after(sent);
    }

    private static void settle() throws BenchIoException {
        try {
            Thread.sleep(SETTLE_POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchIoException("interrupted while the outlet settled", e);
        }
    }

    @Override
    public synchronized PowerState status() {
        VariableBinding vb;
        try {
            vb = request(PDU.GET, new VariableBinding(new OID(config.statusOid())));
        } catch (BenchIoException e) {
            return PowerState.unknown(e.getMessage());
        }
        Variable v = vb.getVariable();
        String read = config.statusOid() + " = " + v;
        if (v instanceof Integer32 && v.toInt() == config.statusOn()) {
            return PowerState.confirmed(true, read + " (on)");
        }
        if (v instanceof Integer32 && v.toInt() == config.statusOff()) {
            return PowerState.confirmed(false, read + " (off)");
        }
        return PowerState.unknown(read + ", which is neither status-on " + config.statusOn() + " nor status-off "
                + config.statusOff());
    }

    /** One request with the fixture's timeout and retries; any answer but a clean response is a fault. */
    private VariableBinding request(int type, VariableBinding vb) throws BenchIoException {
        var builder = targets.pdu().type(type).vbs(vb);
        if (config.version() == PowerConfig.SnmpPdu.Version.V3) {
            builder.contextName("");
        }
        PDU pdu = builder.build();
        ResponseEvent<Address> event;
        try {
            event = snmp.send(pdu, target);
        } catch (IOException e) {
            throw new BenchIoException("cannot send SNMP to " + describe() + ": " + e.getMessage(), e);
        }
        PDU response = event == null ? null : event.getResponse();
        String what = (type == PDU.SET ? "set of " : "read of ") + vb.getOid();
        if (response == null) {
            String error = event != null && event.getError() != null ? ": " + event.getError().getMessage() : "";
            throw new BenchIoException("the PDU at " + config.host() + ":" + config.port() + " did not answer the " + what
                    + " within " + config.timeoutMs() + " ms (" + config.retries() + " retries)" + error);
        }
        if (response.getType() == PDU.REPORT) {
            String oid = response.size() > 0 ? response.get(0).getOid().toDottedString() : "?";
            throw new BenchIoException("the PDU refused the " + what + ": " + USM_REPORTS.getOrDefault(oid, "report " + oid));
        }
        if (response.getErrorStatus() != PDU.noError) {
            throw new BenchIoException("the PDU refused the " + what + ": " + response.getErrorStatusText()
                    + (type == PDU.SET ? " (is the OID writable for this community or user?)" : ""));
        }
        if (response.size() < 1) {
            throw new BenchIoException("the PDU answered the " + what + " without a value");
        }
        VariableBinding answer = response.get(0);
        if (answer.isException()) {
            throw new BenchIoException("the PDU has no " + vb.getOid() + ": " + answer.getVariable()
                    + " (check the OID in the fixture)");
        }
        return answer;
    }

    @Override
    public void close() {
        close(snmp);
    }

    private static void close(Snmp snmp) {
        if (snmp != null) {
            try {
                snmp.close();
            } catch (IOException e) {
                // the UDP socket goes with the process anyway
            }
        }
    }
}
