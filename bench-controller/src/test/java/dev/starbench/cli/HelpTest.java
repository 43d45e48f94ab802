package dev.starbench.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import org.testng.annotations.Test;

/** Help where a person looks for it, on every command the command line has (walked, not listed). */
public class HelpTest {

    @Test
    public void everyCommandAnswersHelpAndDashHWithItsUsageAndExit0() {
        List<List<String>> paths = commandPaths();
        assertTrue(paths.size() >= 20, paths.toString());
        for (List<String> path : paths) {
            String usage = "Usage: starbench" + (path.isEmpty() ? "" : " " + String.join(" ", path));
            for (String flag : List.of("--help", "-h")) {
                List<String> args = new ArrayList<>(path);
                args.add(flag);
                Out out = run(args);
                assertEquals(out.exit, 0, args + ": " + out.err);
                assertTrue(out.out.contains(usage), args + " printed: " + out.out + out.err);
            }
        }
    }

    @Test
    public void helpCmdShowsTheSameUsageAsCmdHelp() {
        for (List<String> path : commandPaths()) {
            if (path.isEmpty() || path.get(path.size() - 1).equals("help")) {
                continue;
            }
            List<String> args = new ArrayList<>(path.subList(0, path.size() - 1));
            args.add("help");
            args.add(path.get(path.size() - 1));
            Out viaHelp = run(args);
            List<String> direct = new ArrayList<>(path);
            direct.add("--help");
            assertEquals(viaHelp.exit, 0, args + ": " + viaHelp.err);
            assertEquals(viaHelp.out, run(direct).out, args.toString());
        }
    }

    @Test
    public void commandsWithRequiredOptionsStillAnswerHelp() {
        Out run = run(List.of("run", "--help"));
        assertEquals(run.exit, 0, run.err);
        assertTrue(run.out.contains("--fixture") && !run.err.contains("Missing required"), run.out + run.err);
        Out sign = run(List.of("image", "sign", "--help"));
        assertEquals(sign.exit, 0, sign.err);
        assertTrue(sign.out.contains("--version=V"), "image sign keeps its own --version: " + sign.out);
    }

    @Test
    public void bashCompletionCompletesCommandsAndTheirOptions() throws Exception {
        Out script = run(List.of("generate-completion"));
        assertEquals(script.exit, 0, script.err);
        Path file = Files.createTempFile("starbench-completion", ".bash");
        Files.writeString(file, script.out);
        assertEquals(bash("bash -n " + file), "");
        assertEquals(complete(file, "starbench sch"), "schema");
        assertTrue(complete(file, "starbench run --fi").contains("--fixture"), complete(file, "starbench run --fi"));
        assertEquals(complete(file, "starbench image si"), "sign");
    }

    // What bash would offer after the line, the way `complete -F` calls the function.
    private static String complete(Path script, String line) throws Exception {
        return bash("source " + script + "; COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; "
                + "read -ra COMP_WORDS <<< \"$COMP_LINE\"; COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); "
                + "fn=$(complete -p starbench | sed -n 's/.*-F \\([^ ]*\\).*/\\1/p'); "
                + "$fn starbench \"${COMP_WORDS[-1]}\" \"${COMP_WORDS[-2]}\"; printf '%s\\n' \"${COMPREPLY[@]}\"").strip();
    }

    private static String bash(String script) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bash did not finish");
        assertEquals(p.exitValue(), 0, out);
        return out;
    }

    private static List<List<String>> commandPaths() {
        List<List<String>> paths = new ArrayList<>();
        collect(Main.commandLine(), new ArrayList<>(), paths);
        return paths;
    }

    private static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        cl.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().name().equals(name)) {
                List<String> next = new ArrayList<>(path);
                next.add(name);
                collect(sub, next, out);
            }
        });
    }

    private record Out(int exit, String out, String err) {
    }

    private static Out run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args.toArray(String[]::new));
        return new Out(exit, out.toString(), err.toString());
    }
}
