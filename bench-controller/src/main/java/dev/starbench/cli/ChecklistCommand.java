package dev.starbench.cli;

import dev.starbench.config.ConfigException;
import dev.starbench.config.InputFile;
import dev.starbench.config.StrictYaml;
import dev.starbench.report.Checklist;
import dev.starbench.report.ChecklistAnswers;
import dev.starbench.report.ChecklistExport;
import dev.starbench.report.RecordReader;
import dev.starbench.report.ReportWriter;
import dev.starbench.report.RunRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "checklist", description = {"The JC-STAR ★1 checklist of a run, with a technician's answers merged in.",
        "Writes checklist.md and checklist.csv (checklist-answered.* with --answers) and prints the Markdown."})
final class ChecklistCommand implements Callable<Integer> {
    @Option(names = "--record", required = true, description = "A run's record.json, or its run directory.")
    Path record;

    @Option(names = "--answers", description = "The technician's answers (YAML; see README).")
    Path answers;

    @Option(names = "--out", description = "Where to write (default: the record's directory).")
    Path out;

    @Override
    public Integer call() {
        RunRecord r;
        try {
            r = RecordReader.read(record);
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            return Main.BAD_INPUT;
        }
        Checklist.Sheet sheet;
        try {
            sheet = answers == null ? Checklist.of(r)
                    : ChecklistAnswers.merge(r, answers, StrictYaml.open(answers, InputFile.Kind.ANSWERS));
        } catch (ChecklistAnswers.Invalid | ConfigException e) {
            System.err.println("error: " + e.getMessage());
            return Main.BAD_INPUT;
        }
        Path dir = out != null ? out : (Files.isDirectory(record) ? record : record.toAbsolutePath().getParent());
        String base = answers == null ? "checklist" : "checklist-answered";
        try {
            Files.createDirectories(dir);
            byte[] md = ChecklistExport.markdown(sheet);
            ReportWriter.writeAtomically(dir.resolve(base + ".md"), md);
            ReportWriter.writeAtomically(dir.resolve(base + ".csv"), ChecklistExport.csv(sheet));
            System.out.print(new String(md, StandardCharsets.UTF_8));
            System.out.println();
            System.out.println("wrote " + dir.resolve(base + ".md") + " and " + dir.resolve(base + ".csv"));
            return 0;
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            return Main.REPORT_FAILED;
        }
    }
}
