package apprentice.core.adaptive;

import apprentice.core.tensor.Tensor;
import java.util.Objects;

/**
 * The ControlNet conditioning of an adaptive run: the same control image and scale for the student's draft and the
 * teacher's refinement or regeneration, as the paper's controllable generation (a ControlNet trained for the teacher
 * conditions both stages). Both stages' pipelines need a ControlNet ({@code DiffusionPipeline.withControlNet}).
 *
 * @param image {@code [1 or B, 3, H, W]} in [0, 1] at the output size
 * @param scale diffusers' {@code controlnet_conditioning_scale}
 * @param start diffusers' {@code control_guidance_start}, a fraction of each stage's steps
 * @param end diffusers' {@code control_guidance_end}
 */
public record ControlCondition(Tensor image, double scale, double start, double end) {
    public ControlCondition {
        Objects.requireNonNull(image, "control image");
        if (!Double.isFinite(scale)) {
            throw new IllegalArgumentException("control scale " + scale + " is not finite");
        }
    }

    /** Control over all steps. */
    public ControlCondition(Tensor image, double scale) {
        this(image, scale, 0.0, 1.0);
    }
}
