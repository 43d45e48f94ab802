package dev.starbench.lab;

import dev.starbench.bench.BenchIoException;
import dev.starbench.config.DeviceProfile;
import dev.starbench.config.Fixture;
import dev.starbench.config.Network;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * The lab services of one run, in the spirit of OpenHTF's plugs: each is opened by the first check that
 * asks for it, shared by the checks after it, and closed by the run in reverse order of opening, each
 * teardown told to the journal. A new service (a debug probe) is one more accessor here.
 */
public final class LabServices implements AutoCloseable {
    /** Told of each opening and teardown, for the journal. */
    public interface Listener {
        /** @param outcome "opened", "closed", or "close failed: ..." */
        void service(String name, String outcome);
    }

    @FunctionalInterface
    private interface Opener<S extends LabService> {
        S open() throws BenchIoException;
    }

    private final DeviceProfile profile;
    private final Fixture fixture;
    private final long updateSeed;
    private final Path runDir;
    private final Listener listener;
    private final Map<Class<?>, LabService> byType = new HashMap<>();
    private final Deque<LabService> opened = new ArrayDeque<>();
    private boolean closed;

    /**
     * @param updateSeed seeds the update path's own choices (offer ids), so a rerun sends the same
     * @param runDir     where a service writes the evidence files it keeps (the debug probe's OpenOCD logs)
     */
    public LabServices(DeviceProfile profile, Fixture fixture, long updateSeed, Path runDir, Listener listener) {
        this.profile = profile;
        this.fixture = fixture;
        this.updateSeed = updateSeed;
        this.runDir = runDir;
        this.listener = listener;
    }

    /** The lab CA the DUT trusts, and the certificates it signs. */
    public LabPkiService pki() throws BenchIoException {
        return open(LabPkiService.class, () -> new LabPkiService(cloudOfProfile()));
    }

    /** The bench as the DUT's cloud: its broker (embedded or the fixture's) and the endpoints the DUT connects to. */
    public CloudService cloud() throws BenchIoException {
        Network.Cloud cloud = cloudOfProfile();
        if (cloud == null) {
            throw new IllegalStateException("a check asks for the cloud only when the profile declares `network.cloud`");
        }
        LabPkiService pki = pki();
        return open(CloudService.class, () -> new CloudService(cloud, fixture == null ? null : fixture.cloudBroker(), pki));
    }

    private Network.Cloud cloudOfProfile() {
        return profile.network() == null ? null : profile.network().cloud();
    }

    /** The profile's update path and what the run learnt through it (the control case). */
    public UpdateService updates() throws BenchIoException {
        return open(UpdateService.class, () -> new UpdateService(profile, new Random(updateSeed)));
    }

    /** The fixture's debug probe on the profile's JTAG/SWD port: OpenOCD, started per attach. */
    public DebugProbeService debugProbe() throws BenchIoException {
        if (fixture == null || fixture.debugProbe() == null || profile.debugPort() == null) {
            throw new IllegalStateException("a check asks for the debug probe only when the fixture has `debug-probe`"
                    + " and the profile `debug-port`");
        }
        return open(DebugProbeService.class, () -> new DebugProbeService(fixture.debugProbe(), profile.debugPort(), runDir));
    }

    private synchronized <S extends LabService> S open(Class<S> type, Opener<S> opener) throws BenchIoException {
        LabService known = byType.get(type);
        if (known != null) {
            return type.cast(known);
        }
        if (closed) {
            throw new BenchIoException("the run's lab services are already closed");
        }
        S s = opener.open();
        byType.put(type, s);
        opened.push(s);
        listener.service(s.name(), "opened");
        return s;
    }

    /** Closes every service, last opened first; one that fails to close does not keep the others open. */
    @Override
    public synchronized void close() {
        closed = true;
        while (!opened.isEmpty()) {
            LabService s = opened.pop();
            String outcome;
            try {
                s.close();
                outcome = "closed";
            } catch (RuntimeException e) {
                outcome = "close failed: " + e;
            }
            listener.service(s.name(), outcome);
        }
        byType.clear();
    }
}
