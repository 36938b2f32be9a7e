package apprentice.app;

import ai.onnxruntime.OrtEnvironment;
import apprentice.app.bench.BenchReport;
import apprentice.app.bench.PipelineBench;
import apprentice.core.pipeline.GenerationDefaults;
import apprentice.core.pipeline.ModelComponents;
import apprentice.onnx.runtime.RuntimeOptions;
import apprentice.onnx.synth.SyntheticSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code apprentice bench}: where the time of a generation goes. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        versionProvider = VersionProvider.class,
        description = {
            "Time each component of a model (text encoder, one UNet step, VAE decode, VAE encode) and a full generation, "
                    + "after warm-up, over several iterations; report medians and the share of wall time spent outside "
                    + "ONNX Runtime calls (pipeline logic, schedulers, tensor conversion).",
            "Without --model it measures a synthesised model of realistic shape (512x512 images, 64x64x4 latents, "
                    + "random weights), cached in ~/.cache/apprentice. Prints Markdown on stdout; --output also writes "
                    + "Markdown (.md) or JSON (.json).",
            "",
        })
final class BenchCommand implements Callable<Integer> {

    /** The shapes {@code --synthetic} can synthesise. */
    enum Shape {
        REALISTIC, BUILT_IN, TINY;

        SyntheticSpec spec() {
            return switch (this) {
                case REALISTIC -> SyntheticSpec.realisticShape();
                case BUILT_IN -> SyntheticSpec.builtInFamilyShape();
                case TINY -> SyntheticSpec.tiny();
            };
        }
    }

    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Option(names = {"-m", "--model"}, paramLabel = "FOLDER",
            description = "Model folder to measure. Default: a synthesised model (see --synthetic).")
    Path model;

    @Option(names = "--synthetic", paramLabel = "SHAPE", defaultValue = "realistic",
            description = "Shape of the synthesised model when no --model is given: realistic (SD-like 512x512, default), "
                    + "built_in (the emoji family's 64x64) or tiny.")
    Shape shape;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "25",
            description = "Steps of the full generation. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = {"-s", "--scheduler"}, paramLabel = "NAME",
            description = "Scheduler of the full generation. Default: the model's.")
    String scheduler;

    @Option(names = {"-g", "--guidance"}, paramLabel = "W",
            description = "Guidance scale; > 1 doubles the UNet batch (classifier-free guidance). Default: the model folder's "
                    + GenerationDefaults.FILE + ", else 7.5.")
    Double guidance;

    @Option(names = "--size", paramLabel = "WxH", converter = ImageSize.Converter.class,
            description = "Image size. Default: the model's native size.")
    ImageSize size;

    @Option(names = "--prompt", paramLabel = "TEXT", defaultValue = "a photo of a smiling cat face",
            description = "Prompt used for the text encoder and the generation. Default: \"${DEFAULT-VALUE}\".")
    String prompt;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "2",
            description = "Untimed runs of each measurement first (ONNX Runtime plans memory on the first runs). "
                    + "Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = {"-n", "--iterations"}, paramLabel = "N", defaultValue = "5",
            description = "Timed runs of each measurement; medians are reported. Default: ${DEFAULT-VALUE}.")
    int iterations;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Also write the report to FILE: JSON when it ends in .json, Markdown otherwise.")
    Path output;

    @Mixin
    RuntimeChoice runtime;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (steps < 1 || iterations < 1 || warmup < 0) {
            throw new BadInputException("--steps and --iterations must be at least 1 and --warmup at least 0"
                    + " (got " + steps + ", " + iterations + ", " + warmup + ")");
        }
        if (output != null && Files.isDirectory(output)) {
            throw new BadInputException("--output " + output + " is a folder: give a file name ending in .md or .json");
        }
        RuntimeOptions options = runtime.options();
        Path folder;
        String description;
        if (model != null) {
            folder = ModelLocator.requireModelFolder(model);
            description = folder.toAbsolutePath().normalize().toString();
        } else {
            err.println("bench: using a synthesised " + shape.name().toLowerCase(Locale.ROOT)
                    + "-shape model (random weights; writing it the first time takes a while)");
            folder = SyntheticStandIn.folder(shape.spec(), main.env());
            description = "synthetic " + shape.name().toLowerCase(Locale.ROOT) + " shape (" + folder + ")";
        }
        try (ModelComponents components = RuntimeChoice.load(folder, options)) {
            RuntimeChoice.pipeline(components, null, folder); // a ControlNet-ready UNet is refused here, before timing starts
            int factor = components.vae().downscaleFactor();
            ImageSize imageSize = size != null ? size
                    : new ImageSize(components.defaultImageSize(), components.defaultImageSize());
            imageSize.requireDivisibleBy(factor, components.name());
            GenerateCommand.checkScheduler(scheduler, components);
            BenchReport report = new BenchReport()
                    .setting("model", description)
                    .setting("model size on disk", megabytes(folder))
                    .setting("image size", imageSize.toString())
                    .setting("prompt", prompt)
                    .setting("warm-up runs", warmup)
                    .setting("timed runs (median reported)", iterations)
                    .setting("runtime", options.describe())
                    .setting("machine", machine())
                    .setting("load average at start", loadAverage())
                    .setting("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")")
                    .setting("onnx runtime", ortVersion())
                    .setting("apprentice", VersionProvider.version())
                    .setting("date", OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString());
            err.println("bench: measuring " + components.name() + " (" + warmup + " warm-up + " + iterations
                    + " timed runs each)...");
            err.flush();
            new PipelineBench(components, new PipelineBench.Settings(prompt, "", scheduler, steps,
                    GenerationDefaults.guidance(guidance, folder),
                    imageSize.width(), imageSize.height(), warmup, iterations),
                    what -> {
                        err.println("bench: " + what + "...");
                        err.flush();
                    }).run(report);
            String markdown = report.toMarkdown();
            out.print(markdown);
            out.flush();
            if (output != null) {
                String text = output.toString().toLowerCase(Locale.ROOT).endsWith(".json") ? report.toJson() : markdown;
                Path parent = output.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(output, text, StandardCharsets.UTF_8);
                err.println("bench: report written to " + output);
            }
        }
        return ExitCodes.OK;
    }

    static String machine() {
        String cpu = "unknown CPU";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // not Linux: the processor count below is still useful
        }
        return Runtime.getRuntime().availableProcessors() + " logical cores, " + cpu + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }

    /** The 1-minute load average: on a shared machine it says how far the figures can be trusted. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " (1 min), " + parts[1] + " (5 min)";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String ortVersion() {
        try {
            return OrtEnvironment.getEnvironment().getVersion();
        } catch (RuntimeException | LinkageError e) {
            return "unknown";
        }
    }

    private static String megabytes(Path folder) {
        try (Stream<Path> walk = Files.walk(folder)) {
            long bytes = walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        } catch (IOException e) {
            return "unknown";
        }
    }
}
