package apprentice.app;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --controlnet}, {@code --control-image} and {@code --control-scale}, shared by {@code generate} and {@code edit}. */
final class ControlOptions {

    @Option(names = "--controlnet", paramLabel = "FOLDER",
            description = "A ControlNet export (Olive / OnnxStack layout: FOLDER/model.onnx or FOLDER/controlnet/model.onnx)"
                    + " for ControlNet-ready models (their UNets take down_block_N_additional_residual inputs)."
                    + " Needs --control-image.")
    Path controlNet;

    @Option(names = "--control-image", paramLabel = "FILE",
            description = "The ControlNet's conditioning image (edges, depth, pose, ...), read as RGB in [0, 1] like"
                    + " diffusers' ControlNet pipelines and resized to the output size.")
    Path controlImage;

    @Option(names = "--control-scale", paramLabel = "S", defaultValue = "1.0",
            description = "diffusers' controlnet_conditioning_scale: the weight of the ControlNet's residuals."
                    + " Default: ${DEFAULT-VALUE}.")
    double controlScale;

    @Option(names = "--control-start", paramLabel = "F", defaultValue = "0.0",
            description = "diffusers' control_guidance_start: the ControlNet acts from this fraction of the steps on."
                    + " Default: ${DEFAULT-VALUE}.")
    double controlStart;

    @Option(names = "--control-end", paramLabel = "F", defaultValue = "1.0",
            description = "diffusers' control_guidance_end: and up to this fraction of the steps. Default: ${DEFAULT-VALUE}.")
    double controlEnd;

    /** Both or neither of the ControlNet and its image, a finite scale and 0 <= start < end <= 1; bad input otherwise. */
    void check() {
        if ((controlNet == null) != (controlImage == null)) {
            throw new BadInputException(controlNet == null ? "--control-image needs --controlnet FOLDER (the ControlNet that reads it)"
                    : "--controlnet needs --control-image FILE (the edges, depth or pose map it conditions on)");
        }
        if (!Double.isFinite(controlScale)) {
            throw new BadInputException("--control-scale " + controlScale + " is not a finite number: give e.g. 1.0");
        }
        if (!(controlStart >= 0 && controlStart < controlEnd && controlEnd <= 1)) {
            throw new BadInputException("--control-start " + controlStart + " and --control-end " + controlEnd
                    + " must satisfy 0 <= start < end <= 1 (fractions of the steps)");
        }
    }

    boolean active() {
        return controlNet != null;
    }

    /** The options for the adaptive runner (the image loaded), or null without {@code --controlnet}. */
    AdaptiveRunner.Control forAdaptive() {
        return active()
                ? new AdaptiveRunner.Control(controlNet, controlImage, InputImage.load(controlImage, "--control-image"), controlScale,
                        controlStart, controlEnd)
                : null;
    }
}
