package dev.starbench.vdut.jtag;

/** One access port behind the DP, addressed by register offset (bank << 4 | A[3:2] << 2). */
interface AccessPort {
    int read(int register) throws BusFault;

    void write(int register, int value) throws BusFault;

    /** The AP answered with an error response; the DP records it as STICKYERR. */
    final class BusFault extends Exception {
        private static final long serialVersionUID = 1L;

        BusFault(String why) {
            super(why, null, false, false);
        }
    }
}
