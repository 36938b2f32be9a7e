package apprentice.app.evaluate;

import apprentice.core.image.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Writes the report folder: {@code records.jsonl} (one line per prompt and method), one PNG chart per quality
 * measure and task, and {@code report.md} with the tables, the charts, the conclusion and how the run was made.
 * Every file is written atomically (temporary file, then rename), the report last, so a reader never sees a report
 * pointing at missing or half-written files.
 */
public final class ReportWriter {
    public static final String REPORT = "report.md";
    public static final String RECORDS = "records.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReportWriter() {
    }

    /** A chart of the report: file name, title, the y measure and the x measure. */
    record Plot(String file, String task, String title, String yLabel, ToDoubleFunction<MethodSummary> y, String xLabel,
                ToDoubleFunction<MethodSummary> x) {
    }

    static List<Plot> plots() {
        ToDoubleFunction<MethodSummary> nfe = MethodSummary::avgNfe;
        String nfeLabel = "average NFE per image (UNet evaluations, CFG counted once)";
        return List.of(
                new Plot("generate-oracle.png", Methods.TASK_GENERATE, "Text-to-image: oracle score vs NFE", "mean oracle score",
                        MethodSummary::meanScore, nfeLabel, nfe),
                new Plot("generate-clip.png", Methods.TASK_GENERATE, "Text-to-image: CLIP score vs NFE", "mean CLIP score",
                        MethodSummary::meanClip, nfeLabel, nfe),
                new Plot("generate-fd.png", Methods.TASK_GENERATE, "Text-to-image: Fréchet distance to real images (lower is better)",
                        "Fréchet distance (embedding space)", MethodSummary::fd, nfeLabel, nfe),
                new Plot("generate-time.png", Methods.TASK_GENERATE, "Text-to-image: oracle score vs wall time", "mean oracle score",
                        MethodSummary::meanScore, "wall time per image (s, measured per stage)", MethodSummary::meanSeconds),
                new Plot("edit-oracle.png", Methods.TASK_EDIT, "Editing: oracle score vs NFE", "mean oracle score (edit prompt)",
                        MethodSummary::meanScore, nfeLabel, nfe),
                new Plot("edit-clip.png", Methods.TASK_EDIT, "Editing: CLIP score vs NFE", "mean CLIP score (edit prompt)",
                        MethodSummary::meanClip, nfeLabel, nfe),
                new Plot("edit-psnr.png", Methods.TASK_EDIT, "Editing: faithfulness to the input vs NFE", "mean PSNR to the input (dB)",
                        MethodSummary::meanPsnr, nfeLabel, nfe),
                new Plot("edit-fd.png", Methods.TASK_EDIT, "Editing: Fréchet distance to real images (lower is better)",
                        "Fréchet distance (embedding space)", MethodSummary::fd, nfeLabel, nfe));
    }

    /** Writes the folder (created when missing); returns the report's path. */
    public static Path write(Path dir, Report report) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve(RECORDS), out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            for (EvalRecord r : report.records()) {
                w.write(JSON.writeValueAsString(r.toJson()));
                w.write('\n');
            }
            w.flush();
        });
        List<String> written = new ArrayList<>();
        for (Plot p : plots()) {
            Chart chart = chart(p, report.summaries());
            if (!chart.series().isEmpty()) {
                chart.write(dir.resolve(p.file()));
                written.add(p.file());
            }
        }
        String md = markdown(report, written);
        Path file = dir.resolve(REPORT);
        AtomicFiles.write(file, out -> out.write(md.getBytes(StandardCharsets.UTF_8)));
        return file;
    }

    static Chart chart(Plot p, List<MethodSummary> summaries) {
        Chart c = new Chart(p.title(), p.xLabel(), p.yLabel());
        Map<String, List<MethodSummary>> byMethod = new LinkedHashMap<>();
        for (MethodSummary s : summaries) {
            if (s.task().equals(p.task())) {
                byMethod.computeIfAbsent(s.method(), m -> new ArrayList<>()).add(s);
            }
        }
        for (var e : byMethod.entrySet()) {
            List<Chart.Point> pts = e.getValue().stream().map(s -> new Chart.Point(p.x().applyAsDouble(s), p.y().applyAsDouble(s))).toList();
            c.add(new Chart.Series(label(e.getKey(), e.getValue()), pts, pts.size() > 1));
        }
        return c;
    }

    /** A series' legend label: what the method is and the range of its knob. */
    static String label(String method, List<MethodSummary> points) {
        String range = range(points);
        return switch (method) {
            case Methods.STUDENT -> "student (" + range + " steps)";
            case Methods.DDIM -> "teacher DDIM (" + range + " steps)";
            case Methods.DPM -> "teacher DPM-Solver++ (" + range + ")";
            case Methods.REFINE_ALL -> "refine everything (n = " + range + ")";
            case Methods.ADAPTIVE -> "adaptive refine (k = " + range + ")";
            case Methods.ADAPTIVE_REGENERATE -> "regenerate rejected (k)";
            case Methods.ADAPTIVE_AUTO -> "auto: regen < k/2, refine rest";
            case Methods.ADAPTIVE_ONLINE -> "online gate, no calibration (k)";
            case Methods.EDIT_STUDENT -> "student edit";
            case Methods.EDIT_TEACHER -> "teacher edit";
            case Methods.EDIT_REFINE_ALL -> "refine every edit";
            case Methods.EDIT_ADAPTIVE -> "adaptive edit (k = " + range + ")";
            default -> method.startsWith(Methods.ADAPTIVE_BEST_OF) ? "best-of-" + method.substring(Methods.ADAPTIVE_BEST_OF.length() + 1)
                    + " drafts + adaptive (k)" : method;
        };
    }

    private static String range(List<MethodSummary> points) {
        double lo = points.stream().mapToDouble(MethodSummary::param).min().orElse(0);
        double hi = points.stream().mapToDouble(MethodSummary::param).max().orElse(0);
        return lo == hi ? Claims.fmt(lo) : Claims.fmt(lo) + "–" + Claims.fmt(hi);
    }

    static String markdown(Report r, List<String> pngs) {
        StringBuilder md = new StringBuilder();
        md.append("# apprentice evaluate: adaptive teacher–student on ").append(r.context().getOrDefault("family", "the model family")).append("\n\n");
        md.append("Generated by `apprentice evaluate`; do not edit by hand — rerun the command below. How to read it: "
                + "[docs/evaluation.md](../evaluation.md).\n\n");
        md.append("## Run\n\n");
        for (var e : r.context().entrySet()) {
            String v = e.getValue();
            md.append("* **").append(e.getKey()).append("**: ").append(e.getKey().equals("command") ? "`" + v + "`" : v).append('\n');
        }
        md.append("\n## Conclusion: the paper's claims on this family\n\n");
        for (Claims.Claim c : r.claims()) {
            md.append("### ").append(c.title()).append("\n\n");
            md.append("*Paper:* ").append(c.paper()).append(".  \n");
            md.append("**Verdict: ").append(c.verdict()).append(".**\n\n");
            for (String e : c.evidence()) {
                md.append("* ").append(e).append('\n');
            }
            md.append('\n');
        }
        if (!r.beyond().isEmpty()) {
            md.append("### Beyond the paper (against adaptive refinement at the same k, paired)\n\n");
            for (String b : r.beyond()) {
                md.append("* ").append(b).append('\n');
            }
            md.append('\n');
        }
        if (!r.notes().isEmpty()) {
            md.append("### Caveats\n\n");
            for (String n : r.notes()) {
                md.append("* ").append(n).append('\n');
            }
            md.append('\n');
        }
        md.append("## Text-to-image\n\n");
        table(md, r.summaries(), Methods.TASK_GENERATE, false);
        languages(md, r);
        for (String p : pngs) {
            if (p.startsWith("generate")) {
                md.append("![").append(p).append("](").append(p).append(")\n\n");
            }
        }
        if (r.summaries().stream().anyMatch(s -> s.task().equals(Methods.TASK_EDIT))) {
            md.append("## Editing\n\n");
            table(md, r.summaries(), Methods.TASK_EDIT, true);
            for (String p : pngs) {
                if (p.startsWith("edit")) {
                    md.append("![").append(p).append("](").append(p).append(")\n\n");
                }
            }
        }
        md.append("## Files\n\n* `").append(RECORDS).append("`: one line per prompt and method (task, prompt, method, param, route, "
                + "score, clip_score, nfe, seconds, psnr); every number above is computed from it.\n");
        return md.toString();
    }

    private static void table(StringBuilder md, List<MethodSummary> summaries, String task, boolean edit) {
        md.append("| method | setting | avg NFE | teacher share | oracle score | CLIP score | Fréchet distance |")
                .append(edit ? " PSNR to input (dB) |" : "").append(" wall time / image (s) |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|").append(edit ? "---:|" : "").append("---:|\n");
        for (MethodSummary s : summaries) {
            if (!s.task().equals(task)) {
                continue;
            }
            md.append("| ").append(s.method()).append(" | ").append(setting(s)).append(" | ").append(num(s.avgNfe(), 2)).append(" | ")
                    .append(s.gated() || s.method().contains("refine") ? num(s.teacherShare(), 1) + "%" : "–").append(" | ")
                    .append(num(s.meanScore(), 3)).append(" | ").append(num(s.meanClip(), 3)).append(" | ").append(num(s.fd(), 3))
                    .append(" | ");
            if (edit) {
                md.append(num(s.meanPsnr(), 2)).append(" | ");
            }
            md.append(num(s.meanSeconds(), 4)).append(" |\n");
        }
        md.append('\n');
    }

    /** Japanese prompts hold kana or CJK ideographs; everything else counts as English (the default set's two languages). */
    static String language(String prompt) {
        return prompt.codePoints().anyMatch(c -> (c >= 0x3040 && c <= 0x30FF) || (c >= 0x4E00 && c <= 0x9FFF)) ? "Japanese" : "English";
    }

    /** The claims' methods split by prompt language: mean oracle score, the adaptive share and the student's wins. */
    private static void languages(StringBuilder md, Report r) {
        Claims claims = new Claims(r.records(), r.summaries(), r.settings(), false);
        double k = claims.operatingK();
        int teacher = claims.teacherReference();
        int half = (int) Math.round(r.settings().teacher().steps() / 2.0);
        int refine = r.settings().refineSteps().stream().min(java.util.Comparator.comparingInt(x -> Math.abs(x - half))).orElseThrow();
        List<String> langs = r.records().stream().map(x -> language(x.promptText())).distinct().sorted().toList();
        if (langs.size() < 2) {
            return;
        }
        md.append("### By prompt language (mean oracle score)\n\n| language | prompts | student ").append(r.settings().student().steps())
                .append(" steps | teacher DDIM ").append(teacher).append(" | refine-all ").append(refine).append(" | adaptive k = ")
                .append(Claims.fmt(k)).append(" | its teacher share | student wins vs teacher |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String lang : langs) {
            List<EvalRecord> student = only(claims.of(Methods.STUDENT, r.settings().student().steps()), lang);
            List<EvalRecord> ddim = only(claims.of(Methods.DDIM, teacher), lang);
            List<EvalRecord> adaptive = only(claims.of(Methods.ADAPTIVE, k), lang);
            Paired wins = Paired.of(student, ddim, EvalRecord::score);
            md.append("| ").append(lang).append(" | ").append(student.size()).append(" | ")
                    .append(num(MethodSummary.mean(student, EvalRecord::score), 3)).append(" | ")
                    .append(num(MethodSummary.mean(ddim, EvalRecord::score), 3)).append(" | ")
                    .append(num(MethodSummary.mean(only(claims.of(Methods.REFINE_ALL, refine), lang), EvalRecord::score), 3)).append(" | ")
                    .append(num(MethodSummary.mean(adaptive, EvalRecord::score), 3)).append(" | ")
                    .append(num(adaptive.isEmpty() ? Double.NaN : 100.0 * adaptive.stream().filter(EvalRecord::sentToTeacher).count()
                            / adaptive.size(), 1)).append("% | ")
                    .append(num(wins.winShare(), 1)).append("% |\n");
        }
        md.append('\n');
    }

    private static List<EvalRecord> only(List<EvalRecord> records, String lang) {
        return records.stream().filter(x -> language(x.promptText()).equals(lang)).toList();
    }

    private static String setting(MethodSummary s) {
        String p = Claims.fmt(s.param());
        return s.gated() ? "k = " + p : s.method().contains("refine") ? p + " teacher steps" : p + " steps";
    }

    static String num(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "–";
    }
}
