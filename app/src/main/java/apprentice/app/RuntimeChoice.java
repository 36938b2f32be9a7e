package apprentice.app;

import apprentice.core.model.ControlNet;
import apprentice.core.pipeline.DiffusionPipeline;
import apprentice.core.pipeline.GenerationDefaults;
import apprentice.core.pipeline.ModelComponents;
import apprentice.onnx.runtime.OnnxControlNet;
import apprentice.onnx.runtime.OnnxModelFolder;
import apprentice.onnx.runtime.RuntimeOptions;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --threads}, {@code --provider} and {@code --no-spin}, shared by the commands that run models, and model loading. */
public final class RuntimeChoice {

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "ONNX Runtime intra-op threads; 0 (default) lets ONNX Runtime choose (one per physical core).")
    int threads;

    @Option(names = "--provider", paramLabel = "NAME", defaultValue = "cpu",
            description = "Execution provider: cpu (default) or cuda (needs the GPU build of ONNX Runtime on the class path).")
    String provider;

    @Option(names = "--no-spin",
            description = "Let ONNX Runtime's threads sleep between operators instead of busy-waiting (its default): frees the"
                    + " cores for other work sharing them (the teacher lane of serve, other processes) at some latency per call.")
    boolean noSpin;

    /** The runtime options these flags ask for; bad values are bad input. */
    public RuntimeOptions options() {
        if (threads < 0) {
            throw new BadInputException("--threads " + threads + " is negative: give a thread count, or 0 for ONNX Runtime's choice");
        }
        RuntimeOptions.Provider p;
        try {
            p = RuntimeOptions.Provider.parse(provider);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("unknown --provider '" + provider + "': use cpu or cuda");
        }
        return RuntimeOptions.defaults().withProvider(p).withThreads(threads, 0).withSpinning(!noSpin);
    }

    /**
     * Loads a model folder. A folder that is incomplete, malformed, or whose models do not fit their
     * roles (the loader's IllegalArgumentException), or a provider that is not available, is bad
     * input: the user fixes it by pointing at another folder or changing a flag.
     */
    public static ModelComponents load(Path folder, RuntimeOptions options) {
        try {
            GenerationDefaults.read(folder); // a malformed generation_config.json fails here, as bad input, not mid-run
            return OnnxModelFolder.load(folder, options);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            throw new BadInputException("cannot use model folder " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Loads a ControlNet folder ({@code --controlnet}); a missing or malformed export is bad input naming the folder. */
    public static ControlNet loadControlNet(Path folder, RuntimeOptions options) {
        try {
            return OnnxControlNet.open(folder, options);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            throw new BadInputException("cannot use ControlNet " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * The plain pipeline, or one with the ControlNet; a UNet and ControlNet that do not fit together, or a
     * ControlNet-ready UNet without a ControlNet, are bad input (found before any image is generated).
     */
    public static DiffusionPipeline pipeline(ModelComponents components, ControlNet controlNet, Path folder) {
        DiffusionPipeline pipeline = new DiffusionPipeline(components);
        if (controlNet == null) {
            if (components.unet().controlResidualInputs() > 0) {
                throw new BadInputException(folder + " is a ControlNet-ready export (its UNet takes "
                        + components.unet().controlResidualInputs() + " down-block residuals): it runs only with a ControlNet"
                        + " (generate, edit or serve with --controlnet FOLDER and a control image)");
            }
            return pipeline;
        }
        try {
            return pipeline.withControlNet(controlNet);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--controlnet with " + folder + ": " + e.getMessage(), e);
        }
    }
}
