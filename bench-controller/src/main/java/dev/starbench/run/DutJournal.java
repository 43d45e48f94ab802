package dev.starbench.run;

import dev.starbench.bench.power.PowerState;
import dev.starbench.dut.Boot;
import dev.starbench.dut.Dut;
import dev.starbench.report.Measurement;

/**
 * What the Dut's strategy does, journalled: power changes as power events, its steps and transcripts as
 * evidence of the check it works for, and each boot that reached its OS as that check's boot-time
 * measurement (once per boot; the profile's boot timeout is the limit, and the report plots them).
 */
final class DutJournal implements Dut.Listener {
    private final Journal journal;
    private final JournalEvidence evidence;
    private final long bootLimitMs;

    DutJournal(Journal journal, JournalEvidence evidence, long bootLimitMs) {
        this.journal = journal;
        this.evidence = evidence;
        this.bootLimitMs = bootLimitMs;
    }

    @Override
    public void power(String state, String cause, PowerState reached) {
        journal.power(state, cause, reached);
    }

    @Override
    public void step(String text) {
        if (evidence.currentCheck() != null) {
            evidence.step(text);
        }
    }

    @Override
    public void transcript(String title, long from, long to) {
        if (evidence.currentCheck() != null) {
            evidence.transcript(title, from, to);
        }
    }

    @Override
    public void booted(Boot boot) {
        if (evidence.currentCheck() != null) {
            evidence.measurement(Measurement.atMost("boot-time", boot.bootTime().toMillis(), "ms", bootLimitMs));
        }
    }
}
