package dev.starbench.bench.debug;

import dev.starbench.bench.BenchIoException;
import dev.starbench.config.DebugPort;
import dev.starbench.config.DebugProbe;
import dev.starbench.report.Hashes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One attach through a running OpenOCD, reads only: scan the chain, read the DP's DPIDR and the APs'
 * IDRs, try the declared memory ranges through the {@code mem_ap} target (no core is halted), read the
 * registers that show a lock, and name the state. The same procedure behind {@code debug.jtag-swd} and
 * {@code starbench probe}.
 */
public final class DebugAttach {
    /** An ADIv5 system has up to 256 APs; real parts put theirs at the bottom. */
    static final int APS_SCANNED = 4;
    static final long NRF52_CTRL_AP_IDR = 0x02880000L;
    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]{1,8}");
    /** What OpenOCD says when the adapter reached the wires and nothing answered SWD (or an ST-Link's connect). */
    private static final Pattern SWD_DEAD = Pattern.compile(
            "Error connecting DP|cannot read IDR|unable to connect to the target|init mode failed");

    /** OpenOCD's routine start-up lines, which say nothing about the port. */
    private static final Pattern NOISE = Pattern.compile("^(An adapter speed|To remove this|Initializing|Connecting to"
            + "|.* driver initialized|This adapter doesn't support|gdb port disabled)");

    private final OpenOcd ocd;
    private final DebugProbe probe;
    private final DebugPort port;
    private final Consumer<String> steps;
    private final List<String> notes = new ArrayList<>();
    private final List<String> lock = new ArrayList<>();
    private final List<Attachment.AccessPortId> aps = new ArrayList<>();
    private String tap = OpenOcdConfig.TAP;
    private String dap = OpenOcdConfig.DAP;
    private final List<String> cores = new ArrayList<>();
    private Long dpidr;
    private Long csw;

    private DebugAttach(OpenOcd ocd, DebugProbe probe, DebugPort port, Consumer<String> steps) {
        this.ocd = ocd;
        this.probe = probe;
        this.port = port;
        this.steps = steps;
    }

    /** @param steps told each step as it is taken, for the journal or the terminal */
    public static Attachment run(OpenOcd ocd, DebugProbe probe, DebugPort port, Consumer<String> steps)
            throws BenchIoException {
        return new DebugAttach(ocd, probe, port, steps).attach();
    }

    private Attachment attach() throws BenchIoException {
        notes.add(ocd.call("version").result());
        notes.add("adapter " + ocd.call("adapter name").result() + ", transport " + ocd.call("transport select").result());
        steps.accept("init: the adapter scans the " + probe.transport() + " chain");
        Answer init = ocd.call("init");
        notes.add("init " + (init.ok() ? "ok" : "failed (" + init.code() + ")") + ": " + String.join(" | ", init.lines()));
        learnNames();
        Long id;
        if (!probe.reachesAccessPorts()) {
            if (!init.ok()) {
                return SWD_DEAD.matcher(init.text()).find() ? dead(init) : adapterDown(init);
            }
            id = null;
        } else if (probe.transport().equals(DebugProbe.JTAG)) {
            Answer idcode = ocd.call("jtag cget " + tap + " -idcode");
            if (!idcode.ok()) {
                return adapterDown(init);
            }
            id = number(idcode.result());
            if (id == null) {
                return adapterDown(idcode);
            }
            if (id == 0 || id == 0xFFFF_FFFFL) {
                return dead(init);
            }
        } else {
            Answer dp = ocd.call(dap + " dpreg 0x0");
            if (!dp.ok()) {
                return SWD_DEAD.matcher(init.text()).find() ? dead(init) : adapterDown(init);
            }
            id = hex(dp.result());
        }
        if (id != null) {
            steps.accept(String.format("the chain answered: %s 0x%08x", idName(), id));
        }
        if (id != null && port.expectedId() != null && !id.equals(port.expectedId())) {
            return unknown(String.format("the chain answered with %s 0x%08x, but the profile expects 0x%08x: another part"
                    + " or other wiring, so what it shows says nothing about this DUT", idName(), id, port.expectedId()), id, List.of());
        }
        if (probe.reachesAccessPorts()) {
            readDebugPort();
        }
        List<Attachment.MemoryRead> reads = new ArrayList<>();
        for (DebugPort.Range r : port.memory()) {
            steps.accept(String.format("read %d bytes of %s at 0x%08x through the MEM-AP", r.length(), r.name(), r.address()));
            reads.add(read(r));
        }
        Boolean locked = readLock();
        String halted = reads.stream().noneMatch(Attachment.MemoryRead::ok) ? tryHalt() : null;
        if (halted != null) {
            return new Attachment(Attachment.State.OPEN, halted, id, dpidr, aps, reads, lock, notes);
        }
        return decide(id, reads, locked);
    }

    /** A maker's target script names its own TAP and DAP; the bench's generated config uses its own names. */
    private void learnNames() throws BenchIoException {
        if (!probe.reachesAccessPorts()) {
            return;
        }
        Set<String> taps = words(ocd.call("jtag names"));
        Set<String> daps = words(ocd.call("dap names"));
        Set<String> targets = words(ocd.call("target names"));
        ocd.allow(taps, daps, targets);
        if (!taps.isEmpty() && !taps.contains(tap)) {
            tap = taps.iterator().next();
        }
        if (!daps.isEmpty() && !daps.contains(dap)) {
            dap = daps.iterator().next();
        }
        targets.stream().filter(t -> !t.equals(OpenOcdConfig.MEM)).forEach(cores::add);
    }

    private static Set<String> words(Answer a) {
        Set<String> out = new LinkedHashSet<>();
        if (a.ok()) {
            Arrays.stream(a.text().split("\\s+")).filter(w -> w.matches(DebugProbe.WORD)).forEach(out::add);
        }
        return out;
    }

    private void readDebugPort() throws BenchIoException {
        Answer id = ocd.call(dap + " dpreg 0x0");
        dpidr = id.ok() ? hex(id.result()) : null;
        Answer ctrl = ocd.call(dap + " dpreg 0x4");
        if (ctrl.ok() && hex(ctrl.result()) != null) {
            long v = hex(ctrl.result());
            notes.add(String.format("DP CTRL/STAT = 0x%08x (debug power-up %s, system power-up %s, STICKYERR %d)", v,
                    (v & (1L << 29)) != 0 ? "acknowledged" : "not acknowledged",
                    (v & (1L << 31)) != 0 ? "acknowledged" : "not acknowledged", (v >> 5) & 1));
        }
        for (int ap = 0; ap < APS_SCANNED; ap++) {
            Answer idr = ocd.call(dap + " apreg " + ap + " 0xfc");
            Long v = idr.ok() ? hex(idr.result()) : null;
            if (v != null && v != 0) {
                aps.add(new Attachment.AccessPortId(ap, v));
            }
        }
        if (dpidr != null) {
            steps.accept(String.format("DPIDR 0x%08x; %s", dpidr, aps.isEmpty() ? "no AP answered" : aps));
        }
        Answer c = ocd.call(dap + " apreg 0 0x0");
        csw = c.ok() ? hex(c.result()) : null;
    }

    private Attachment.MemoryRead read(DebugPort.Range r) throws BenchIoException {
        int words = r.length() / 4;
        Answer a = ocd.readMemory(String.format("%s read_memory 0x%08x 32 %d", OpenOcdConfig.MEM, r.address(), words));
        List<Long> values = new ArrayList<>();
        Matcher m = HEX.matcher(a.result());
        while (m.find()) {
            values.add(Long.parseLong(m.group().substring(2), 16));
        }
        if (!a.ok() || values.size() != words) {
            String why = a.lines().isEmpty() ? "no answer" : String.join("; ", a.lines());
            return new Attachment.MemoryRead(r, 0, null, false, why);
        }
        byte[] bytes = new byte[r.length()];
        boolean erased = true;
        for (int i = 0; i < words; i++) {
            long w = values.get(i);
            erased &= w == 0xFFFF_FFFFL;
            for (int b = 0; b < 4; b++) {
                bytes[i * 4 + b] = (byte) (w >>> (8 * b)); // the MEM-AP's words are little-endian
            }
        }
        return new Attachment.MemoryRead(r, bytes.length, Hashes.sha256(bytes), erased, null);
    }

    /**
     * Reads the registers that show the lock and records each; true when one shows it on, false when one
     * shows it off, null when none could be read.
     */
    private Boolean readLock() throws BenchIoException {
        Boolean locked = null;
        if (csw != null) {
            boolean deviceEn = (csw & (1 << 6)) != 0;
            lock.add(String.format("AP 0 (MEM-AP) CSW = 0x%08x: DeviceEn %d (%s)", csw, deviceEn ? 1 : 0,
                    deviceEn ? "the AP may issue memory transfers" : "the AP may not issue memory transfers"));
            locked = !deviceEn;
        }
        switch (port.family()) {
            case DebugPort.NRF52 -> locked = nrf52(locked);
            case DebugPort.STM32 -> locked = stm32(locked);
            default -> {
                // generic ADIv5: CSW.DeviceEn is the lock register
            }
        }
        return locked;
    }

    private Boolean nrf52(Boolean sofar) throws BenchIoException {
        if (!probe.reachesAccessPorts()) {
            notes.add("nRF52's CTRL-AP (AP 1) is out of reach of a high-level adapter (" + probe.driver()
                    + "): APPROTECTSTATUS was not read, so a denied read cannot be told from a wiring fault");
            return sofar;
        }
        Answer idr = ocd.call(dap + " apreg 1 0xfc");
        Long id = idr.ok() ? hex(idr.result()) : null;
        if (id == null || id != NRF52_CTRL_AP_IDR) {
            notes.add(String.format("AP 1 is not nRF52's CTRL-AP (IDR %s, expected 0x%08x)",
                    id == null ? "unread" : String.format("0x%08x", id), NRF52_CTRL_AP_IDR));
            return sofar;
        }
        Answer st = ocd.call(dap + " apreg 1 0xc");
        Long v = st.ok() ? hex(st.result()) : null;
        if (v == null) {
            notes.add("CTRL-AP APPROTECTSTATUS could not be read: " + String.join("; ", st.lines()));
            return sofar;
        }
        boolean on = (v & 1) == 0;
        lock.add(String.format("AP 1 (nRF52 CTRL-AP, IDR 0x%08x) APPROTECTSTATUS = 0x%08x (%s)", id, v,
                on ? "access port protection enabled" : "access port protection disabled"));
        return on;
    }

    private Boolean stm32(Boolean sofar) throws BenchIoException {
        Answer a = ocd.call(String.format("%s read_memory 0x%08x 32 1", OpenOcdConfig.MEM, port.rdpRegister()));
        Long v = a.ok() ? hex(a.result()) : null;
        if (v == null) {
            notes.add(String.format("the option register at 0x%08x could not be read: %s", port.rdpRegister(),
                    String.join("; ", a.lines())));
            return sofar;
        }
        int rdp = (int) ((v >>> port.rdpShift()) & 0xFF);
        int level = rdp == 0xAA ? 0 : rdp == 0xCC ? 2 : 1;
        lock.add(String.format("option register 0x%08x = 0x%08x: RDP 0x%02x (readout protection level %d)",
                port.rdpRegister(), v, rdp, level));
        return level > 0;
    }

    /**
     * Only where the profile allows it, and only with a core the maker's target script declares (the
     * bench's own configuration has none): a core that halts on request is as open as readable memory.
     * It is resumed at once. Returns the finding, or null.
     */
    private String tryHalt() throws BenchIoException {
        if (!port.haltAllowed() || port.fragile() || cores.isEmpty()) {
            return null;
        }
        String core = cores.get(0);
        steps.accept("halt " + core + " (the profile allows it)");
        Answer halt = ocd.call(core + " arp_halt");
        String state = ocd.call(core + " curstate").result();
        if (!halt.ok() || !state.equals("halted")) {
            notes.add("the core " + core + " did not halt (" + state + "): " + String.join("; ", halt.lines()));
            return null;
        }
        Answer resume = ocd.call(core + " arp_resume");
        notes.add("the core " + core + (resume.ok() ? " was resumed" : " could not be resumed: " + String.join("; ", resume.lines())));
        return "the debug port halts the core " + core + " on request, although every memory read was denied";
    }

    private Attachment decide(Long id, List<Attachment.MemoryRead> reads, Boolean locked) {
        List<Attachment.MemoryRead> open = reads.stream().filter(Attachment.MemoryRead::ok).toList();
        if (!open.isEmpty()) {
            Attachment.MemoryRead first = open.get(0);
            return new Attachment(Attachment.State.OPEN, String.format(
                    "the debug port reads memory: %d of %d ranges readable; %s", open.size(), reads.size(), first),
                    id, dpidr, aps, reads, lock, notes);
        }
        String who = id == null ? "the adapter connected to the core" : String.format("the DP answers (%s 0x%08x%s)",
                idName(), id, dpidr == null ? "" : String.format(", DPIDR 0x%08x", dpidr));
        if (Boolean.TRUE.equals(locked)) {
            return new Attachment(Attachment.State.LOCKED, who + " but every memory read is denied: "
                    + String.join("; ", lock), id, dpidr, aps, reads, lock, notes);
        }
        if (!probe.reachesAccessPorts()) {
            return unknown(who + " but every memory read failed, and a high-level adapter (" + probe.driver() + ", an"
                    + " ST-Link's firmware between OpenOCD and the DAP) reaches no AP register"
                    + (port.family().equals(DebugPort.NRF52) ? " (nRF52's CTRL-AP with APPROTECTSTATUS among them)" : "")
                    + ": the bench cannot tell a lock from a fault, and does not guess", id, reads);
        }
        return unknown(who + " but every memory read failed, and no register shows a lock"
                + (lock.isEmpty() ? "" : " (" + String.join("; ", lock) + ")")
                + ": check the ranges in the profile and the wiring", id, reads);
    }

    private Attachment dead(Answer init) {
        return new Attachment(Attachment.State.DEAD, "nothing answers on the " + probe.transport() + " port: "
                + String.join(" | ", errors(init)), null, null, List.of(), List.of(), lock, notes);
    }

    private Attachment adapterDown(Answer init) {
        return unknown("the adapter (" + probe.driver() + ") did not come up, so the port was never reached: "
                + String.join(" | ", errors(init)), null, List.of());
    }

    private Attachment unknown(String reason, Long id, List<Attachment.MemoryRead> reads) {
        return new Attachment(Attachment.State.UNKNOWN, reason, id, dpidr, aps, reads, lock, notes);
    }

    /** OpenOCD's lines that say what went wrong, first ones first (the scan's verdict comes before its echoes). */
    private static List<String> errors(Answer a) {
        return a.lines().stream().filter(l -> !NOISE.matcher(l).find()).limit(6).toList();
    }

    private String idName() {
        return probe.transport().equals(DebugProbe.JTAG) ? "IDCODE" : "DPIDR";
    }

    /** {@code jtag cget -idcode} answers in decimal. */
    private static Long number(String text) {
        try {
            return Long.decode(text.strip()) & 0xFFFF_FFFFL;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long hex(String text) {
        Matcher m = HEX.matcher(text);
        return m.find() ? Long.parseLong(m.group().substring(2), 16) : null;
    }
}
