package dev.starbench.bench.debug;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.util.List;
import java.util.Set;
import org.testng.annotations.Test;

/** The read-only list on its own: what passes, what is refused and why, and halting by the profile's leave. */
public class ReadOnlyCommandsTest {
    private final ReadOnlyCommands reads = new ReadOnlyCommands(Set.of("chip.cpu"), Set.of("chip.dap"), Set.of("chip.mem"), false);
    private final ReadOnlyCommands mayHalt = new ReadOnlyCommands(Set.of("chip.cpu"), Set.of("chip.dap"), Set.of("chip.mem"), true);

    @Test
    public void readsPassAsPlainText() {
        for (String c : List.of("version", "init", "shutdown", "scan_chain", "jtag names", "dap names", "target names",
                "jtag cget chip.cpu -idcode", "chip.dap dpreg 0x4", "chip.dap apreg 1 0xfc", "chip.dap apid 0",
                "chip.mem read_memory 0x20000000 32 64", "chip.mem read_memory 0x0 8 16 phys", "chip.mem mdw 0x0 4",
                "chip.mem curstate", "adapter name", "transport select", "poll off", "log_output /dev/null",
                "log_output default")) {
            assertEquals(reads.check(c).text(), c);
        }
    }

    @Test
    public void aReadWithOneMoreArgumentIsAWriteAndIsRefused() {
        for (String c : List.of("chip.dap dpreg 0x4 0x50000000", "chip.dap apreg 1 0x4 1", "adapter speed 100",
                "log_output /home/user/.bashrc",
                "transport select swd", "chip.mem read_memory 0x0 32", "chip.mem mdw nosuchaddress")) {
            ReadOnlyCommands.Refused r = expectThrows(ReadOnlyCommands.Refused.class, () -> reads.check(c));
            assertTrue(r.getMessage().contains("is not on the bench's read-only list"), r.getMessage());
        }
    }

    @Test
    public void destructiveCommandsAreNamedAsSuch() {
        for (String c : List.of("nrf52_recover", "stm32f1x unlock 0", "stm32l4x mass_erase 0", "flash erase_sector 0 0 1",
                "stm32f2x options_write 0 0", "mww 0x0 0", "chip.mem write_memory 0x0 32 1", "reset", "reset init",
                "adapter assert srst", "load_image x.bin")) {
            ReadOnlyCommands.Refused r = expectThrows(ReadOnlyCommands.Refused.class, () -> reads.check(c));
            assertTrue(r.getMessage().endsWith("the bench never erases, unlocks, resets, or writes memory, flash or option bytes"),
                    r.getMessage());
        }
    }

    @Test
    public void tclSyntaxNeverPasses() {
        for (String c : List.of("version; nrf52_recover", "version\nnrf52_recover", "version [nrf52_recover]", "$x",
                "{nrf52_recover}", "\"nrf52_recover\"", "chip.dap apreg 1 [expr 4] 1", "version # comment",
                "version\\", "version\rnrf52_recover", "version  init")) {
            ReadOnlyCommands.Refused r = expectThrows(ReadOnlyCommands.Refused.class, () -> reads.check(c));
            assertTrue(r.getMessage().contains("is not one plain command"), r.getMessage());
        }
    }

    @Test
    public void objectsMustBeTheSessionsOwn() {
        // A proc of that name would otherwise run with the arguments as its own.
        expectThrows(ReadOnlyCommands.Refused.class, () -> reads.check("nrf52_recover apreg 1 0xfc"));
        expectThrows(ReadOnlyCommands.Refused.class, () -> reads.check("other.dap dpreg 0"));
        assertEquals(reads.with(Set.of(), Set.of("nrf52.dap"), Set.of()).check("nrf52.dap dpreg 0").text(), "nrf52.dap dpreg 0");
    }

    @Test
    public void haltingOnlyByTheProfilesLeave() {
        for (String c : List.of("halt", "resume", "reset halt", "chip.mem arp_halt", "chip.mem arp_resume")) {
            ReadOnlyCommands.Refused r = expectThrows(ReadOnlyCommands.Refused.class, () -> reads.check(c));
            assertTrue(r.getMessage().contains("not on the bench's read-only list"), r.getMessage());
            assertEquals(mayHalt.check(c).text(), c);
        }
        assertTrue(expectThrows(ReadOnlyCommands.Refused.class, () -> reads.check("halt")).getMessage()
                .endsWith("the profile does not allow halting this part"));
    }
}
