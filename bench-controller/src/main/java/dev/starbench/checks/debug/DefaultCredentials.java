package dev.starbench.checks.debug;

import dev.starbench.console.Login;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The universal default credentials list (default-credentials.txt: user TAB password). */
public final class DefaultCredentials {
    private DefaultCredentials() {
    }

    public static List<Login.Credential> load() {
        List<Login.Credential> list = new ArrayList<>();
        try (var in = DefaultCredentials.class.getResourceAsStream("/dev/starbench/checks/default-credentials.txt");
             var reader = new BufferedReader(new InputStreamReader(Objects.requireNonNull(in), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    int tab = line.indexOf('\t');
                    list.add(tab < 0 ? new Login.Credential(line, "") : new Login.Credential(line.substring(0, tab), line.substring(tab + 1)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return list;
    }
}
