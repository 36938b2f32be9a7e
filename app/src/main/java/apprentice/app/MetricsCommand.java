package apprentice.app;

import ai.onnxruntime.OrtEnvironment;
import apprentice.app.metrics.FamilyMetrics;
import apprentice.app.metrics.MetricsReport;
import apprentice.app.metrics.SampleGrid;
import apprentice.app.metrics.SamplerSpec;
import apprentice.core.eval.ValidationSet;
import apprentice.core.image.AtomicFiles;
import apprentice.core.pipeline.GenerationDefaults;
import apprentice.core.pipeline.ModelComponents;
import apprentice.onnx.oracle.ClipScoreOracle;
import apprentice.onnx.runtime.RuntimeOptions;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code apprentice metrics}: the family's quality and speed numbers against the shipped validation set. */
@Command(
        name = "metrics",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        versionProvider = VersionProvider.class,
        description = {
            "Measure a teacher/student/oracle family (default: the built-in models/emoji) on its shipped validation set:"
                    + " autoencoder PSNR, the oracle's zero-shot accuracy, the real images' own CLIP score, and for the"
                    + " teacher (DDIM, 50 steps, CFG) and the student (LCM, 1, 2 and 4 steps) the CLIP score, the Fréchet"
                    + " distance to the real images in the oracle's image-embedding space and the wall time per image.",
            "Writes family.md, family.json and grid.png (a sample grid of fixed English and Japanese prompts) into --out."
                    + " Needs only the ONNX folders and models/emoji/validation (no training data).",
            "",
        })
final class MetricsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** The family's calibration prompts: labels of trained emoji, reused as the recognition rows' prompts. */
    static final String TRAINED_PROMPTS = "calibration-prompts.txt";

    @ParentCommand
    Main main;

    @Option(names = "--models", paramLabel = "FOLDER",
            description = "The family folder holding teacher/, student/, oracle/ and validation/. Default: the built-in models/emoji.")
    Path models;

    @Option(names = "--validation", paramLabel = "FOLDER", description = "The validation set folder. Default: <models>/validation.")
    Path validationFolder;

    @Option(names = "--out", paramLabel = "FOLDER", defaultValue = "docs/metrics",
            description = "Where family.md, family.json and grid.png go (created if missing). Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--limit", paramLabel = "N",
            description = "Use only the first N validation images (quick runs). Default: all of them.")
    Integer limit;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Validation image i is drawn with seed S+i by every sampler. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "8", description = "Images per pipeline call. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--teacher-steps", paramLabel = "N", defaultValue = "50", description = "Teacher DDIM steps. Default: ${DEFAULT-VALUE}.")
    int teacherSteps;

    @Option(names = "--student-steps", paramLabel = "N[,N...]", split = ",", defaultValue = "1,2,4",
            description = "Student LCM step counts, one row each. Default: ${DEFAULT-VALUE}.")
    List<Integer> studentSteps;

    @Option(names = {"-g", "--guidance"}, paramLabel = "W",
            description = "Guidance scale for every sampler, as `generate` (CFG for the teacher; the LCM student embeds it)."
                    + " Default: each model folder's " + GenerationDefaults.FILE + ", else 7.5.")
    Double guidance;

    @Option(names = "--languages", paramLabel = "en[,ja]", split = ",", defaultValue = "en,ja",
            description = "Prompt languages: the validation labels in English and/or Japanese. Default: ${DEFAULT-VALUE}.")
    List<String> languages;

    @Option(names = "--trained-prompts", paramLabel = "FILE",
            description = "Labels of trained emoji (one per line) for the recognition rows: each sampler draws one image per"
                    + " label and the oracle says which label it looks like. Default: <models>/" + TRAINED_PROMPTS
                    + " when present; 'none' leaves the rows out.")
    String trainedPrompts;

    @Option(names = "--reference", paramLabel = "FOLDER",
            description = "Real training images of trained emoji (the validation set's format): the grid's real column for"
                    + " trained rows, and nearest-real recognition of the trained-label rows. Default: <models>/reference when"
                    + " present; 'none' leaves it out.")
    String referenceFolder;

    @Mixin
    RuntimeChoice runtime;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long started = System.nanoTime();
        String machine = machine(runtime.options());
        checkRanges();
        List<FamilyMetrics.Language> langs = parseLanguages();
        RuntimeOptions options = runtime.options();
        Path family = models != null ? models : main.env().home().resolve(ModelLocator.BUILT_IN_DIR);
        if (!Files.isDirectory(family)) {
            throw new BadInputException("model family folder " + family + " does not exist: give --models, the folder with "
                    + "teacher/, student/, oracle/ and validation/");
        }
        Path teacherDir = member(family, "teacher");
        Path studentDir = member(family, "student");
        Path oracleDir = family.resolve("oracle");
        if (!Files.isRegularFile(oracleDir.resolve("model.onnx"))) {
            throw new BadInputException("no oracle in " + oracleDir + ": the family needs an Optimum `clip` export there (model.onnx, "
                    + "preprocessor_config.json, tokenizer files)");
        }
        ValidationSet validation;
        try {
            validation = ValidationSet.load(validationFolder != null ? validationFolder : family.resolve("validation"));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
        int n = limit == null ? validation.size() : Math.min(limit, validation.size());
        List<SamplerSpec> samplers = samplers(teacherDir, studentDir);
        List<String> trained = trainedPrompts(family);
        ValidationSet reference = reference(family);
        Files.createDirectories(out);
        try (ModelComponents teacher = RuntimeChoice.load(teacherDir, options);
             ModelComponents student = RuntimeChoice.load(studentDir, options);
             ClipScoreOracle oracle = openOracle(oracleDir, options)) {
            err.println("metrics: " + n + " of " + validation.size() + " validation images, " + samplers.size() + " samplers, languages "
                    + langs.stream().map(l -> l.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(",")));
            FamilyMetrics.Result result = new FamilyMetrics(teacher, student, oracle, validation, err)
                    .run(new FamilyMetrics.Settings(n, seed, batch, samplers, langs, trained, reference));
            List<SampleGrid.GridRow> rows = SampleGrid.rows(validation);
            BufferedImage grid = SampleGrid.render(rows, validation, reference, samplers, teacher, student, seed);
            AtomicFiles.write(out.resolve("grid.png"), o -> {
                if (!ImageIO.write(grid, "png", o)) {
                    throw new IOException("this JVM has no PNG writer");
                }
            });
            MetricsReport.Context context = new MetricsReport.Context(commandLine(), shown(family),
                    shown(validation.folder()), validation.size(), machine, (System.nanoTime() - started) / 1e9, rows, samplers,
                    reference == null ? null : shown(reference.folder()));
            MetricsReport.write(out, result, context);
            err.println(String.format(Locale.ROOT, "metrics: done in %.0f s", context.wallSeconds()));
            stdout.println(out.resolve("family.md"));
            stdout.println(out.resolve("family.json"));
            stdout.println(out.resolve("grid.png"));
            return ExitCodes.OK;
        }
    }

    private void checkRanges() {
        if (limit != null && limit < 2) {
            throw new BadInputException("--limit " + limit + " is too small: the Fréchet distance needs at least 2 images");
        }
        if (batch < 1 || teacherSteps < 1 || studentSteps.stream().anyMatch(s -> s < 1)) {
            throw new BadInputException("--batch, --teacher-steps and every --student-steps value must be at least 1");
        }
        if (guidance != null && !Double.isFinite(guidance)) {
            throw new BadInputException("--guidance " + guidance + " is not a finite number: give e.g. 7.5");
        }
        GenerateCommand.seedsFor(seed, limit == null ? 1000 : limit); // a seed range that overflows fails here
    }

    /** The trained labels: --trained-prompts, else the family's calibration prompts (trained labels by construction). */
    private List<String> trainedPrompts(Path family) {
        if ("none".equals(trainedPrompts)) {
            return List.of();
        }
        Path file = trainedPrompts != null ? Path.of(trainedPrompts) : family.resolve(TRAINED_PROMPTS);
        if (!Files.isRegularFile(file)) {
            if (trainedPrompts == null) {
                return List.of();
            }
            throw new BadInputException("--trained-prompts " + file + " is not a file: give a text file with one trained"
                    + " label per line, or 'none'");
        }
        List<String> labels = PromptList.collect(List.of(), file);
        if (new java.util.HashSet<>(labels).size() < 2) {
            throw new BadInputException("--trained-prompts " + file + " needs at least 2 distinct labels to recognise"
                    + " images among");
        }
        return labels;
    }

    /** The reference set: --reference, else <models>/reference when present; null for 'none' or when absent. */
    private ValidationSet reference(Path family) {
        if ("none".equals(referenceFolder)) {
            return null;
        }
        Path folder = referenceFolder != null ? Path.of(referenceFolder) : family.resolve("reference");
        if (referenceFolder == null && !Files.isDirectory(folder)) {
            return null;
        }
        try {
            return ValidationSet.load(folder);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--reference: " + e.getMessage() + "; or give 'none' to measure without real images"
                    + " of the trained emoji", e);
        }
    }

    private List<FamilyMetrics.Language> parseLanguages() {
        List<FamilyMetrics.Language> out = new ArrayList<>();
        for (String l : languages) {
            try {
                FamilyMetrics.Language lang = FamilyMetrics.Language.valueOf(l.trim().toUpperCase(Locale.ROOT));
                if (!out.contains(lang)) {
                    out.add(lang);
                }
            } catch (IllegalArgumentException e) {
                throw new BadInputException("unknown --languages value '" + l + "': use en, ja or en,ja");
            }
        }
        return out;
    }

    private List<SamplerSpec> samplers(Path teacherDir, Path studentDir) {
        List<SamplerSpec> out = new ArrayList<>();
        out.add(new SamplerSpec("teacher DDIM " + teacherSteps, "teacher", "ddim", teacherSteps,
                GenerationDefaults.guidance(guidance, teacherDir)));
        double studentGuidance = GenerationDefaults.guidance(guidance, studentDir);
        for (int s : studentSteps) {
            out.add(new SamplerSpec("student LCM " + s, "student", "lcm", s, studentGuidance));
        }
        return out;
    }

    private static Path member(Path family, String name) {
        Path p = family.resolve(name);
        if (!ModelLocator.isModelFolder(p)) {
            throw new BadInputException("no " + name + " model in " + p + ": the family folder needs " + name
                    + "/ as a diffusers/Optimum ONNX model folder (with model_index.json)");
        }
        return p;
    }

    private static ClipScoreOracle openOracle(Path dir, RuntimeOptions options) {
        try {
            return ClipScoreOracle.open(dir, options);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new BadInputException("cannot use oracle folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A path as the report shows it: relative to the installation when inside it, so a committed report has no local paths. */
    private String shown(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path home = main.env().home().toAbsolutePath().normalize();
        return abs.startsWith(home) ? home.relativize(abs).toString() : abs.toString();
    }

    /** The command as typed, for "regenerate with". */
    private String commandLine() {
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        StringBuilder sb = new StringBuilder("./apprentice"); // originalArgs starts with the command name
        for (String a : args) {
            sb.append(' ').append(a.matches("[A-Za-z0-9_./,=:+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    private static String machine(RuntimeOptions options) {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // not Linux: the CPU model stays unknown
        }
        String ort;
        try {
            ort = OrtEnvironment.getEnvironment().getVersion();
        } catch (RuntimeException | LinkageError e) {
            ort = "unknown";
        }
        String load = "";
        try {
            // the machine may be shared: the load at the start says how far the timings are from an idle machine's
            load = ", load average " + Files.readString(Path.of("/proc/loadavg")).split(" ")[0] + " at the start";
        } catch (IOException | RuntimeException e) {
            // not Linux: no load figure
        }
        return String.format(Locale.ROOT, "%s, %d logical cores visible to the JVM%s, %s %s, Java %s, ONNX Runtime %s (%s)", cpu,
                Runtime.getRuntime().availableProcessors(), load, System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"), ort, options.describe());
    }
}
