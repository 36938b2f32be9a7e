package apprentice.app;

import apprentice.core.adaptive.AdaptiveEditor;
import apprentice.core.noise.Seeds;
import apprentice.core.pipeline.GenerationDefaults;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code apprentice edit}: adaptive text-guided editing of one image. */
@Command(
        name = "edit",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        versionProvider = VersionProvider.class,
        description = {
            "Edit an image with a text prompt: the student SDEdits it (strength in diffusers' img2img convention), the oracle"
                    + " scores the edit, and edits scoring under the threshold are refined by the teacher from the student's"
                    + " edit. Each PNG records the route, the oracle score, τ, k, seeds, NFE and the PSNR of the result"
                    + " against the input image (dB, 8-bit RGB; higher = closer to the input).",
            "",
        })
final class EditCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Option(names = {"-i", "--image"}, paramLabel = "FILE", required = true, description = "The image to edit (PNG, JPEG, ...).")
    Path image;

    @Parameters(paramLabel = "PROMPT", arity = "1..*", description = "Edit prompts, each quoted.")
    List<String> prompts;

    @Option(names = "--strength", paramLabel = "S", defaultValue = "" + AdaptiveEditor.DEFAULT_STRENGTH,
            description = "The student's edit strength, diffusers' img2img convention (fraction of its steps run). Default: ${DEFAULT-VALUE}.")
    double strength;

    @Option(names = {"-n", "--negative-prompt"}, paramLabel = "TEXT", defaultValue = "", description = "Negative prompt. Default: none.")
    String negativePrompt;

    @Option(names = {"-m", "--model"}, paramLabel = "FOLDER", description = "The student's model folder. Default: the built-in model.")
    Path model;

    @Option(names = {"-s", "--scheduler"}, paramLabel = "NAME", description = "The student's sampler. Default: the model's.")
    String scheduler;

    @Option(names = "--steps", paramLabel = "N", description = "Student steps before strength. Default: 4 for LCM, 25 otherwise.")
    Integer steps;

    @Option(names = {"-g", "--guidance"}, paramLabel = "W",
            description = "Student guidance. Default: the student folder's " + GenerationDefaults.FILE + ", else 7.5.")
    Double guidance;

    @Option(names = "--size", paramLabel = "WxH", converter = ImageSize.Converter.class,
            description = "Work at this size (the image is resized). Default: the image's size, rounded down to the VAE factor.")
    ImageSize size;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the first output; output k gets S+k. Default: random.")
    Long seed;

    @Option(names = {"-c", "--count"}, paramLabel = "N", defaultValue = "1", description = "Outputs per prompt. Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(names = {"-o", "--output"}, paramLabel = "FOLDER", defaultValue = "outputs", description = "Output folder. Default: ${DEFAULT-VALUE}.")
    Path output;

    @Option(names = "--reproducible", description = "Leave wall-clock data out of the PNGs.")
    boolean reproducible;

    @Mixin
    AdaptiveOptions adaptive;

    @Mixin
    ControlOptions control;

    @Mixin
    RuntimeChoice runtime;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        if (!(strength > 0 && strength <= 1)) {
            throw new BadInputException("--strength " + strength + " is outside (0, 1]: it is the fraction of the student's steps run"
                    + " on the image (diffusers' img2img convention), e.g. 0.6");
        }
        if (count < 1) {
            throw new BadInputException("--count " + count + " is less than 1");
        }
        control.check();
        List<String> texts = PromptList.collect(prompts, null);
        List<String> perImage = PromptList.eachRepeated(texts, count);
        long base = seed != null ? seed : Seeds.random();
        long[] seeds = GenerateCommand.seedsFor(base, perImage.size());
        BufferedImage img = InputImage.load(image, "--image");
        Path folder = main.modelFolder(model, spec.commandLine().getErr());
        // no built-in calibration for edits: the family's calibration is for text-to-image; without --calibration an online gate runs
        AdaptiveRunner.Inputs in = new AdaptiveRunner.Inputs(perImage, seeds, negativePrompt, folder, false, scheduler, steps,
                guidance, size, output, reproducible, img, image, strength, control.forAdaptive());
        return AdaptiveRunner.run(main.env(), adaptive, runtime.options(), in, spec.commandLine().getOut(),
                spec.commandLine().getErr(), verbose.enabled());
    }
}
