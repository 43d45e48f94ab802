package dev.starbench.run;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Controller version and the git commit it was built from (written into the jar at build time). */
public record BuildInfo(String version, String gitCommit) {
    public static BuildInfo current() {
        Properties git = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/dev/starbench/git.properties")) {
            if (in != null) {
                git.load(in);
            }
        } catch (IOException ignored) {
            // reported as "unknown" below
        }
        String commit = git.getProperty("git.commit.id.full", "unknown");
        if ("true".equals(git.getProperty("git.dirty"))) {
            commit += "-dirty";
        }
        return new BuildInfo(git.getProperty("git.build.version", "unknown"), commit);
    }
}
