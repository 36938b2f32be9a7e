package apprentice.app;

import apprentice.core.adaptive.CalibrationFile;
import apprentice.core.adaptive.Calibrator;
import apprentice.core.adaptive.PromptFile;
import apprentice.core.adaptive.StudentSettings;
import apprentice.core.adaptive.StudentStage;
import apprentice.core.oracle.Oracle;
import apprentice.core.pipeline.GenerationDefaults;
import apprentice.core.pipeline.ModelComponents;
import apprentice.core.tensor.Tensor;
import apprentice.onnx.runtime.RuntimeOptions;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code apprentice calibrate}: the oracle's scores of student drafts on a prompt set, for the adaptive threshold. */
@Command(
        name = "calibrate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        versionProvider = VersionProvider.class,
        description = {
            "Draw one student draft per prompt of a prompt set, score each with the oracle and write a calibration file:"
                    + " percentiles 1..99 of the scores, every score, the student settings, the oracle, a hash of the"
                    + " prompts and the seeds. `apprentice generate --adaptive --calibration FILE --k K` keeps drafts scoring"
                    + " at least the K-th percentile.",
            "Use exactly the student settings you will generate with (model, steps, guidance, scheduler, size, negative"
                    + " prompt, best-of): generation refuses a calibration made with different ones.",
            "",
        })
final class CalibrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Option(names = "--prompts", paramLabel = "FILE", required = true,
            description = "Prompt set: .txt (one per line), .csv (a 'caption' column) or .jsonl (a \"caption\" or \"prompt\""
                    + " field). Malformed lines are skipped and reported.")
    Path promptsFile;

    @Option(names = {"-m", "--model"}, paramLabel = "FOLDER", description = "The student's model folder. Default: the built-in model.")
    Path model;

    @Option(names = "--oracle", paramLabel = "FOLDER", description = "The oracle folder. Default: models/emoji/oracle.")
    Path oracle;

    @Option(names = {"-s", "--scheduler"}, paramLabel = "NAME", description = "The student's sampler. Default: the model's.")
    String scheduler;

    @Option(names = "--steps", paramLabel = "N", description = "Student steps. Default: as `generate` (4 for LCM, 25 otherwise).")
    Integer steps;

    @Option(names = {"-g", "--guidance"}, paramLabel = "W",
            description = "Student guidance, as `generate`. Default: the student folder's " + GenerationDefaults.FILE
                    + ", else 7.5.")
    Double guidance;

    @Option(names = "--size", paramLabel = "WxH", converter = ImageSize.Converter.class,
            description = "Image size. Default: the model's native size.")
    ImageSize size;

    @Option(names = {"-n", "--negative-prompt"}, paramLabel = "TEXT", defaultValue = "", description = "Negative prompt. Default: none.")
    String negativePrompt;

    @Option(names = "--best-of", paramLabel = "N", defaultValue = "1",
            description = "Drafts per prompt; the best score counts (use the same value when generating). Default: ${DEFAULT-VALUE}.")
    int bestOf;

    @Option(names = "--edit-image", paramLabel = "FILE",
            description = "Calibrate edits instead: the student SDEdits this image with every prompt at --strength.")
    Path editImage;

    @Option(names = "--strength", paramLabel = "S", defaultValue = "0.6",
            description = "With --edit-image: the edit strength (diffusers' img2img convention). Default: ${DEFAULT-VALUE}.")
    double strength;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Prompt i uses seed S+i. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "4", description = "Prompts per student call. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "calibration.json",
            description = "Where to write the calibration. Default: ${DEFAULT-VALUE}.")
    Path output;

    @Mixin
    RuntimeChoice runtime;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PromptFile.Contents prompts;
        try {
            prompts = PromptFile.read(promptsFile);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
        for (PromptFile.Problem p : prompts.skipped()) {
            err.println("skipped " + promptsFile + " " + p);
        }
        if (bestOf < 1 || batch < 1) {
            throw new BadInputException("--best-of and --batch must be at least 1");
        }
        if (steps != null && steps < 1) {
            throw new BadInputException("--steps " + steps + " is less than 1");
        }
        if (editImage != null && !(strength > 0 && strength <= 1)) {
            throw new BadInputException("--strength " + strength + " is outside (0, 1]");
        }
        GenerateCommand.seedsFor(seed, prompts.prompts().size()); // fails early on a seed range that overflows
        BufferedImage edit = editImage == null ? null : InputImage.load(editImage, "--edit-image");
        RuntimeOptions options = runtime.options();
        Path folder = main.modelFolder(model, err);
        Path oracleFolder = AdaptiveOptions.oracleFolder(oracle, main.env());
        try (ModelComponents student = RuntimeChoice.load(folder, options);
             Oracle o = AdaptiveRunner.openOracle(oracleFolder, options)) {
            AdaptiveRunner.Inputs sizing = new AdaptiveRunner.Inputs(prompts.prompts(), new long[0], negativePrompt, folder, false,
                    scheduler, steps, guidance, size, null, false, edit, editImage, strength, null);
            ImageSize resolved = AdaptiveRunner.resolveSize(sizing, student, student.vae().downscaleFactor());
            int stepCount = steps != null ? steps : GenerateCommand.defaultSteps(scheduler, student);
            StudentSettings settings = new StudentSettings(student.name(), stepCount,
                    GenerationDefaults.guidance(guidance, folder), scheduler, resolved.width(),
                    resolved.height(), negativePrompt, bestOf, edit == null ? Double.NaN : strength);
            Tensor input = edit == null ? null : InputImage.toTensor(edit, resolved);
            int total = prompts.prompts().size();
            long t0 = System.nanoTime();
            CalibrationFile cal = new Calibrator(new StudentStage(RuntimeChoice.pipeline(student, null, folder), settings), o, batch)
                    .calibrate(prompts.prompts(), promptsFile.getFileName().toString(), seed,
                            done -> err.println("calibrated " + done + "/" + total), input, null);
            cal.write(output);
            double[] p = cal.percentiles();
            err.println(String.format(Locale.ROOT, "%d drafts scored by %s in %.1f s; percentiles 10/25/50/75/90: %.4f %.4f %.4f %.4f %.4f",
                    cal.n(), o.name(), (System.nanoTime() - t0) / 1e9, p[9], p[24], p[49], p[74], p[89]));
            if (!prompts.skipped().isEmpty()) {
                err.println(prompts.skipped().size() + " malformed lines of " + promptsFile + " were skipped");
            }
            out.println(output);
            return ExitCodes.OK;
        }
    }
}
