package dev.starbench.bench.serial;

import dev.starbench.bench.BenchIoException;

/** The console line's baud rate, which a baud scan changes between boots without reopening the adapter. */
public interface LineRate {
    int baud();

    void setBaud(int baud) throws BenchIoException;
}
