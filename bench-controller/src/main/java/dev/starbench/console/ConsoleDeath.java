package dev.starbench.console;

/**
 * The DUT printed one of its death strings ("Kernel panic", a profile's own): every wait ends at once,
 * naming the string and the line it was on. Unchecked: any check may meet it, and unless a check
 * expects deaths (a power-loss test) it means the procedure could not finish, so INCONCLUSIVE.
 */
public final class ConsoleDeath extends RuntimeException {
    private final String deathString;

    ConsoleDeath(String deathString, String line) {
        super("the DUT printed the death string \"" + deathString + "\": " + Printable.of(line));
        this.deathString = deathString;
    }

    public String deathString() {
        return deathString;
    }
}
