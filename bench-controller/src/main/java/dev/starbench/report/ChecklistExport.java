package dev.starbench.report;

import static dev.starbench.report.Text.html;

import dev.starbench.report.Checklist.CheckRef;
import dev.starbench.report.Checklist.Field;
import dev.starbench.report.Checklist.Item;
import dev.starbench.report.Checklist.Sheet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The ★1 checklist as Markdown, CSV and an HTML section; secret answers appear only as "(provided)". */
public final class ChecklistExport {

    private ChecklistExport() {}

    static final String PROVIDED = "(provided, not shown)";

    public static byte[] markdown(Sheet s) {
        RunRecord.Run run = s.record().run();
        StringBuilder m = new StringBuilder();
        m.append("# JC-STAR ★1 checklist\n\n");
        m.append("- Device: ").append(md(run.deviceName())).append(run.deviceModel() == null ? "" : " (" + md(run.deviceModel()) + ")")
                .append("\n- Firmware: ").append(md(run.firmwareVersion()))
                .append("\n- Run: ").append(md(run.id())).append(", outcome ").append(md(run.outcome()))
                .append("\n- Bench: ").append(md(run.benchId()));
        if (s.technician() != null) {
            m.append("\n- Technician answers: ").append(md(s.technician())).append(" (").append(md(s.answersFile())).append(')');
        }
        m.append("\n- Status: ").append(summary(s)).append("\n\n");
        m.append("| id | requirement | EN 303 645 | status | by | checks |\n|---|---|---|---|---|---|\n");
        for (Item i : s.items()) {
            m.append("| ").append(i.id()).append(" | ").append(md(i.requirement())).append(" | ").append(md(i.etsi()))
                    .append(" | **").append(i.status().label()).append("** | ").append(i.source()).append(" | ")
                    .append(md(checks(i))).append(" |\n");
        }
        List<Item> open = s.items().stream().filter(i -> !i.fields().isEmpty()).toList();
        if (!open.isEmpty()) {
            m.append("\n## Evidence to fill in\n");
            for (Item i : open) {
                m.append("\n### ").append(i.id()).append(": ").append(md(i.requirement())).append(" (")
                        .append(i.status().label()).append(")\n\n");
                for (Field f : i.fields()) {
                    String v = value(i, f);
                    m.append("- [").append(v == null ? " " : "x").append("] ").append(md(f.label())).append(" (`")
                            .append(f.name()).append("`): ").append(v == null ? "____" : md(v)).append('\n');
                }
                if (i.answeredBy() != null) {
                    m.append("- Technician's verdict: ").append(i.answeredBy().name()).append('\n');
                }
                if (i.note() != null) {
                    m.append("- Note: ").append(md(i.note())).append('\n');
                }
            }
        }
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] csv(Sheet s) {
        StringBuilder c = new StringBuilder();
        row(c, List.of("id", "requirement", "en303645", "mode", "status", "by", "checks", "fields", "technician-verdict", "note"));
        for (Item i : s.items()) {
            String fields = i.fields().stream().map(f -> {
                String v = value(i, f);
                return f.name() + "=" + (v == null ? "" : v);
            }).collect(Collectors.joining("; "));
            row(c, List.of(i.id(), i.requirement(), i.etsi(), i.mode().name().toLowerCase(Locale.ROOT), i.status().label(),
                    i.source(), checks(i), fields, i.answeredBy() == null ? "" : i.answeredBy().name(),
                    i.note() == null ? "" : i.note()));
        }
        return c.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The section of report.html; links go to the check sections of the same page. */
    static void section(StringBuilder h, Sheet s) {
        h.append("<section id=\"checklist\">\n<h2>JC-STAR ★1 checklist</h2>\n<p class=\"coverage\">")
                .append(html(summary(s))).append("</p>\n");
        h.append("<table class=\"checklist\">\n<thead><tr><th>Id</th><th>Requirement</th><th>EN 303 645</th>")
                .append("<th>Status</th><th>Evidence</th></tr></thead>\n<tbody>\n");
        for (Item i : s.items()) {
            h.append("<tr id=\"req-").append(i.id()).append("\"><td class=\"mono\">").append(i.id()).append("</td><td>")
                    .append(html(i.requirement())).append("</td><td>").append(html(i.etsi())).append("</td><td>")
                    .append("<span class=\"badge s-").append(i.status().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                    .append("\">").append(html(i.status().label())).append("</span></td><td>");
            List<String> parts = new ArrayList<>();
            for (CheckRef r : i.checks()) {
                parts.add("<a class=\"mono\" href=\"#check-" + r.index() + "\">" + html(r.id()) + "</a> "
                        + r.verdict().name().replace('_', ' '));
            }
            if (!parts.isEmpty()) {
                h.append(String.join("<br>", parts));
            }
            if (!i.fields().isEmpty() && i.status() != Checklist.Status.FAIL || i.answeredBy() != null) {
                h.append("<dl class=\"fields\">");
                for (Field f : i.fields()) {
                    String v = value(i, f);
                    h.append("<dt>").append(html(f.label())).append("</dt><dd>")
                            .append(v == null ? "<span class=\"blank\">to be filled</span>" : html(v)).append("</dd>");
                }
                h.append("</dl>");
            }
            h.append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n<p class=\"note\">Items without a bench verdict are filled with ")
                .append("<span class=\"mono\">starbench checklist --record record.json --answers answers.yaml</span>.</p>\n")
                .append("</section>\n");
    }

    static String summary(Sheet s) {
        long auto = s.items().stream().filter(i -> !i.checks().isEmpty()).count();
        return s.items().size() + " items: " + auto + " with a bench verdict, "
                + s.count(Checklist.Status.PASS) + " PASS, " + s.count(Checklist.Status.FAIL) + " FAIL, "
                + s.count(Checklist.Status.INCONCLUSIVE) + " INCONCLUSIVE, "
                + s.count(Checklist.Status.NOT_APPLICABLE) + " NOT APPLICABLE, "
                + s.count(Checklist.Status.NEEDS_EVIDENCE) + " need technician evidence, "
                + s.count(Checklist.Status.DOCUMENT_REVIEW) + " need document review";
    }

    private static String value(Item i, Field f) {
        String v = i.answers().get(f.name());
        return v == null ? null : f.secret() ? PROVIDED : v;
    }

    private static String checks(Item i) {
        return i.checks().stream().map(r -> r.id() + " " + r.verdict().name()).collect(Collectors.joining(", "));
    }

    private static String md(String s) {
        return Text.markdown(s);
    }

    private static void row(StringBuilder c, List<String> cells) {
        for (int k = 0; k < cells.size(); k++) {
            c.append(k == 0 ? "" : ",").append(Text.csvField(cells.get(k)));
        }
        c.append("\r\n");
    }
}
