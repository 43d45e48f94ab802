package dev.starbench.history;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * History databases for tests: a SQLite file, or a database on a real PostgreSQL server (Debian's
 * postgresql package, which .ci/run installs) started once per test JVM in a temporary directory on a
 * free loopback port, as the postgres user when the tests run as root (initdb refuses root).
 */
public final class TestDatabases {
    private static Process server;
    private static int port;
    private static int databases;

    private TestDatabases() {
    }

    public static String sqlite(Path dir) {
        return "jdbc:sqlite:" + dir.resolve("history.db");
    }

    /** A fresh, empty database on the shared server. */
    public static synchronized String postgres() throws Exception {
        if (server == null) {
            start();
        }
        String name = "history" + (++databases);
        try (Connection c = DriverManager.getConnection(url("postgres"))) {
            c.createStatement().execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    private static String url(String db) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + db + "?user=starbench";
    }

    private static void start() throws Exception {
        Path bin = binaries();
        Path dir = Files.createTempDirectory("starbench-pg");
        boolean root = "root".equals(System.getProperty("user.name"));
        List<String> asPostgres = root ? List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups")
                : List.of();
        if (root) {
            new ProcessBuilder("chown", "postgres", dir.toString()).inheritIO().start().waitFor();
        }
        List<String> initdb = new ArrayList<>(asPostgres);
        initdb.addAll(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-A", "trust",
                "-U", "starbench", "--no-sync"));
        Process init = new ProcessBuilder(initdb).redirectErrorStream(true)
                .redirectOutput(dir.resolve("initdb.log").toFile()).start();
        if (!init.waitFor(120, TimeUnit.SECONDS) || init.exitValue() != 0) {
            throw new IllegalStateException("initdb failed: " + Files.readString(dir.resolve("initdb.log")));
        }
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> postgres = new ArrayList<>(asPostgres);
        postgres.addAll(List.of(bin.resolve("postgres").toString(), "-D", dir.resolve("data").toString(), "-p",
                String.valueOf(port), "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"));
        server = new ProcessBuilder(postgres).redirectErrorStream(true).start();
        awaitReady(server);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.destroy();
            try {
                server.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server.destroyForcibly();
        }));
    }

    /** Reads the server's log until it says it is ready; the rest of the log is drained in the background. */
    private static void awaitReady(Process p) throws Exception {
        BufferedReader log = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = log.readLine()) != null; ) {
                    seen.append(line).append('\n');
                    if (line.contains("database system is ready to accept connections")) {
                        return true;
                    }
                }
            } catch (IOException e) {
                // the server died: reported below with its log
            }
            return false;
        });
        if (!ready.get(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("PostgreSQL did not start:\n" + seen);
        }
        Thread drain = new Thread(() -> {
            try {
                while (log.readLine() != null) {
                    // keeps the server from blocking on a full pipe
                }
            } catch (IOException e) {
                // server gone
            }
        }, "postgres-log");
        drain.setDaemon(true);
        drain.start();
    }

    private static Path binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                Path newest = versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                        .max(Comparator.comparing(v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
                        .orElse(null);
                if (newest != null) {
                    return newest.resolve("bin");
                }
            }
        }
        throw new IllegalStateException("no PostgreSQL server under /usr/lib/postgresql: install Debian's postgresql "
                + "package (.ci/run does)");
    }

    /** Counts rows, for tests that look into the schema itself. */
    /**
     * Whether a process is the shared test server or one of its workers: it lives as long as the test
     * JVM, so the tests that check a run left nothing running must not count it.
     */
    public static synchronized boolean owns(ProcessHandle h) {
        if (server == null) {
            return false;
        }
        for (ProcessHandle p = h; p != null; p = p.parent().orElse(null)) {
            if (p.pid() == server.pid()) {
                return true;
            }
        }
        return false;
    }

    static int count(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
