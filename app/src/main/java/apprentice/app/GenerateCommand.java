package apprentice.app;

import apprentice.core.image.Images;
import apprentice.core.image.Npy;
import apprentice.core.noise.Seeds;
import apprentice.core.model.ControlNet;
import apprentice.core.pipeline.CancellationToken;
import apprentice.core.pipeline.DiffusionPipeline;
import apprentice.core.pipeline.GenerationCancelledException;
import apprentice.core.pipeline.GenerationDefaults;
import apprentice.core.pipeline.GenerationRequest;
import apprentice.core.pipeline.GenerationResult;
import apprentice.core.pipeline.ModelComponents;
import apprentice.core.pipeline.Phase;
import apprentice.core.pipeline.ProgressListener;
import apprentice.core.pipeline.StepEvent;
import apprentice.core.scheduler.Schedulers;
import apprentice.core.tensor.Tensor;
import apprentice.onnx.runtime.RuntimeOptions;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code apprentice generate}: text-to-image and image-to-image with one model. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        versionProvider = VersionProvider.class,
        description = {
            "Generate images from text prompts (or edit an image with --init-image) and write one PNG per image into "
                    + "the output folder.",
            "Every PNG carries all parameters (prompt, seed, model, scheduler, steps, guidance, strength, size, NFE, "
                    + "timings) in iTXt text chunks; a JSON sidecar with the same record sits beside it. Files are named "
                    + "<yyyyMMdd-HHmmss>-<seed>-<index>.png and never overwrite existing files.",
            "The written PNG paths are printed on stdout, one per line; progress and messages go to stderr.",
            "",
        })
final class GenerateCommand implements Callable<Integer> {
    static final int DEFAULT_STEPS = 25;
    static final int DEFAULT_LCM_STEPS = 4;

    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "PROMPT", arity = "0..*",
            description = "Prompts, each quoted; several give a batch. Combined with --prompt-file.")
    List<String> prompts;

    @Option(names = "--prompt-file", paramLabel = "FILE",
            description = "Read prompts from FILE, one per line (UTF-8; blank lines and lines starting with # skipped).")
    Path promptFile;

    @Option(names = {"-n", "--negative-prompt"}, paramLabel = "TEXT", defaultValue = "",
            description = "What to steer away from (used when guidance > 1), for every prompt. Default: none.")
    String negativePrompt;

    @Option(names = {"-m", "--model"}, paramLabel = "FOLDER",
            description = "A diffusers/Optimum ONNX model folder. Default: the built-in model under models/emoji/, or,"
                    + " until it is installed, a synthetic stand-in (random weights) cached in ~/.cache/apprentice.")
    Path model;

    @Option(names = {"-s", "--scheduler"}, paramLabel = "NAME",
            description = "Sampler: ddim, euler, euler-a, dpm++2m, lcm or unipc. Default: the model's"
                    + " scheduler/scheduler_config.json.")
    String scheduler;

    @Option(names = "--steps", paramLabel = "N",
            description = "Inference steps asked of the scheduler. Default: " + DEFAULT_STEPS + " (" + DEFAULT_LCM_STEPS
                    + " with the lcm scheduler).")
    Integer steps;

    @Option(names = {"-g", "--guidance"}, paramLabel = "W",
            description = "Classifier-free guidance scale; <= 1 turns guidance off (one UNet batch per step)."
                    + " LCM models embed it instead. Default: the model folder's " + GenerationDefaults.FILE + ", else 7.5.")
    Double guidance;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    SizeOptions size;

    static final class SizeOptions {
        @Option(names = "--size", paramLabel = "WxH", converter = ImageSize.Converter.class,
                description = "Image size in pixels, e.g. 512x512 (multiples of the VAE factor: 8 for Stable Diffusion,"
                        + " 4 for the built-in models). Default: the model's native size, or the init image's size.")
        ImageSize both;

        @ArgGroup(exclusive = false)
        WidthHeight separate;

        /** The size asked for, by --size or by --width and --height (checkRanges has made sure both are given). */
        ImageSize explicit() {
            return both != null ? both : new ImageSize(separate.width, separate.height);
        }
    }

    static final class WidthHeight {
        @Option(names = "--width", paramLabel = "PX", description = "Image width in pixels (with --height; or use --size).")
        Integer width;

        @Option(names = "--height", paramLabel = "PX", description = "Image height in pixels (with --width; or use --size).")
        Integer height;
    }

    @Option(names = "--seed", paramLabel = "S",
            description = "Seed of the first image; image k of the run gets S+k (same noise as diffusers with"
                    + " torch.Generator(\"cpu\").manual_seed(S+k)). Default: random, and always recorded in the metadata.")
    Long seed;

    @Option(names = {"-c", "--count"}, paramLabel = "N", defaultValue = "1",
            description = "Images per prompt. Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(names = {"-o", "--output"}, paramLabel = "FOLDER", defaultValue = "outputs",
            description = "Folder for the PNGs and sidecars (created if missing). Default: ${DEFAULT-VALUE}.")
    Path output;

    @Option(names = "--init-image", paramLabel = "FILE",
            description = "Image-to-image (SDEdit): start from this image (PNG, JPEG, ...; transparency composited on white),"
                    + " resized to the requested size if one is given.")
    Path initImage;

    @Option(names = "--strength", paramLabel = "S", defaultValue = "0.8",
            description = "Image-to-image strength in [0, 1], diffusers' convention: the fraction of the scheduler's steps"
                    + " that are run (int(steps*S) steps, starting at timesteps[steps - int(steps*S)]); not a noise variance."
                    + " 0 returns the VAE reconstruction, 1 keeps almost nothing of the image. Default: ${DEFAULT-VALUE}.")
    double strength;

    @Mixin
    ControlOptions control;

    @Option(names = "--latents", paramLabel = "FILE.npy",
            description = "Initial latent noise from a NumPy .npy file, [1 or N, C, h, w] float32 (like diffusers'"
                    + " latents=), for exact comparison with another implementation. Text-to-image only.")
    Path latentsFile;

    @Mixin
    AdaptiveOptions adaptive;

    @Mixin
    RuntimeChoice runtime;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "Progress on stderr: auto (a bar on a terminal, plain lines otherwise), bar, plain or none.")
    ProgressMode progress;

    @Option(names = "--reproducible",
            description = "Leave wall-clock data (timings, creation time) out of the PNG, so equal inputs give"
                    + " byte-identical files; the JSON sidecar still records them.")
    boolean reproducible;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        // 1. Everything that can be checked without loading a model, cheapest first.
        List<String> texts = PromptList.collect(prompts, promptFile);
        checkRanges();
        RuntimeOptions options = runtime.options();
        int total = Math.multiplyExact(texts.size(), count);
        long baseSeed = seed != null ? seed : Seeds.random();
        long[] seeds = seedsFor(baseSeed, total);
        if (adaptive.active(main.env(), model != null)) {
            return AdaptiveGenerate.run(this, texts, seeds);
        }
        BufferedImage init = initImage == null ? null : InputImage.load(initImage, "--init-image");
        Tensor latents = latentsFile == null ? null : loadLatents();
        BufferedImage controlPicture = control.active() ? InputImage.load(control.controlImage, "--control-image") : null;
        OutputFiles files = new OutputFiles(output);
        files.ensureFolder();

        // 2. The model, then the checks that need it.
        Path folder = main.modelFolder(model, err);
        try (ModelComponents components = RuntimeChoice.load(folder, options);
             ControlNet controlNetModel = control.active() ? RuntimeChoice.loadControlNet(control.controlNet, options) : null) {
            checkScheduler(scheduler, components);
            int factor = components.vae().downscaleFactor();
            ImageSize imageSize = resolveSize(components, init, latents, factor);
            Tensor initTensor = init == null ? null : InputImage.toTensor(init, imageSize, "--init-image", err);
            checkLatents(latents, components, imageSize, factor, total);
            int stepCount = steps != null ? steps : defaultSteps(scheduler, components);
            double guidanceScale = GenerationDefaults.guidance(guidance, folder);
            if (init == null && spec.commandLine().getParseResult().hasMatchedOption("--strength")) {
                err.println("note: --strength only applies with --init-image; ignored");
            }

            // 3. One image at a time: a failure costs that image only, and memory stays flat.
            Tensor controlTensor = controlPicture == null ? null
                    : InputImage.toControlTensor(controlPicture, imageSize, "--control-image", err);
            DiffusionPipeline pipeline = RuntimeChoice.pipeline(components, controlNetModel, folder);
            ImageWriter writer = new ImageWriter(files);
            LocalDateTime started = LocalDateTime.now();
            int failed = 0;
            try (ShutdownCancellation shutdown = ShutdownCancellation.install("apprentice-cancel")) {
                CancellationToken cancel = shutdown.token();
                for (int k = 0; k < total; k++) {
                    String prompt = texts.get(k / count);
                    ImageMetadata.Inputs inputs = new ImageMetadata.Inputs(prompt, negativePrompt, seeds[k],
                            components.name(), folder, scheduler, stepCount, guidanceScale, imageSize.width(),
                            imageSize.height(), initImage, strength, latentsFile, k, total, options.describe(), control.controlNet,
                            control.controlImage);
                    GenerationRequest request = GenerationRequest.builder()
                            .prompt(prompt)
                            .negativePrompt(negativePrompt)
                            .seeds(List.of(seeds[k]))
                            .steps(stepCount)
                            .guidanceScale(guidanceScale)
                            .size(imageSize.width(), imageSize.height())
                            .scheduler(scheduler)
                            .initImage(initTensor)
                            .controlImage(controlTensor)
                            .controlScale(control.controlScale)
                            .controlGuidance(control.controlStart, control.controlEnd)
                            .strength(strength)
                            .initialLatents(latents == null ? null : latents.dim(0) == 1 ? latents : latents.slice(k, k + 1))
                            .build();
                    try {
                        Path png = generateOne(pipeline, request, inputs, writer, started, cancel, err, k, total);
                        out.println(png);
                        out.flush();
                    } catch (GenerationCancelledException e) {
                        // report inside the block: once the hook is released the JVM halts
                        err.println("apprentice generate: interrupted; " + k + " of " + total + " images were written");
                        err.flush();
                        return ExitCodes.INTERRUPTED;
                    } catch (RuntimeException | IOException e) {
                        failed++;
                        err.println("image " + (k + 1) + "/" + total + " (seed " + seeds[k] + ") failed: "
                                + ErrorReporter.describe(e));
                        if (verbose.enabled()) {
                            e.printStackTrace(err);
                        }
                        err.flush();
                    }
                }
            }
            if (failed > 0) {
                err.println(failed + " of " + total + " images failed" + (verbose.enabled() ? "" : " (run again with --verbose for details)"));
                return ExitCodes.RUNTIME_FAILURE;
            }
            return ExitCodes.OK;
        }
    }

    private Path generateOne(DiffusionPipeline pipeline, GenerationRequest request, ImageMetadata.Inputs inputs,
                             ImageWriter writer, LocalDateTime started, CancellationToken cancel, PrintWriter err,
                             int k, int total) throws IOException {
        ProgressBar bar = progress.create(err, main.env().stderrIsTerminal());
        String label = total > 1 ? "image " + (k + 1) + "/" + total : "";
        GenerationResult result;
        try {
            result = pipeline.generate(request, listener(bar, label), cancel);
        } finally {
            if (bar != null) {
                bar.end();
            }
        }
        BufferedImage image = Images.toImage(result.images(), 0);
        Map<String, Object> full = ImageMetadata.build(inputs, request, result, true);
        Map<String, Object> png = reproducible ? ImageMetadata.build(inputs, request, result, false) : full;
        Path path = writer.write(OutputFiles.stem(started, inputs.seed(), k), image, png, full);
        err.println(String.format(Locale.ROOT, "%s: seed %d, %s, %d UNet evaluations, %.2f s (%.1f%% outside ONNX Runtime)",
                path, inputs.seed(), result.scheduler(), result.nfe(), result.timings().totalNanos() / 1e9,
                result.timings().outsideRuntimeShare() * 100));
        err.flush();
        return path;
    }

    private static ProgressListener listener(ProgressBar bar, String label) {
        if (bar == null) {
            return ProgressListener.NONE;
        }
        return new ProgressListener() {
            @Override
            public void phaseStarted(Phase phase) {
                if (phase == Phase.DENOISE) {
                    bar.begin(label, 0);
                }
            }

            @Override
            public void stepFinished(StepEvent event) {
                bar.update(event.step(), event.totalSteps());
            }
        };
    }

    private void checkRanges() {
        if (count < 1) {
            throw new BadInputException("--count " + count + " is less than 1: give the number of images per prompt");
        }
        if (steps != null && steps < 1) {
            throw new BadInputException("--steps " + steps + " is less than 1: give at least one inference step");
        }
        if (guidance != null && !Double.isFinite(guidance)) {
            throw new BadInputException("--guidance " + guidance + " is not a finite number: give e.g. 7.5, or 1 for no guidance");
        }
        if (!(strength >= 0 && strength <= 1)) {
            throw new BadInputException("--strength " + strength + " is outside [0, 1]: it is the fraction of the steps"
                    + " run on the init image (diffusers' img2img convention), e.g. 0.6");
        }
        if (initImage != null && latentsFile != null) {
            throw new BadInputException("--init-image and --latents both set the starting latents: give only one of them");
        }
        control.check();
        if (size != null && size.separate != null && (size.separate.width == null) != (size.separate.height == null)) {
            throw new BadInputException("only one of --width and --height given: give both, or --size WxH");
        }
    }

    /** The seeds base, base+1, ... of a run; one that would overflow is bad input. */
    static long[] seedsFor(long base, int total) {
        try {
            return Seeds.forBatch(base, total);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--seed: " + e.getMessage(), e);
        }
    }

    private Tensor loadLatents() {
        Tensor t;
        try {
            t = Npy.read(latentsFile);
        } catch (NoSuchFileException e) {
            throw new BadInputException("--latents file " + latentsFile + " does not exist: check the path");
        } catch (IOException e) {
            throw new BadInputException("cannot read --latents file " + latentsFile + " (" + e.getMessage()
                    + "): check that it is a readable .npy file", e);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--latents: " + e.getMessage(), e);
        }
        if (t.rank() != 4) {
            throw new BadInputException("--latents " + latentsFile + " has shape " + Arrays.toString(t.shape())
                    + ": expected 4 dimensions [1 or N, C, h, w], as diffusers' latents=");
        }
        for (float v : t.data()) {
            if (!Float.isFinite(v)) {
                throw new BadInputException("--latents " + latentsFile + " contains NaN or infinity: save finite noise");
            }
        }
        return t;
    }

    /** Fails with the list of known names unless --scheduler (when given) names a sampler this model can use. */
    static void checkScheduler(String scheduler, ModelComponents components) {
        if (scheduler == null) {
            return;
        }
        try {
            Schedulers.create(scheduler, components.schedulerConfig());
        } catch (IllegalArgumentException e) {
            throw new BadInputException("unknown --scheduler '" + scheduler + "': use one of "
                    + String.join(", ", Schedulers.names()), e);
        }
    }

    /** Steps when --steps is not given: 4 for LCM (the scheduler asked for, else the model's), 25 otherwise. */
    static int defaultSteps(String scheduler, ModelComponents components) {
        boolean lcm = "lcm".equalsIgnoreCase(scheduler)
                || (scheduler == null && "LCMScheduler".equals(components.schedulerConfig().className()));
        return lcm ? DEFAULT_LCM_STEPS : DEFAULT_STEPS;
    }

    /** Explicit size, else the latents' or init image's (rounded down to the VAE factor), else the model's. */
    private ImageSize resolveSize(ModelComponents components, BufferedImage init, Tensor latents, int factor) {
        ImageSize explicit = size == null ? null : size.explicit();
        if (explicit != null) {
            explicit.requireDivisibleBy(factor, components.name());
            return explicit;
        }
        if (latents != null) {
            return new ImageSize(latents.dim(3) * factor, latents.dim(2) * factor);
        }
        if (init != null) {
            int w = init.getWidth() / factor * factor;
            int h = init.getHeight() / factor * factor;
            if (w == 0 || h == 0) {
                throw new BadInputException("--init-image " + initImage + " is " + init.getWidth() + "x" + init.getHeight()
                        + ", smaller than the VAE factor " + factor + ": give a larger image or --size");
            }
            return new ImageSize(w, h);
        }
        int side = components.defaultImageSize();
        return new ImageSize(side, side);
    }

    private void checkLatents(Tensor latents, ModelComponents components, ImageSize size, int factor, int total) {
        if (latents == null) {
            return;
        }
        int[] want = {total, components.unet().latentChannels(), size.height() / factor, size.width() / factor};
        int[] got = latents.shape();
        boolean batchOk = got[0] == 1 || got[0] == total;
        if (!batchOk || got[1] != want[1] || got[2] != want[2] || got[3] != want[3]) {
            throw new BadInputException("--latents " + latentsFile + " has shape " + Arrays.toString(got) + " but this run needs "
                    + "[1 or " + total + ", " + want[1] + ", " + want[2] + ", " + want[3] + "] (batch, UNet channels, height/"
                    + factor + ", width/" + factor + ")");
        }
    }
}
