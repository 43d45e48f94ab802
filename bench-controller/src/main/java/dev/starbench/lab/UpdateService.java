package dev.starbench.lab;

import dev.starbench.bench.update.UpdatePath;
import dev.starbench.config.DeviceProfile;
import java.util.Optional;
import java.util.Random;

/**
 * The profile's update path (for mqtt-ota, the bench's cloud that offers images), open from the first
 * update check to the end of the run, and the control case's outcome, learnt once per run: a newer
 * validly signed image installs, or no refusal of the other update checks proves anything.
 */
public final class UpdateService implements LabService {
    /** What the control case showed, and the install time it measured (the power-loss check's clock). */
    public record Control(boolean installed, String reason, long installMs) {
    }

    private final UpdatePath path;
    private Control control;

    UpdateService(DeviceProfile profile, Random offerIds) {
        this.path = UpdatePath.of(profile.firmware().update(),
                profile.network() == null ? null : profile.network().cloud(), offerIds);
    }

    @Override
    public String name() {
        return "update-path";
    }

    public UpdatePath path() {
        return path;
    }

    /** The control case's outcome, when a check made it already in this run. */
    public synchronized Optional<Control> control() {
        return Optional.ofNullable(control);
    }

    /** Records the control case's outcome; it is made once per run. */
    public synchronized void control(Control c) {
        if (control != null) {
            throw new IllegalStateException("the control case is made once per run");
        }
        control = c;
    }

    @Override
    public void close() {
        path.close();
    }
}
