package dev.starbench.checks;

import dev.starbench.checks.auth.BruteForceCheck;
import dev.starbench.checks.auth.CredentialChangeCheck;
import dev.starbench.checks.auth.DefaultCredentialsCheck;
import dev.starbench.checks.auth.UserEnumerationCheck;
import dev.starbench.checks.debug.BaudScanCheck;
import dev.starbench.checks.comms.BrokerExposureCheck;
import dev.starbench.checks.comms.DeviceIdentityCheck;
import dev.starbench.checks.comms.ReplayCheck;
import dev.starbench.checks.comms.RogueCertificateCheck;
import dev.starbench.checks.comms.TlsEnforcedCheck;
import dev.starbench.checks.comms.TlsVersionsCheck;
import dev.starbench.checks.debug.BootloaderInterruptCheck;
import dev.starbench.checks.debug.JtagSwdCheck;
import dev.starbench.checks.erase.FactoryResetCheck;
import dev.starbench.checks.resilience.CloudOutageCheck;
import dev.starbench.checks.resilience.PowerCutSoakCheck;
import dev.starbench.checks.debug.NetworkServicesCheck;
import dev.starbench.checks.debug.UartConsoleCheck;
import dev.starbench.checks.update.BaselineCheck;
import dev.starbench.checks.update.PowerLossCheck;
import dev.starbench.checks.update.RollbackCheck;
import dev.starbench.checks.update.TamperedCheck;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The checks the bench knows, in run order, with titles and requirement ids read from
 * {@code catalog.tsv}: the JC-STAR/ETSI mapping is data, correctable without touching code.
 */
public final class Catalog {
    public record Entry(String id, String title, List<String> requirements, Class<?> checkClass) {
        public String family() {
            return id.substring(0, id.indexOf('.'));
        }
    }

    /**
     * Run order: the baud scan first, so the console checks run at the rate it finds; update.tampered
     * before update.baseline, so that without the maker's key its copies of the maker's newer image are
     * pushed while the device still runs an older version (an installed copy is then visible). The
     * lifecycle checks after the comms checks (they share the running device and its cloud), then the auth
     * checks (whose failed logins lock the user name out for a while, which a lifecycle check's console
     * login would meet), and both before the update family, which changes what the device runs: a power
     * cut or a reset must not meet a device an update check bricked, and the soak's recovery leaves the
     * device running for the checks after it.
     */
    static final List<Class<?>> CHECK_CLASSES = List.of(BaudScanCheck.class, UartConsoleCheck.class, BootloaderInterruptCheck.class,
            NetworkServicesCheck.class, JtagSwdCheck.class, TlsEnforcedCheck.class, RogueCertificateCheck.class,
            TlsVersionsCheck.class, DeviceIdentityCheck.class, ReplayCheck.class,
            BrokerExposureCheck.class, CloudOutageCheck.class, PowerCutSoakCheck.class, FactoryResetCheck.class,
            DefaultCredentialsCheck.class, BruteForceCheck.class, CredentialChangeCheck.class, UserEnumerationCheck.class,
            TamperedCheck.class, BaselineCheck.class, RollbackCheck.class, PowerLossCheck.class);

    private final Map<String, Entry> entries;

    private Catalog(Map<String, Entry> entries) {
        this.entries = entries;
    }

    public static Catalog load() {
        Map<String, String[]> rows = readTable();
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Class<?> c : CHECK_CLASSES) {
            for (Method m : c.getDeclaredMethods()) {
                CheckId id = m.getAnnotation(CheckId.class);
                if (id == null) {
                    continue;
                }
                String[] row = Objects.requireNonNull(rows.get(id.value()), "catalog.tsv has no row for " + id.value());
                entries.put(id.value(), new Entry(id.value(), row[1], Arrays.asList(row[2].split(",")), c));
            }
        }
        return new Catalog(entries);
    }

    private static Map<String, String[]> readTable() {
        Map<String, String[]> rows = new LinkedHashMap<>();
        try (var in = Catalog.class.getResourceAsStream("catalog.tsv");
             var reader = new BufferedReader(new InputStreamReader(Objects.requireNonNull(in, "catalog.tsv"), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t");
                rows.put(cols[0], cols);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    public List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    public Entry get(String id) {
        return entries.get(id);
    }

    /** The check a TestNG method implements, or null for a method that is not a check. */
    public Entry of(Method method) {
        CheckId id = method.getAnnotation(CheckId.class);
        return id == null ? null : entries.get(id.value());
    }
}
