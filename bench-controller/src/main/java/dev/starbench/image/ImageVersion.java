package dev.starbench.image;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** MCUboot's semantic version: major.minor.revision+build, compared field by field. */
public record ImageVersion(int major, int minor, int revision, long build) implements Comparable<ImageVersion> {
    private static final Pattern TEXT = Pattern.compile("v?(\\d{1,3})(?:\\.(\\d{1,3}))?(?:\\.(\\d{1,5}))?(?:[+.](\\d{1,10}))?");

    public ImageVersion {
        if (major < 0 || major > 255 || minor < 0 || minor > 255 || revision < 0 || revision > 65535
                || build < 0 || build > 0xffffffffL) {
            throw new IllegalArgumentException("version out of MCUboot's range (u8.u8.u16+u32): "
                    + major + "." + minor + "." + revision + "+" + build);
        }
    }

    /** Parses "1.4.2", "1.4.2+7" or "v1.4"; null when the text is no version. */
    public static ImageVersion parse(String text) {
        Matcher m = TEXT.matcher(text.strip());
        if (!m.matches()) {
            return null;
        }
        try {
            return new ImageVersion(Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), m.group(4) == null ? 0 : Long.parseLong(m.group(4)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The next revision: what the bench builds to be newer than the running firmware. */
    public ImageVersion nextRevision() {
        return revision < 65535 ? new ImageVersion(major, minor, revision + 1, 0)
                : minor < 255 ? new ImageVersion(major, minor + 1, 0, 0) : new ImageVersion(major + 1, 0, 0, 0);
    }

    /** A version below this one, or null for 0.0.0+0. */
    public ImageVersion previous() {
        if (build > 0) {
            return new ImageVersion(major, minor, revision, build - 1);
        }
        if (revision > 0) {
            return new ImageVersion(major, minor, revision - 1, 0);
        }
        if (minor > 0) {
            return new ImageVersion(major, minor - 1, 0, 0);
        }
        return major > 0 ? new ImageVersion(major - 1, 0, 0, 0) : null;
    }

    @Override
    public int compareTo(ImageVersion o) {
        int c = Integer.compare(major, o.major);
        c = c != 0 ? c : Integer.compare(minor, o.minor);
        c = c != 0 ? c : Integer.compare(revision, o.revision);
        return c != 0 ? c : Long.compare(build, o.build);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + revision + (build == 0 ? "" : "+" + build);
    }
}
