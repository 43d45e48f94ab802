package dev.starbench.config;

import static dev.starbench.config.InvalidField.check;
import static dev.starbench.config.InvalidField.positive;
import static dev.starbench.config.InvalidField.required;
import static dev.starbench.config.InvalidField.requiredText;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The profile's {@code debug-port:}: what the DUT's JTAG/SWD port is and what its maker claims about it.
 *
 * @param transport    jtag or swd, as the board exposes it
 * @param family       how the bench reads the lock: {@value #GENERIC} (MEM-AP CSW.DeviceEn), {@value #NRF52}
 *                     (CTRL-AP APPROTECTSTATUS), {@value #STM32} (the RDP byte of the option register)
 * @param targetConfig an OpenOCD target script to source instead of the bench's own TAP and DAP lines, or null
 * @param expectedId   the JTAG IDCODE (jtag) or SW-DP DPIDR (swd) the part answers with, or null
 * @param memory       the ranges worth reading, at least one
 * @param fused        the maker declares the port fused off (a dead port is then what is expected)
 * @param haltAllowed  whether the bench may halt the core (never on a fragile part)
 * @param fragile      the part must not be halted or reset through the probe
 * @param rdpRegister  stm32: the option register holding the RDP byte (e.g. 0x40023C14 on STM32F4)
 * @param rdpShift     stm32: the RDP byte's lowest bit in that register (8 on STM32F4)
 */
public record DebugPort(String transport, String family, Path targetConfig, Long expectedId, List<Range> memory,
                        boolean fused, boolean haltAllowed, boolean fragile, Long rdpRegister, int rdpShift) {

    public static final String GENERIC = "generic-adiv5";
    public static final String NRF52 = "nrf52";
    public static final String STM32 = "stm32";
    static final List<String> FAMILIES = List.of(GENERIC, NRF52, STM32);
    /** A probe reads at most this much of one range: enough to hash and prove, never a dump. */
    public static final int MAX_READ = 4096;
    static final int DEFAULT_READ = 256;

    public DebugPort {
        requiredText(transport, "transport");
        check(transport.equals(DebugProbe.JTAG) || transport.equals(DebugProbe.SWD),
                "unknown value '" + transport + "' (allowed: jtag, swd)", "transport");
        family = family == null ? GENERIC : family;
        check(FAMILIES.contains(family), "unknown value '" + family + "' (allowed: " + String.join(", ", FAMILIES) + ")",
                "family");
        check(targetConfig == null || targetConfig.isAbsolute(), "must be an absolute path", "target-config");
        // OpenOCD gets it as `source {PATH}`: nothing in it may close the braces or start a new line.
        check(targetConfig == null || !targetConfig.toString().matches("(?s).*[{}\\\\\n\r].*"),
                "must not contain braces, backslashes or line breaks", "target-config");
        check(expectedId == null || expectedId > 0 && expectedId < 0xFFFF_FFFFL,
                "must be a 32-bit ID other than 0 and all ones", "expected-id");
        check(expectedId == null || (expectedId & 1) == 1, "an IDCODE or DPIDR has bit 0 set", "expected-id");
        required(memory, "memory");
        check(!memory.isEmpty(), "name at least one range worth reading (flash, RAM)", "memory");
        Set<String> names = new HashSet<>();
        for (int i = 0; i < memory.size(); i++) {
            required(memory.get(i), "memory", i);
            check(names.add(memory.get(i).name()), "range name '" + memory.get(i).name() + "' given twice", "memory", i, "name");
        }
        memory = List.copyOf(memory);
        check(!(haltAllowed && fragile), "a fragile part is never halted; remove one of halt and fragile", "halt");
        if (family.equals(STM32)) {
            required(rdpRegister, "rdp-register");
            check(rdpRegister >= 0 && rdpRegister <= 0xFFFF_FFFCL && rdpRegister % 4 == 0,
                    "must be a word-aligned 32-bit address", "rdp-register");
            check(rdpShift >= 0 && rdpShift <= 24, "must be 0..24 (the RDP byte's lowest bit)", "rdp-shift");
        } else {
            check(rdpRegister == null, "only for family stm32", "rdp-register");
        }
    }

    @JsonCreator
    static DebugPort fromYaml(@JacksonInject("base-dir") Path baseDir,
                              @JsonProperty("transport") String transport, @JsonProperty("family") String family,
                              @JsonProperty("target-config") String targetConfig,
                              @JsonProperty("expected-id") Long expectedId,
                              @JsonProperty("memory") ArrayList<Range> memory, @JsonProperty("fused") Boolean fused,
                              @JsonProperty("halt") Boolean halt, @JsonProperty("fragile") Boolean fragile,
                              @JsonProperty("rdp-register") Long rdpRegister, @JsonProperty("rdp-shift") Integer rdpShift) {
        return new DebugPort(transport, family,
                targetConfig == null ? null : Paths.file(baseDir, requiredText(targetConfig, "target-config"), "target-config"),
                expectedId, memory, fused != null && fused, halt != null && halt, fragile != null && fragile,
                rdpRegister, rdpShift == null ? 8 : rdpShift);
    }

    /**
     * A memory range worth reading: where firmware or secrets live.
     *
     * @param length how many bytes the bench reads from {@code address} (at most {@value #MAX_READ})
     */
    public record Range(String name, long address, int length) {
        public Range {
            requiredText(name, "name");
            check(name.matches("[a-z0-9-]{1,32}"), "must be 1 to 32 lowercase letters, digits or '-'", "name");
            check(address >= 0 && address <= 0xFFFF_FFFCL && address % 4 == 0, "must be a word-aligned 32-bit address",
                    "address");
            positive(length, "length");
            check(length % 4 == 0 && length <= MAX_READ, "must be a multiple of 4, at most " + MAX_READ, "length");
            check(address + length <= 0x1_0000_0000L, "the range runs past the 32-bit address space", "length");
        }

        @JsonCreator
        static Range fromYaml(@JsonProperty("name") String name, @JsonProperty("address") Long address,
                              @JsonProperty("length") Integer length) {
            return new Range(name, required(address, "address"), length == null ? DEFAULT_READ : length);
        }
    }
}
