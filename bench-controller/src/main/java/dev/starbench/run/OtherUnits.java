package dev.starbench.run;

import dev.starbench.report.DeviceKey;
import dev.starbench.report.RecordReader;
import dev.starbench.report.ReportVerifier;
import dev.starbench.report.RunRecord;
import dev.starbench.report.TrustedKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The other units a run compares its unit's key with ({@code --other-unit DIR}): each a run directory of
 * another unit of the model, verified as {@code starbench report verify} does (a record the bench would
 * not vouch for must not decide a verdict), and the public key comms.device-identity recorded there.
 */
public final class OtherUnits {
    private OtherUnits() {
    }

    /**
     * @throws IllegalArgumentException naming the directory, when it is no run directory, does not verify,
     *                                  or recorded no device key: the comparison asked for cannot be made
     */
    public static List<DeviceKey.OtherUnit> read(List<Path> dirs) {
        List<DeviceKey.OtherUnit> units = new ArrayList<>();
        if (dirs == null || dirs.isEmpty()) {
            return units;
        }
        TrustedKeys trusted;
        try {
            trusted = TrustedKeys.ofThisBench();
        } catch (IOException e) {
            throw new IllegalArgumentException("--other-unit: cannot read this bench's trusted keys: " + e.getMessage(), e);
        }
        for (Path dir : dirs) {
            RunRecord record;
            try {
                ReportVerifier.Result verified = ReportVerifier.verify(dir, trusted);
                if (!verified.ok()) {
                    throw new IllegalArgumentException("--other-unit " + dir + " does not verify: "
                            + verified.problems().stream().map(Object::toString).collect(Collectors.joining("; ")));
                }
                record = RecordReader.read(dir);
            } catch (IOException e) {
                throw new IllegalArgumentException("--other-unit " + dir + ": " + e.getMessage(), e);
            }
            List<DeviceKey> keys = DeviceKey.of(record);
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("--other-unit " + dir + ": run " + record.run().id()
                        + " recorded no device key (" + DeviceKey.CHECK + " saw no client certificate there, or did not run)");
            }
            keys.forEach(k -> units.add(new DeviceKey.OtherUnit(record.run().id(), record.run().deviceModel(), k)));
        }
        return units;
    }
}
