package dev.starbench.checks;

import org.testng.SkipException;

/** The profile declares the feature absent; the reason goes into the report. */
public class NotApplicable extends SkipException {
    public NotApplicable(String reason) {
        super(reason);
    }

    @Override
    public boolean isSkip() {
        return true;
    }
}
