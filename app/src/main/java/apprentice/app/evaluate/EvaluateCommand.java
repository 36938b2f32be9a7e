package apprentice.app.evaluate;

import apprentice.app.BadInputException;
import apprentice.app.ExitCodes;
import apprentice.app.ShutdownCancellation;
import apprentice.app.ModelLocator;
import apprentice.app.RuntimeChoice;
import apprentice.app.VersionProvider;
import apprentice.core.adaptive.CalibrationFile;
import apprentice.core.adaptive.Calibrator;
import apprentice.core.adaptive.PromptFile;
import apprentice.core.adaptive.StudentSettings;
import apprentice.core.adaptive.StudentStage;
import apprentice.core.adaptive.TeacherSettings;
import apprentice.core.eval.ValidationSet;
import apprentice.core.oracle.Oracle;
import apprentice.core.pipeline.DiffusionPipeline;
import apprentice.core.pipeline.GenerationCancelledException;
import apprentice.core.pipeline.GenerationDefaults;
import apprentice.core.pipeline.ModelComponents;
import apprentice.onnx.oracle.Oracles;
import apprentice.onnx.runtime.RuntimeOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code apprentice evaluate}: the student, the teacher and the adaptive methods on a prompt set, with a Markdown
 * report, PNG plots, per-prompt records and a written conclusion on the paper's claims. Every expensive image is made
 * once per prompt ({@link SampleGenerator}) and the curves are derived from them ({@link Methods}).
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        versionProvider = VersionProvider.class,
        description = {
            "Evaluate adaptive teacher-student generation on a prompt set (default: the family's validation captions, English"
                    + " and Japanese): student 1/2/4 steps, teacher DDIM and DPM-Solver++, refine-everything, regenerate-rejected,"
                    + " adaptive refinement at each k, best-of-n drafts, auto refine-vs-regenerate and the online gate, and the"
                    + " same for editing. Writes report.md (tables, plots, conclusion), records.jsonl and PNG plots to --out.",
            "Student and teacher start from the same initial noise (prompt i: seed + i). NFE counts UNet evaluations run, a"
                    + " CFG step counting once. Strengths are diffusers' img2img strength (fraction of the timesteps run).",
            "",
        })
public final class EvaluateCommand implements Callable<Integer> {
    static final String FAMILY = "models/emoji";

    @Spec
    CommandSpec spec;

    @Option(names = "--models", paramLabel = "FOLDER",
            description = "The model family: student/, teacher/, oracle/ (and validation/, calibration.json,"
                    + " calibration-prompts.txt). Default: models/emoji of the installation.")
    Path models;

    @Option(names = "--prompts", paramLabel = "FILE",
            description = "Prompt set (.txt, .csv with a 'caption' column, .jsonl). Default: the validation set's captions,"
                    + " English and Japanese label of each held-out emoji, alternating.")
    Path prompts;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "" + DEFAULT_LIMIT,
            description = "Evaluate the first N prompts. Default: ${DEFAULT-VALUE} (about 10 minutes on a shared 2-core CPU with"
                    + " the built-in family, 128 emoji in English and Japanese).")
    int limit;

    /**
     * Measured on the shared 2-core machine with the built-in family (load average 8–11): ≈ 1.9–2.1 s per prompt for all
     * the text-to-image variants and ≈ 0.2–0.3 s per edit case; the default run (256 prompts, 128 edits) took 8 min 46 s.
     */
    static final int DEFAULT_LIMIT = 256;

    @Option(names = "--edit-limit", paramLabel = "N",
            description = "Edit cases (validation image + another emoji's label as the edit prompt); 0 skips editing."
                    + " Default: --limit, at most " + DEFAULT_EDIT_LIMIT + ".")
    Integer editLimit;

    static final int DEFAULT_EDIT_LIMIT = 128;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Prompt i uses seed S+i. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--k", paramLabel = "PERCENT", split = ",", defaultValue = "10,20,30,40,50,60,70,80,90",
            description = "Teacher shares for the adaptive curves, each in (0, 100). Default: ${DEFAULT-VALUE}.")
    List<Double> ks;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "4", description = "The gated student draft's steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--student-steps", paramLabel = "N", split = ",", defaultValue = "1,2,4",
            description = "Student step counts drawn as stand-alone points. Default: ${DEFAULT-VALUE}.")
    List<Integer> studentSteps;

    @Option(names = {"-g", "--guidance"}, paramLabel = "W",
            description = "Student guidance (must match the calibration). Default: the student folder's "
                    + GenerationDefaults.FILE + ", else 7.5.")
    Double guidance;

    @Option(names = "--teacher-steps", paramLabel = "N", defaultValue = "12",
            description = "Steps the teacher really runs when refining or regenerating (paper, LCM-SDXL: 12 at strength 0.7, so"
                    + " k = 50 costs 4 + 6 = 10 NFE). Default: ${DEFAULT-VALUE}.")
    int teacherSteps;

    @Option(names = "--teacher-guidance", paramLabel = "W",
            description = "Teacher CFG. Default: the teacher folder's " + GenerationDefaults.FILE + ", else 7.5.")
    Double teacherGuidance;

    @Option(names = "--refine-strength", paramLabel = "S", defaultValue = "0.7",
            description = "Refinement strength, diffusers' img2img convention (fraction of the teacher's timesteps run)."
                    + " Default: ${DEFAULT-VALUE}.")
    double refineStrength;

    @Option(names = "--ddim-steps", paramLabel = "N", split = ",", defaultValue = "5,10,20,30,50",
            description = "Teacher DDIM step counts. Default: ${DEFAULT-VALUE}.")
    List<Integer> ddimSteps;

    @Option(names = "--dpm-steps", paramLabel = "N", split = ",", defaultValue = "5,10,15,25",
            description = "Teacher DPM-Solver++ step counts. Default: ${DEFAULT-VALUE}.")
    List<Integer> dpmSteps;

    @Option(names = "--best-of", paramLabel = "N", defaultValue = "4",
            description = "Drafts per prompt for the best-of-n option (1 leaves it out). Default: ${DEFAULT-VALUE}.")
    int bestOf;

    @Option(names = "--edit-strength", paramLabel = "S", defaultValue = "0.6",
            description = "The student's SDEdit strength for editing (paper: 0.6). Default: ${DEFAULT-VALUE}.")
    double editStrength;

    @Option(names = "--calibration", paramLabel = "FILE",
            description = "Calibration for τ (same student settings). Default: the family's calibration.json when its settings"
                    + " match, else one computed here on the family's calibration-prompts.txt.")
    Path calibration;

    @Option(names = "--clip", paramLabel = "FOLDER",
            description = "CLIP model (Optimum `clip` export) for the CLIP score and the Fréchet distance's embeddings."
                    + " Default: the family's oracle (then the CLIP score equals the oracle score).")
    Path clip;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "8", description = "Prompts per model call. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = {"-o", "--out"}, paramLabel = "FOLDER", defaultValue = "docs/evaluation",
            description = "Report folder (report.md, records.jsonl, PNG plots). Default: ${DEFAULT-VALUE}.")
    Path out;

    @Mixin
    RuntimeChoice runtime;

    @Option(names = "--verbose", description = "Stack traces with errors.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        String load = loadAverage();
        checkOptions();
        Path family = models != null ? models : ModelLocator.home().resolve(FAMILY);
        Path studentDir = ModelLocator.requireModelFolder(family.resolve("student"));
        Path teacherDir = ModelLocator.requireModelFolder(family.resolve("teacher"));
        Path oracleDir = requireFolder(family.resolve("oracle"), "the oracle");
        Path clipDir = clip != null ? requireFolder(clip, "--clip") : oracleDir;
        ValidationSet validation = validation(family);
        PromptSet set = promptSet(validation);
        int editCount = editLimit != null ? editLimit : Math.min(set.prompts().size(), DEFAULT_EDIT_LIMIT);
        if (editCount < 0) {
            throw new BadInputException("--edit-limit " + editCount + " is negative: give a count, or 0 to skip editing");
        }
        if (editCount > 0 && validation == null) {
            throw new BadInputException("editing needs the validation images (" + family.resolve("validation")
                    + " is missing): restore it, or pass --edit-limit 0");
        }
        RuntimeOptions options = runtime.options();
        try (ShutdownCancellation shutdown = ShutdownCancellation.install("apprentice-evaluate-cancel");
             ModelComponents student = RuntimeChoice.load(studentDir, options);
             ModelComponents teacher = RuntimeChoice.load(teacherDir, options);
             Oracle oracle = openOracle(oracleDir, options);
             ClipMeasures measures = ClipMeasures.open(oracle, clipDir, clipDir.equals(oracleDir), options)) {
            int size = student.defaultImageSize();
            StudentSettings ss = StudentSettings.textToImage(student.name(), steps,
                    GenerationDefaults.guidance(guidance, studentDir), null, size, size);
            TeacherSettings ts = new TeacherSettings(teacher.name(), teacherSteps,
                    GenerationDefaults.guidance(teacherGuidance, teacherDir), null, refineStrength, "");
            EvalSettings settings;
            try {
                settings = new EvalSettings(ss, studentSteps, ts, EvalSettings.refineCurve(teacherSteps), ddimSteps, dpmSteps, bestOf, ks,
                        editStrength, seed, batch, 500);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage(), e);
            }
            DiffusionPipeline studentPipe = RuntimeChoice.pipeline(student, null, studentDir);
            Thresholds thresholds = thresholds(family, settings, studentPipe, oracle, err);
            err.println("τ: " + thresholds.source());

            try {
                SampleGenerator gen = new SampleGenerator(studentPipe, RuntimeChoice.pipeline(teacher, null, teacherDir), measures, settings, shutdown.token());
                SampleBank bank = new SampleBank(set.prompts());
                long g0 = System.nanoTime();
                gen.generate(bank, (done, total) -> err.println(String.format(Locale.ROOT, "text-to-image %d/%d prompts (%.0f s)", done, total,
                        (System.nanoTime() - g0) / 1e9)));
                List<EvalRecord> records = new ArrayList<>(Methods.generation(bank, settings, thresholds));
                int edits = 0;
                if (editCount > 0) {
                    List<SampleGenerator.EditCase> cases = EditCases.from(validation, editCount, size);
                    edits = cases.size();
                    SampleBank editBank = new SampleBank(cases.stream().map(SampleGenerator.EditCase::prompt).toList());
                    long e0 = System.nanoTime();
                    gen.edit(editBank, cases, (done, total) -> err.println(String.format(Locale.ROOT, "editing %d/%d (%.0f s)", done, total,
                            (System.nanoTime() - e0) / 1e9)));
                    records.addAll(Methods.editing(editBank, settings));
                }
                MethodSummary.Distance fd = validation == null ? null : measures.frechetTo(validation);
                List<MethodSummary> summaries = MethodSummary.of(records, fd);
                boolean clipIndependent = !clipDir.equals(oracleDir);
                Claims checker = new Claims(records, summaries, settings, clipIndependent);
                List<Claims.Claim> claims = checker.check();
                double seconds = (System.nanoTime() - t0) / 1e9;
                Map<String, String> context = context(family, set, settings, thresholds, oracle, clipDir, edits, seconds, load);
                List<String> notes = notes(clipIndependent, validation != null);
                Path report = ReportWriter.write(out, new Report(settings, records, summaries, claims, checker.beyondThePaper(), context, notes));
                for (Claims.Claim c : claims) {
                    err.println(c.title() + ": " + c.verdict());
                }
                err.println(String.format(Locale.ROOT, "evaluated %d prompts and %d edits in %.0f s; report %s", set.prompts().size(), edits,
                        seconds, report));
                stdout.println(report);
                return ExitCodes.OK;
            } catch (GenerationCancelledException e) {
                // report inside the block: once the hook is released the JVM halts
                err.println("apprentice evaluate: interrupted (" + e.getMessage() + "); no report was written");
                err.flush();
                return ExitCodes.INTERRUPTED;
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void checkOptions() {
        if (limit < 1) {
            throw new BadInputException("--limit " + limit + " is less than 1: evaluate at least one prompt");
        }
        for (double k : ks) {
            if (!(k > 0 && k < 100)) {
                throw new BadInputException("--k " + Claims.fmt(k) + " is outside (0, 100): k is the percentage of drafts sent to the"
                        + " teacher (0 would never use it, 100 always; refine-everything is reported separately)");
            }
        }
        if (steps < 1 || teacherSteps < 1 || batch < 1 || bestOf < 1) {
            throw new BadInputException("--steps, --teacher-steps, --batch and --best-of must be at least 1");
        }
        if (!(refineStrength > 0 && refineStrength <= 1) || !(editStrength > 0 && editStrength <= 1)) {
            throw new BadInputException("--refine-strength and --edit-strength must be in (0, 1] (diffusers' img2img strength)");
        }
    }

    private static Path requireFolder(Path dir, String what) {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(what + " folder " + dir + " does not exist: give an Optimum `clip` export or a reward-model folder");
        }
        return dir;
    }

    private static Oracle openOracle(Path dir, RuntimeOptions options) {
        try {
            return Oracles.open(dir, options);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            throw new BadInputException("cannot use oracle " + dir + ": " + e.getMessage(), e);
        }
    }

    private static ValidationSet validation(Path family) {
        Path dir = family.resolve("validation");
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try {
            return ValidationSet.load(dir);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
    }

    /** The prompts and where they came from. */
    record PromptSet(List<String> prompts, String source) {
    }

    PromptSet promptSet(ValidationSet validation) {
        List<String> all;
        String source;
        if (prompts != null) {
            PromptFile.Contents c;
            try {
                c = PromptFile.read(prompts);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage(), e);
            }
            for (PromptFile.Problem p : c.skipped()) {
                spec.commandLine().getErr().println("skipped " + prompts + " " + p);
            }
            all = c.prompts();
            source = shown(prompts);
        } else {
            if (validation == null) {
                throw new BadInputException("no --prompts given and the family has no validation/ folder with the default captions:"
                        + " give a prompt file with --prompts");
            }
            all = EditCases.validationCaptions(validation);
            source = "validation captions of " + shown(validation.folder()) + " (English and Japanese CLDR label of each held-out emoji, alternating)";
        }
        if (all.isEmpty()) {
            throw new BadInputException("the prompt set is empty: give a file with at least one prompt");
        }
        List<String> used = all.subList(0, Math.min(limit, all.size()));
        return new PromptSet(List.copyOf(used), source + ", first " + used.size() + " of " + all.size());
    }

    /** τ from the family's calibration when it matches, else calibrated here on the family's calibration prompts. */
    private Thresholds thresholds(Path family, EvalSettings s, DiffusionPipeline student, Oracle oracle, PrintWriter err) {
        CalibrationFile single = null;
        String source;
        Path given = calibration != null ? calibration : family.resolve("calibration.json");
        if (Files.isRegularFile(given)) {
            CalibrationFile c;
            try {
                c = CalibrationFile.read(given);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage(), e);
            }
            List<String> diff = c.differences(s.student(), oracle.name());
            if (diff.isEmpty()) {
                single = c;
            } else if (calibration != null) {
                throw new BadInputException(calibration + " was made with other settings (" + String.join("; ", diff)
                        + "): recalibrate, or leave out --calibration to calibrate here");
            } else {
                err.println("the family's calibration.json does not match (" + String.join("; ", diff) + "): calibrating here");
            }
        } else if (calibration != null) {
            throw new BadInputException("--calibration " + calibration + " does not exist");
        }
        Path promptsFile = family.resolve("calibration-prompts.txt");
        if (single != null) {
            source = String.format(Locale.ROOT, "%s (%d drafts of %s, a prompt set separate from the evaluated one; same student settings)",
                    shown(given), single.n(), single.promptSource());
        } else {
            single = calibrate(promptsFile, s.student(), student, oracle);
            source = String.format(Locale.ROOT, "calibrated in this run on %s (%d prompts, seeds 0..%d, same student settings)", shown(promptsFile),
                    single.n(), single.n() - 1);
        }
        CalibrationFile best = null;
        if (s.bestOf() > 1) {
            best = calibrate(promptsFile, s.student().withBestOf(s.bestOf()), student, oracle);
            source += String.format(Locale.ROOT, "; best-of-%d: calibrated in this run on %s with best-of-%d drafts", s.bestOf(), shown(promptsFile),
                    s.bestOf());
        }
        return Thresholds.of(single, best, source);
    }

    private static CalibrationFile calibrate(Path promptsFile, StudentSettings settings, DiffusionPipeline student, Oracle oracle) {
        if (!Files.isRegularFile(promptsFile)) {
            throw new BadInputException("no matching calibration and no " + promptsFile + " to calibrate on: give --calibration FILE made"
                    + " with `apprentice calibrate` and the same student settings");
        }
        PromptFile.Contents c;
        try {
            c = PromptFile.read(promptsFile);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
        return new Calibrator(new StudentStage(student, settings), oracle, 8)
                .calibrate(c.prompts(), promptsFile.getFileName().toString(), 0);
    }

    private Map<String, String> context(Path family, PromptSet set, EvalSettings s, Thresholds t, Oracle oracle, Path clipDir, int edits,
                                        double seconds, String load) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("family", family.getFileName() == null ? family.toString() : family.getFileName().toString());
        m.put("command", commandLine());
        m.put("finished", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        m.put("run time", String.format(Locale.ROOT, "%.0f s", seconds));
        m.put("machine", String.format(Locale.ROOT, "%d CPU cores available to the JVM, %s %s, Java %s, ONNX Runtime CPU%s%s",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"), runtime.options().intraOpThreads() > 0 ? ", " + runtime.options().intraOpThreads()
                        + " threads" : "", load));
        m.put("models", shown(family) + ": student/, teacher/, oracle `" + oracle.name() + "`; CLIP score and embeddings: " + shown(clipDir));
        m.put("prompts", set.source() + "; " + edits + " edit cases");
        m.put("student", String.format(Locale.ROOT, "%s, %d steps (also %s as stand-alone points), guidance %s, its folder's scheduler, %d×%d",
                s.student().model(), s.student().steps(), s.studentStepCurve(), Claims.fmt(s.student().guidanceScale()), s.student().width(),
                s.student().height()));
        m.put("teacher", String.format(Locale.ROOT, "%s, %d steps run for refinement and regeneration, refinement strength %s (%s; the"
                        + " teacher is asked for int(n/σ + 1) steps), guidance %s; DDIM %s and DPM-Solver++ %s steps from the draft's initial noise",
                s.teacher().model(), s.teacher().steps(), Claims.fmt(s.teacher().refineStrength()), TeacherSettings.STRENGTH_CONVENTION,
                Claims.fmt(s.teacher().guidanceScale()), s.ddimSteps(), s.dpmSteps()));
        m.put("seeds", "prompt i uses seed " + s.seed() + " + i for the student draft, the regeneration and the teacher baselines (same"
                + " initial noise, so student and teacher are compared pairwise; `generate --adaptive --mode regenerate` instead draws the"
                + " teacher's noise from DerivedSeeds.teacher); best-of candidates j ≥ 1 and the refinement noise use DerivedSeeds, as"
                + " `generate --adaptive`");
        m.put("NFE", "UNet evaluations actually run per image; a classifier-free-guidance step (doubled batch) counts once;"
                + " best-of-n counts all n drafts");
        m.put("wall time", "per image, from the measured per-stage times (a batch's model-call time divided by its size, batch "
                + s.batch() + "; plus the gate's oracle call for gated methods); the machine is shared, so take it as indicative");
        m.put("τ", t.source());
        m.put("auto mode", "drafts under the k/2-th percentile are regenerated, the others under the k-th refined");
        m.put("online gate", "no calibration; window " + s.onlineWindow() + " scores; drafts in prompt order");
        m.put("editing", String.format(Locale.ROOT, "student SDEdit at strength %s of a validation image with another emoji's English label;"
                + " the teacher refines rejected edits; τ for editing is the k-th percentile of the student edits' own scores (in-sample)",
                Claims.fmt(s.editStrength())));
        return m;
    }

    /** A path as the report shows it: relative to the installation when inside it, so a committed report holds no local paths. */
    static String shown(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path home = ModelLocator.home();
        return abs.startsWith(home) && !abs.equals(home) ? home.relativize(abs).toString() : abs.toString();
    }

    /** The machine is shared: the load at the start says how far the timings are from an idle machine's. */
    private static String loadAverage() {
        try {
            return ", load average " + Files.readString(Path.of("/proc/loadavg")).split(" ")[0] + " at the start";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static List<String> notes(boolean clipIndependent, boolean fd) {
        List<String> n = new ArrayList<>();
        n.add("The oracle score is also the gate's criterion: gated methods are selected to score well on it, so their advantage on"
                + " this measure is partly by construction. The Fréchet distance does not look at the prompt and is not what the gate optimises.");
        if (!clipIndependent) {
            n.add("The CLIP score is measured with the family's own oracle network (no independent CLIP model ships with the family),"
                    + " so it equals the oracle score; pass --clip FOLDER for an independent measure.");
        }
        if (fd) {
            n.add("Fréchet distances are computed in the CLIP image-embedding space against all real validation images; with a few"
                    + " hundred samples they carry a positive small-sample bias, so compare them between methods of the same run only.");
        }
        return n;
    }

    private String commandLine() {
        StringBuilder b = new StringBuilder("./apprentice evaluate");
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        int from = args.indexOf(spec.name()) + 1;
        for (String a : args.subList(from, args.size())) {
            b.append(' ').append(a.matches("[A-Za-z0-9_./,=:+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return b.toString();
    }
}
