package dev.starbench.lab;

/**
 * Something a run opens for its checks and closes when it ends (a broker, the cloud's endpoints, an
 * update path, a debug probe): made on first use through {@link LabServices}, shared by the checks
 * after it, never closed by a check.
 */
public interface LabService extends AutoCloseable {
    /** The name the journal gives it. */
    String name();

    /** Releases what the service holds; must not throw for a resource that is already gone. */
    @Override
    void close();
}
