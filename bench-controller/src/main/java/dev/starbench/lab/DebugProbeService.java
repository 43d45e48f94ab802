package dev.starbench.lab;

import dev.starbench.bench.BenchIoException;
import dev.starbench.bench.debug.OpenOcdDriver;
import dev.starbench.config.DebugPort;
import dev.starbench.config.DebugProbe;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The fixture's debug probe for the run: each attach starts a fresh OpenOCD through it and ends it
 * again, with OpenOCD's log and the bench's requests kept in the run directory as evidence. Closing it
 * (the run ending, also on SIGTERM) ends an OpenOCD still running; on SIGKILL the parent-death signal
 * does.
 */
public final class DebugProbeService implements LabService {
    private final OpenOcdDriver driver;

    DebugProbeService(DebugProbe probe, DebugPort port, Path runDir) {
        this.driver = new OpenOcdDriver(probe, port, runDir);
    }

    @Override
    public String name() {
        return "debug-probe";
    }

    public DebugProbe probe() {
        return driver.probe();
    }

    /** One read-only attach, told step by step; OpenOCD is gone when it returns. */
    public OpenOcdDriver.Attach attach(Consumer<String> steps) throws BenchIoException {
        return driver.attach(steps);
    }

    @Override
    public void close() {
        driver.close();
    }
}
