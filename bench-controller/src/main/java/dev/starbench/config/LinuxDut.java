package dev.starbench.config;

import dev.starbench.vdut.contract.Flaw;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The real-Linux DUT that {@code scripts/build-linux-dut} makes and the qemu power driver boots (a
 * fixture's {@code qemu.kernel} and {@code initrd}); a profile names it with {@code simulation.dut: linux}.
 * Its flaws are fixed by what its /init and U-Boot's environment implement, and reach it on the kernel
 * command line.
 */
public final class LinuxDut {
    /** The kernel parameter its /init reads: {@code starbench.flaws=root-console,telnet-open}. */
    public static final String KERNEL_PARAMETER = "starbench.flaws";

    /** What the Linux DUT implements; bootloader-open is U-Boot's stock environment, the rest its /init. */
    static final Set<Flaw> FLAWS = Collections.unmodifiableSet(EnumSet.of(Flaw.ROOT_CONSOLE, Flaw.DEFAULT_PASSWORD,
            Flaw.BOOTLOADER_OPEN, Flaw.SECRET_IN_BOOTLOG, Flaw.TELNET_OPEN, Flaw.SSH_DEFAULT_PASSWORD,
            Flaw.ANONYMOUS_BROKER, Flaw.COAP_OPEN));

    /**
     * What only the Linux DUT implements: refused at load for the virtual DUT, which would refuse them at
     * start-up anyway (VirtualDutFlawsTest holds this list against what the virtual DUT acts out).
     */
    public static final Set<Flaw> ONLY_LINUX = Collections.unmodifiableSet(EnumSet.of(Flaw.COAP_OPEN));

    private LinuxDut() {
    }

    /** The kernel command-line argument that switches these flaws on (all of them listed, none: empty). */
    public static String kernelArgument(List<Flaw> flaws) {
        return KERNEL_PARAMETER + "=" + flaws.stream().map(Flaw::key).collect(Collectors.joining(","));
    }

    static String names(Set<Flaw> flaws) {
        return flaws.stream().map(Flaw::key).collect(Collectors.joining(", "));
    }
}
