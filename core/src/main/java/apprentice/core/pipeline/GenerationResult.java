package apprentice.core.pipeline;

import apprentice.core.tensor.Tensor;
import java.util.List;

/**
 * What a run produced.
 *
 * @param images {@code [B, 3, H, W]} decoded images, about [-1, 1] (not clamped; diffusers clamps when it
 *               converts to pixels)
 * @param latents {@code [B, C, h, w]} final latents as the scheduler left them (scaled, i.e. before division by
 *                the VAE's scaling factor)
 * @param seeds the seed of each image, in image order
 * @param timesteps the scheduler timesteps actually run, in order (after img2img truncation)
 * @param nfe number of function evaluations: UNet calls actually run. One denoising step is one evaluation
 *            even when classifier-free guidance doubles the batch ({@code [uncond, cond]} in one call), and
 *            even for a batch of several images, so {@code nfe == timesteps.length}
 * @param guidanceApplied whether classifier-free guidance (the doubled batch) was used
 * @param scheduler the scheduler's class name as run, e.g. "DDIMScheduler"
 * @param strength the img2img strength used (diffusers' convention: fraction of steps run), or NaN for text-to-image
 * @param timings wall time per phase and inside the runtime
 * @param truncatedPrompts prompts and negative prompts (each once) longer than the text encoder's sequence, whose
 *                         end was cut off as diffusers does; empty when none
 */
public record GenerationResult(
        Tensor images,
        Tensor latents,
        List<Long> seeds,
        double[] timesteps,
        int nfe,
        boolean guidanceApplied,
        String scheduler,
        double strength,
        PhaseTimings timings,
        List<String> truncatedPrompts) {

    public GenerationResult {
        seeds = List.copyOf(seeds);
        truncatedPrompts = truncatedPrompts == null ? List.of() : List.copyOf(truncatedPrompts);
    }

    /** A result with no truncated prompts (the form before {@code truncatedPrompts} existed). */
    public GenerationResult(Tensor images, Tensor latents, List<Long> seeds, double[] timesteps, int nfe,
                            boolean guidanceApplied, String scheduler, double strength, PhaseTimings timings) {
        this(images, latents, seeds, timesteps, nfe, guidanceApplied, scheduler, strength, timings, List.of());
    }

    public int batchSize() {
        return images.dim(0);
    }

    /** Image {@code i} as {@code [1, 3, H, W]} (a copy). */
    public Tensor image(int i) {
        return images.slice(i, i + 1);
    }
}
