package dev.starbench.run;

import dev.starbench.config.Fixture;
import dev.starbench.history.HistoryStore;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every run of a command reports to beside its own directory: the history database, and the lab
 * broker the fixture names. One per command: its lab-broker connections (and so the bench's
 * {@code online} status) live until {@link #close()}, across the runs of a plan.
 */
public final class RunHooks implements RunListener.Factory, AutoCloseable {
    private final PrintStream out;
    private final String historyOption;
    private final boolean recordHistory;
    private final Map<String, LabEvents> brokers = new LinkedHashMap<>();

    /**
     * @param historyOption a JDBC URL given on the command line, or null (then the environment, the
     *                      fixture or the default decide: {@link HistoryStore#resolve})
     * @param recordHistory false to keep runs out of the history (tests, `--no-history`)
     */
    public RunHooks(PrintStream out, String historyOption, boolean recordHistory) {
        this.out = out;
        this.historyOption = historyOption;
        this.recordHistory = recordHistory;
    }

    @Override
    public synchronized RunListener forRun(Fixture fixture) {
        List<RunListener> listeners = new ArrayList<>();
        if (recordHistory) {
            listeners.add(RunListener.isolated(
                    new HistoryRecorder(HistoryStore.resolve(historyOption, fixture.history()), fixture, out), out));
        }
        if (fixture.labBroker() != null) {
            String key = fixture.labBroker().url() + " " + fixture.benchId();
            LabEvents events = brokers.containsKey(key) ? brokers.get(key) : LabEvents.open(fixture, out);
            brokers.put(key, events);
            if (events != null) {
                listeners.add(RunListener.isolated(events, out));
            }
        }
        return RunListener.all(listeners);
    }

    /** Says goodbye on every lab broker (a retained offline), waiting a few seconds at most. */
    @Override
    public synchronized void close() {
        brokers.values().stream().filter(java.util.Objects::nonNull).forEach(LabEvents::close);
        brokers.clear();
    }
}
