package dev.starbench.packaging;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.testng.SkipException;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The .deb that `mvn verify` built, as dpkg sees it: control fields, files and modes, maintainer
 * scripts; then installed by the real dpkg into a throwaway root (`--root` with
 * `--force-script-chrootless`, so the maintainer scripts run with DPKG_ROOT set and write only
 * there), where its launcher and its doctor run.
 */
public class DebPackageIT {
    private static final Path ROOT = Path.of(System.getProperty("starbench.root", ".."));
    private static final Path DEB_DIR = Path.of(System.getProperty("starbench.deb.dir", "target"));
    private static final String VERSION = System.getProperty("starbench.version", "0.1.0-SNAPSHOT");

    private Path deb;

    @BeforeClass
    public void findThePackage() throws IOException {
        try (Stream<Path> files = Files.list(DEB_DIR)) {
            List<Path> debs = files.filter(p -> p.getFileName().toString().matches("starbench_.*_all\\.deb")).toList();
            assertEquals(debs.size(), 1, "one package in " + DEB_DIR + ": " + debs);
            deb = debs.get(0);
        }
        assertEquals(deb.getFileName().toString(), "starbench_" + debianVersion() + "_all.deb");
    }

    @Test
    public void theControlFileNamesThePackageItsJavaAndWhatItRecommends() throws Exception {
        Map<String, String> control = control(deb);
        assertEquals(control.get("Package"), "starbench");
        assertEquals(control.get("Version"), debianVersion());
        assertEquals(control.get("Architecture"), "all");
        assertTrue(control.get("Depends").contains("default-jre-headless (>= 2:1.17) | java17-runtime-headless"),
                control.get("Depends"));
        for (String recommended : List.of("socat", "openocd", "mosquitto-clients")) {
            assertTrue(control.get("Recommends").contains(recommended), control.get("Recommends"));
        }
        assertTrue(control.containsKey("Maintainer") && control.containsKey("Description"), control.toString());
    }

    @Test
    public void everyFileIsWhereABenchLooksForItOwnedByRootWithItsMode() throws Exception {
        Map<String, Entry> files = contents(deb);
        assertFile(files, "/usr/share/starbench/starbench.jar", "-rw-r--r--");
        assertFile(files, "/usr/share/starbench/virtual-dut.jar", "-rw-r--r--");
        assertFile(files, "/usr/bin/starbench", "-rwxr-xr-x");
        assertFile(files, "/usr/share/bash-completion/completions/starbench", "-rw-r--r--");
        assertFile(files, "/usr/share/starbench/schema/fixture.schema.json", "-rw-r--r--");
        assertFile(files, "/usr/share/starbench/schema/device-profile.schema.json", "-rw-r--r--");
        assertFile(files, "/usr/share/doc/starbench/README.md", "-rw-r--r--");
        assertFile(files, "/usr/share/doc/starbench/examples/udev/99-starbench.rules", "-rw-r--r--");
        assertFile(files, "/usr/share/doc/starbench/examples/dnsmasq-starbench.conf", "-rw-r--r--");
        for (String dir : List.of("fixtures", "device-profiles")) {
            for (Path example : list(ROOT.resolve(dir))) {
                assertFile(files, "/usr/share/doc/starbench/examples/" + dir + "/" + example.getFileName(), "-rw-r--r--");
            }
        }
        // the units the nightly work puts in scripts/systemd, whichever exist
        List<Path> units = list(ROOT.resolve("scripts/systemd")).stream()
                .filter(p -> p.toString().endsWith(".service") || p.toString().endsWith(".timer")).toList();
        for (Path unit : units) {
            assertFile(files, "/usr/lib/systemd/system/" + unit.getFileName(), "-rw-r--r--");
        }
        assertEquals(files.keySet().stream().filter(f -> f.startsWith("/usr/lib/systemd/system/")
                && !files.get(f).mode().startsWith("d")).count(), (long) units.size(), files.keySet().toString());
        assertEquals(files.containsKey("/usr/lib/sysusers.d/starbench.conf"),
                Files.exists(ROOT.resolve("scripts/systemd/starbench.sysusers")), "the account's sysusers file");
        for (Entry e : files.values()) {
            assertEquals(e.owner(), "root/root", e.toString());
            assertFalse(e.mode().charAt(0) != 'l' && (e.mode().charAt(5) == 'w' || e.mode().charAt(8) == 'w'),
                    "writable by others: " + e);
            assertFalse(e.path().startsWith("/var/") || e.path().startsWith("/etc/"),
                    "state and configuration are made by the scripts, not shipped: " + e);
        }
    }

    @Test
    public void theMaintainerScriptsAreExecutableShellThatParses() throws Exception {
        Path control = Files.createTempDirectory("starbench-control");
        run(List.of("dpkg-deb", "-e", deb.toString(), control.resolve("DEBIAN").toString()));
        for (String script : List.of("postinst", "prerm", "postrm")) {
            Path file = control.resolve("DEBIAN").resolve(script);
            assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), "rwxr-xr-x", script);
            assertTrue(Files.readString(file).startsWith("#!/bin/sh\n"), script);
            run(List.of("sh", "-n", file.toString()));
        }
        run(List.of("sh", "-n", ROOT.resolve("packaging/deb/starbench").toString()));
    }

    @Test(timeOut = 300_000)
    public void itInstallsIntoAThrowawayRootWhereTheLauncherAndTheDoctorRun() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new SkipException("dpkg --root and the postinst's chown need root (CI runs as root)");
        }
        Path root = throwawayRoot();
        String realPasswd = Files.readString(Path.of("/etc/passwd"));
        String realGroup = Files.readString(Path.of("/etc/group"));
        dpkg(root, "-i", deb.toString());
        assertEquals(Files.readString(Path.of("/etc/passwd")), realPasswd, "this machine's accounts are untouched");
        assertEquals(Files.readString(Path.of("/etc/group")), realGroup, "this machine's groups are untouched");

        String passwd = Files.readString(root.resolve("etc/passwd"));
        assertTrue(passwd.matches("(?s).*\nstarbench:x:\\d+:\\d+:[^:]*:/var/lib/starbench:/usr/sbin/nologin\n.*"), passwd);
        String group = Files.readString(root.resolve("etc/group"));
        assertTrue(group.contains("\ndialout:x:20:starbench\n"), group);
        assertTrue(group.matches("(?s).*\ngpio:x:\\d+:starbench\n.*"), "the gpio group is made where missing: " + group);
        String uid = passwd.replaceAll("(?s).*\nstarbench:x:(\\d+):.*", "$1");
        for (String dir : List.of("var/lib/starbench", "var/lib/starbench/reports")) {
            PosixFileAttributes a = Files.readAttributes(root.resolve(dir), PosixFileAttributes.class);
            assertEquals(PosixFilePermissions.toString(a.permissions()), "rwxr-x---", dir);
            assertEquals(run(List.of("stat", "-c", "%u", root.resolve(dir).toString())).strip(), uid, dir);
        }
        Path launcher = root.resolve("usr/bin/starbench");
        assertTrue(run(List.of(launcher.toString(), "--version")).startsWith("starbench " + VERSION + " (git "));

        // the installed doctor on the installed virtual example: its relative paths (the virtual DUT's
        // jar, the schema on the first line) hold in /usr/share/doc as in the repository
        Path examples = root.resolve("usr/share/doc/starbench/examples");
        Path home = Files.createTempDirectory("starbench-home");
        ProcessBuilder doctorCommand = new ProcessBuilder(launcher.toString(), "doctor",
                "--fixture", examples.resolve("fixtures/virtual.yaml").toString(),
                "--out", home.resolve("reports").toString()).redirectErrorStream(true);
        doctorCommand.environment().put("STARBENCH_JAVA_OPTS", "-Duser.home=" + home);
        Process doctor = doctorCommand.start();
        doctor.getOutputStream().close();
        String report = read(doctor);
        assertEquals(doctor.exitValue(), 0, report);
        assertTrue(report.contains("PASS  tools") && report.contains("virtual-dut.jar"), report);
        for (String dir : List.of("fixtures", "device-profiles")) {
            for (Path example : list(examples.resolve(dir))) {
                String schema = Files.readAllLines(example).get(0).replace("# yaml-language-server: $schema=", "");
                assertTrue(Files.isRegularFile(example.getParent().resolve(schema)), example + " names " + schema);
            }
        }
        run(List.of("bash", "-n", root.resolve("usr/share/bash-completion/completions/starbench").toString()));

        // again, as an upgrade: nothing doubled, nothing lost
        dpkg(root, "-i", deb.toString());
        assertEquals(Files.readString(root.resolve("etc/passwd")), passwd);
        assertEquals(Files.readString(root.resolve("etc/group")), group);

        // purge keeps a report, removes the package's files, and leaves the account (Debian's way)
        Files.writeString(root.resolve("var/lib/starbench/reports/kept.txt"), "evidence");
        dpkg(root, "-P", "starbench");
        assertTrue(Files.exists(root.resolve("var/lib/starbench/reports/kept.txt")));
        assertFalse(Files.exists(launcher));
        assertTrue(Files.readString(root.resolve("etc/passwd")).contains("\nstarbench:x:"));
    }

    @Test(timeOut = 300_000)
    public void whateverUnitsScriptsSystemdHoldsAreShippedAsSystemdUnits() throws Exception {
        // A build of our own with a units directory the test makes: the mapping is proven whether or
        // not the repository has units yet, and no placeholder unit is ever shipped.
        Path units = Files.createTempDirectory("starbench-units");
        Files.writeString(units.resolve("starbench-placeholder.service"), "[Unit]\nDescription=placeholder\n");
        Files.writeString(units.resolve("starbench-placeholder.timer"), "[Timer]\nOnCalendar=daily\n");
        Files.writeString(units.resolve("starbench.sysusers"), "u starbench - \"StarBench\" /var/lib/starbench\n");
        Files.writeString(units.resolve("README"), "not a unit\n");
        Path out = units.resolve("test.deb");
        run(List.of("mvn", "-o", "-q", "-B", "-f", ROOT.resolve("packaging/pom.xml").toString(),
                "org.vafer:jdeb:" + System.getProperty("jdeb.version") + ":jdeb@deb",
                "-Dstarbench.systemd.dir=" + units, "-Dstarbench.deb.file=" + out));
        Map<String, Entry> files = contents(out);
        assertFile(files, "/usr/lib/systemd/system/starbench-placeholder.service", "-rw-r--r--");
        assertFile(files, "/usr/lib/systemd/system/starbench-placeholder.timer", "-rw-r--r--");
        assertFile(files, "/usr/lib/sysusers.d/starbench.conf", "-rw-r--r--");
        assertFalse(files.containsKey("/usr/lib/systemd/system/README"), files.keySet().toString());
    }

    // ---- helpers

    private record Entry(String mode, String owner, String path, String target) {
    }

    private static void assertFile(Map<String, Entry> files, String path, String mode) {
        Entry e = files.get(path);
        assertTrue(e != null, path + " is missing from the package: " + files.keySet());
        assertEquals(e.mode(), mode, path);
    }

    private static Map<String, Entry> contents(Path deb) throws Exception {
        Map<String, Entry> files = new LinkedHashMap<>();
        for (String line : run(List.of("dpkg-deb", "-c", deb.toString())).split("\n")) {
            // drwxr-xr-x root/root         0 2026-12-01 18:38 ./usr/   (a link ends " -> target")
            String[] f = line.trim().split("\\s+", 6);
            String name = f[5];
            String target = null;
            int arrow = name.indexOf(" -> ");
            if (arrow >= 0) {
                target = name.substring(arrow + 4);
                name = name.substring(0, arrow);
            }
            String path = name.substring(1).replaceAll("/$", "");
            files.put(path, new Entry(f[0], f[1], path, target));
        }
        return files;
    }

    private static Map<String, String> control(Path deb) throws Exception {
        Map<String, String> fields = new HashMap<>();
        String key = null;
        for (String line : run(List.of("dpkg-deb", "-f", deb.toString())).split("\n")) {
            if (line.startsWith(" ") && key != null) {
                fields.merge(key, "\n" + line, String::concat);
            } else if (line.contains(": ")) {
                key = line.substring(0, line.indexOf(": "));
                fields.put(key, line.substring(line.indexOf(": ") + 2));
            }
        }
        return fields;
    }

    // A root with just what dpkg and the maintainer scripts read: its own dpkg database and the
    // account files of a fresh Debian (dialout exists, gpio does not).
    private static Path throwawayRoot() throws IOException {
        Path root = Files.createTempDirectory("starbench-root");
        for (String dir : List.of("etc", "var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers")) {
            Files.createDirectories(root.resolve(dir));
        }
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.writeString(root.resolve("etc/shadow"), "root:*:19000:0:99999:7:::\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\ndialout:x:20:\n");
        Files.writeString(root.resolve("etc/gshadow"), "root:*::\ndialout:*::\n");
        Files.createFile(root.resolve("var/lib/dpkg/status"));
        Files.createFile(root.resolve("var/lib/dpkg/available"));
        return root;
    }

    // Java and passwd are not in the throwaway root's database; everything else is dpkg's own doing.
    private static void dpkg(Path root, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("dpkg", "--root=" + root, "--force-script-chrootless",
                "--force-depends", "--log=/dev/null"));
        command.addAll(List.of(args));
        run(command);
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static String debianVersion() {
        return VERSION.replace("-SNAPSHOT", "~SNAPSHOT");
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = read(p);
        assertEquals(p.exitValue(), 0, command + ":\n" + out);
        return out;
    }

    private static String read(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "still running");
        return out;
    }
}
