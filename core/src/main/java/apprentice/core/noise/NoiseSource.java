package apprentice.core.noise;

import apprentice.core.tensor.Tensor;

/**
 * A stream of standard-normal samples. Every random draw in apprentice goes through one, seeded,
 * so that a recorded seed reproduces an image: initial latents, ancestral/LCM scheduler noise,
 * the VAE posterior sample of img2img, and the teacher's re-noising.
 */
public interface NoiseSource {
    /** Draws a fresh tensor of i.i.d. N(0, 1) float32 values of the given shape. */
    Tensor randn(int... shape);
}
