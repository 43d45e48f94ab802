package dev.starbench.vdut;

import dev.starbench.vdut.Session.Echo;
import dev.starbench.vdut.Session.End;
import dev.starbench.vdut.Session.Line;
import dev.starbench.vdut.contract.Flaw;
import dev.starbench.vdut.contract.SimulationSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the device runs from one power-on: U-Boot, the kernel, then a login or a root console.
 * Output mimics the real programs closely enough that the bench's prompt and secret detectors are
 * exercised as on hardware. Nothing here is destructive, so nothing here needs a guard.
 */
final class Firmware {
    interface Factory {
        Firmware create(Board board, Accounts accounts);
    }

    static final String BANNER = "U-Boot 2024.01-vdut (Nov 01 2026 - 12:00:00 +0000)";
    static final String UBOOT_PROMPT = "=> ";
    static final String ROOT_PROMPT = "~ # ";
    static final String USER_PROMPT = "~ $ ";
    static final String FIRMWARE_VERSION = "VCAM-1 firmware 1.4.2";
    static final String WIFI_SECRET = "Sup3rS3cret-wifi";
    /** A throw-away P-256 key, generated for this simulator; it protects nothing. */
    static final List<String> DEVICE_KEY = List.of(
            "-----BEGIN EC PRIVATE KEY-----",
            "MHcCAQEEIAjttIV00qG+FNakK/EZUR6fuysYY95lC+5k50A41gpXoAoGCCqGSM49",
            "AwEHoUQDQgAEa0P1xAMxAfnoEOEBh9Dnrf5VCGT5MvJiFDdGRSydSnRLEwbLKVS7",
            "sSj25As9u/gGyi1CSgCGqnV13uJfVM9rAw==",
            "-----END EC PRIVATE KEY-----");

    private static final int UBOOT_LINE_MAX = 255;
    /** How long the ANSI shell waits for the terminal's cursor report before it reads input anyway. */
    private static final long CURSOR_REPORT_WAIT_MS = 5000;
    private static final int SHELL_LINE_MAX = 1023;

    /** What a device nobody has set up shows after its boot: its setup mode. */
    static final String SETUP_MODE = "vcam-setup: not set up yet: setup mode (access point VCAM-SETUP, waiting for the app)";

    private final SimulationSettings sim;
    private final PersistentState state;
    private final Ota ota;
    private final UserData userData;
    private final Accounts accounts;
    private final BootEnvironment bootEnvironment;
    private final Board board;
    private Session s;
    private String lastUbootCommand = "";
    /** What the config daemon says at this boot about a torn file of the owner's data; null when it was sound. */
    private String tornNotice;

    /**
     * @param ota      the firmware slots and update agent; null for a device without one
     * @param accounts the account database of this power-on, shared with the network's login surfaces
     */
    Firmware(SimulationSettings sim, PersistentState state, Ota ota, UserData userData, BootEnvironment bootEnvironment,
             Board board, Accounts accounts) {
        this.sim = sim;
        this.state = state;
        this.ota = ota;
        this.userData = userData;
        this.accounts = accounts;
        this.bootEnvironment = bootEnvironment;
        this.board = board;
    }

    void run(Session session) throws InterruptedException, IOException {
        s = session;
        boolean coldBoot = true;
        while (coldBoot) {
            long count = state.recordBoot();
            System.err.println("vdut: boot #" + count);
            tornNotice = userData.load();
            if (!bootEnvironment.start(s, board)) {
                while (true) {
                    s.read();
                }
            }
            s.beside("vdut-userdata-boot-write", userData::recordBoot);
            uBoot();
            if (autobootStopped()) {
                coldBoot = bootloaderPrompt();
            } else {
                coldBoot = false;
            }
        }
        if (ota != null && !ota.boot(s)) {
            while (true) {
                s.read();
            }
        }
        kernel();
        try {
            userland();
        } finally {
            if (ota != null) {
                ota.stopAgent(s);
            }
        }
    }

    // ---- U-Boot ----------------------------------------------------------------------------------

    private void uBoot() throws InterruptedException, IOException {
        s.pause(20);
        s.println("");
        s.println(BANNER);
        s.println("");
        lines(10, "CPU:   ARMv7 Processor rev 5 (v7l)",
                "Model: VCAM-1 camera board",
                "DRAM:  256 MiB");
        s.pause(30);
        lines(10, "Core:  42 devices, 14 uclasses, devicetree: separate",
                "MMC:   mmc@2190000: 0",
                "Loading Environment from MMC... OK",
                "In:    serial",
                "Out:   serial",
                "Err:   serial",
                "Net:   eth0: ethernet@2188000");
    }

    /** The autoboot window; true when it was stopped and the bootloader prompt follows. */
    private boolean autobootStopped() throws InterruptedException, IOException {
        int delay = sim.bootdelayS();
        // Real U-Boot flushes what was typed while it initialised; only keys inside the window count.
        s.flushInput();
        if (sim.has(Flaw.BOOTLOADER_OPEN)) {
            return anyKeyCountdown(delay);
        }
        s.println("Autobooting in " + delay + " seconds");
        long deadline = System.nanoTime() + delay * 1_000_000_000L;
        String key = sim.autobootStop();
        StringBuilder typed = new StringBuilder();
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            int c = s.read(left);
            if (c >= 0 && key != null) {
                typed.append((char) c);
                if (typed.length() > key.length()) {
                    typed.delete(0, typed.length() - key.length());
                }
                if (typed.toString().equals(key)) {
                    return true;
                }
            }
        }
    }

    /** U-Boot's abortboot_single_key, including its backspace-overwritten counter. */
    private boolean anyKeyCountdown(int delay) throws InterruptedException, IOException {
        s.print(String.format("Hit any key to stop autoboot: %2d ", delay));
        boolean abort = false;
        if (s.read(0) >= 0) {
            s.print("\b\b\b 0");
            abort = true;
        }
        while (delay > 0 && !abort) {
            delay--;
            long deadline = System.nanoTime() + 1_000_000_000L;
            long left;
            while ((left = (deadline - System.nanoTime()) / 1_000_000) > 0) {
                if (s.read(left) >= 0) {
                    abort = true;
                    delay = 0;
                    break;
                }
            }
            s.print(String.format("\b\b\b%2d ", delay));
        }
        s.print("\r\n");
        return abort;
    }

    /** Runs the bootloader prompt; true for a cold reset, false to go on to the kernel. */
    private boolean bootloaderPrompt() throws InterruptedException, IOException {
        while (true) {
            s.print(UBOOT_PROMPT);
            Line line = s.readLine(Echo.ON, UBOOT_LINE_MAX, false);
            if (line.end() == End.CTRL_C) {
                s.println("<INTERRUPT>");
                continue;
            }
            if (line.end() != End.ENTER) {
                continue;
            }
            String text = line.text();
            // U-Boot repeats the previous command on an empty line; a line of blanks replaces it and does nothing.
            if (text.isEmpty()) {
                text = lastUbootCommand;
            } else {
                lastUbootCommand = text;
            }
            for (String command : text.split(";")) {
                String[] words = command.trim().split("[ \t]+");
                switch (words[0]) {
                    case "" -> {
                    }
                    case "version" -> {
                        s.println("");
                        s.println(BANNER);
                        s.println("");
                        s.println("aarch64-linux-gnu-gcc (GCC) 12.2.0");
                        s.println("GNU ld (GNU Binutils) 2.40");
                    }
                    case "printenv" -> printenv(words);
                    case "help", "?" -> help();
                    case "boot", "bootm", "bootd" -> {
                        return false;
                    }
                    case "reset" -> {
                        s.println("resetting ...");
                        s.pause(50);
                        return true;
                    }
                    default -> s.println("Unknown command '" + words[0] + "' - try 'help'");
                }
            }
        }
    }

    private Map<String, String> environment() {
        Map<String, String> env = new TreeMap<>();
        env.put("arch", "arm");
        env.put("baudrate", String.valueOf(sim.baud()));
        env.put("board", "vcam1");
        env.put("bootargs", "console=ttyS0," + sim.baud() + " root=/dev/mmcblk0p2 rootwait");
        env.put("bootcmd", "mmc dev 0; load mmc 0:1 ${loadaddr} uImage; bootm ${loadaddr}");
        env.put("bootdelay", String.valueOf(sim.bootdelayS()));
        env.put("ethaddr", "02:00:5e:10:00:01");
        env.put("loadaddr", "0x82000000");
        env.put("stderr", "serial");
        env.put("stdin", "serial");
        env.put("stdout", "serial");
        return env;
    }

    private void printenv(String[] words) throws InterruptedException, IOException {
        Map<String, String> env = environment();
        if (words.length > 1) {
            for (int i = 1; i < words.length; i++) {
                String value = env.get(words[i]);
                s.println(value == null ? "## Error: \"" + words[i] + "\" not defined" : words[i] + "=" + value);
            }
            return;
        }
        int size = 0;
        for (Map.Entry<String, String> e : env.entrySet()) {
            s.println(e.getKey() + "=" + e.getValue());
            size += e.getKey().length() + e.getValue().length() + 2;
        }
        s.println("");
        s.println("Environment size: " + size + "/65532 bytes");
    }

    private void help() throws InterruptedException, IOException {
        lines(0, "?         - alias for 'help'",
                "boot      - boot default, i.e., run 'bootcmd'",
                "bootd     - boot default, i.e., run 'bootcmd'",
                "bootm     - boot application image from memory",
                "help      - print command description/usage",
                "printenv  - print environment variables",
                "reset     - Perform RESET of the CPU",
                "version   - print monitor, compiler and linker version");
    }

    // ---- Linux -----------------------------------------------------------------------------------

    private void kernel() throws InterruptedException, IOException {
        lines(10, "switch to partitions #0, OK",
                "mmc0 is current device",
                "4315784 bytes read in 191 ms (21.5 MiB/s)",
                "## Booting kernel from Legacy Image at 82000000 ...",
                "   Image Name:   Linux-5.15.0-vdut",
                "   Verifying Checksum ... OK",
                "   Loading Kernel Image");
        s.println("");
        s.println("Starting kernel ...");
        s.println("");
        s.pause(60);
        lines(10, "[    0.000000] Booting Linux on physical CPU 0x0",
                "[    0.000000] Linux version 5.15.0-vdut (builder@vdut) (arm-linux-gnueabihf-gcc (GCC) 12.2.0,"
                        + " GNU ld (GNU Binutils) 2.40) #1 SMP PREEMPT Sat Nov 1 12:00:00 UTC 2026",
                "[    0.000000] CPU: ARMv7 Processor [410fc075] revision 5 (ARMv7), cr=10c5387d",
                "[    0.000000] OF: fdt: Machine model: VCAM-1 camera board",
                "[    0.000000] Memory: 245760K/262144K available",
                "[    0.000000] Kernel command line: console=ttyS0," + sim.baud() + " root=/dev/mmcblk0p2 rootwait",
                "[    0.912000] mmc0: new high speed SDHC card at address 0001",
                "[    1.204000] EXT4-fs (mmcblk0p2): mounted filesystem with ordered data mode. Quota mode: none.",
                "[    1.310000] Run /sbin/init as init process",
                "Starting syslogd: OK",
                "Starting network: OK");
        if (sim.has(Flaw.SECRET_IN_BOOTLOG)) {
            s.println("[    2.100000] wlan0: connecting with psk=" + WIFI_SECRET);
            s.println("Provisioning device identity:");
            for (String line : DEVICE_KEY) {
                s.println(line);
            }
        }
        lines(10, "Starting camera daemon: OK");
    }

    private void userland() throws InterruptedException, IOException {
        if (ota != null) {
            ota.startAgent(s);
        }
        s.println("");
        if (tornNotice != null) {
            s.println(tornNotice);
        }
        if (!userData.isSetUp()) {
            s.println(SETUP_MODE);
        }
        s.println("Welcome to VCAM");
        // getty flushes what was typed during boot, so keys aimed at the bootloader don't become a login.
        s.flushInput();
        if (sim.has(Flaw.ROOT_CONSOLE)) {
            while (true) {
                shell("root");
            }
        }
        while (true) {
            String user = login();
            shell(user);
        }
    }

    private String login() throws InterruptedException, IOException {
        while (true) {
            s.print(sim.hostname() + " login: ");
            Line user = s.readLine(Echo.ON, 64, true);
            if (user.end() != End.ENTER || user.text().isEmpty()) {
                if (user.end() != End.ENTER) {
                    s.println("");
                }
                continue;
            }
            s.print("Password: ");
            Line password = s.readLine(Echo.OFF, 256, true);
            Accounts.Answer answer = accounts.login(Accounts.Surface.CONSOLE, user.text(),
                    password.end() == End.ENTER ? password.text() : "\u0000");
            if (answer.accepted()) {
                return user.text();
            }
            s.println(answer.failure());
        }
    }

    /** A BusyBox-like shell; returns on exit. */
    private void shell(String user) throws InterruptedException, IOException {
        boolean root = user.equals("root");
        OwnerShell owner = new OwnerShell(s, userData, accounts, board);
        while (true) {
            if (sim.ansiConsole()) {
                // A colour PS1 with a window title, and BusyBox's line editor asking where the cursor is.
                String who = user + "@" + sim.hostname();
                s.print("\u001b]0;" + who + ": ~\u0007\u001b[1;32m" + who + "\u001b[0m:\u001b[1;34m~\u001b[0m" + (root ? "# " : "$ "));
                if (s.askCursorPosition(CURSOR_REPORT_WAIT_MS) == null) {
                    System.err.println("vdut: no terminal answered the cursor position query");
                }
            } else {
                s.print(root ? ROOT_PROMPT : USER_PROMPT);
            }
            Line line = s.readLine(Echo.ON, SHELL_LINE_MAX, true);
            if (line.end() == End.CTRL_C) {
                s.println("^C");
                continue;
            }
            if (line.end() == End.CTRL_D) {
                s.println("");
                return;
            }
            List<String> words;
            try {
                words = ShellWords.split(line.text());
            } catch (ShellWords.SyntaxError e) {
                s.println("sh: " + e.getMessage());
                continue;
            }
            if (words.isEmpty()) {
                continue;
            }
            List<String> args = words.subList(1, words.size());
            switch (words.get(0)) {
                case "exit" -> {
                    return;
                }
                case "echo" -> echo(args);
                case "id" -> s.println(root ? "uid=0(root) gid=0(root) groups=0(root)"
                        : "uid=1000(" + user + ") gid=1000(" + user + ") groups=1000(" + user + ")");
                case "uname" -> uname(args);
                case "cat" -> cat(args);
                case "true", ":" -> {
                }
                default -> {
                    if (!owner.run(words.get(0), args, user)) {
                        s.println("sh: " + words.get(0) + ": not found");
                    }
                }
            }
        }
    }

    private void echo(List<String> args) throws InterruptedException, IOException {
        boolean newline = !args.isEmpty() && args.get(0).equals("-n") ? false : true;
        List<String> words = newline ? args : args.subList(1, args.size());
        s.print(String.join(" ", words) + (newline ? "\r\n" : ""));
    }

    private void uname(List<String> args) throws InterruptedException, IOException {
        String host = sim.hostname();
        if (args.isEmpty()) {
            s.println("Linux");
            return;
        }
        List<String> out = new ArrayList<>();
        for (String a : args) {
            switch (a) {
                case "-a" -> out.add("Linux " + host + " 5.15.0-vdut #1 SMP PREEMPT armv7l GNU/Linux");
                case "-s" -> out.add("Linux");
                case "-n" -> out.add(host);
                case "-r" -> out.add("5.15.0-vdut");
                case "-m" -> out.add("armv7l");
                default -> {
                    s.println("uname: invalid option -- '" + a.replaceFirst("^-", "") + "'");
                    return;
                }
            }
        }
        s.println(String.join(" ", out));
    }

    private void cat(List<String> args) throws InterruptedException, IOException {
        for (String file : args) {
            switch (file) {
                case "/etc/version" -> s.println(ota == null ? FIRMWARE_VERSION : "VCAM-1 firmware " + ota.runningVersion());
                case "/etc/hostname" -> s.println(sim.hostname());
                default -> s.println("cat: can't open '" + file + "': No such file or directory");
            }
        }
    }

    private void lines(long gapMillis, String... lines) throws InterruptedException, IOException {
        for (String line : lines) {
            s.pause(gapMillis);
            s.println(line);
        }
    }
}
