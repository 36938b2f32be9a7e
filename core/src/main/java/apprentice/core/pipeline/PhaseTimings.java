package apprentice.core.pipeline;

/**
 * Wall time of one run, per phase, plus how much of it was spent inside the model runtime.
 *
 * @param textEncodeNanos tokenising and encoding prompts
 * @param imageEncodeNanos image-to-image: VAE encode, posterior sample and add_noise (0 for text-to-image)
 * @param denoiseNanos the scheduler loop
 * @param decodeNanos VAE decode
 * @param totalNanos the whole run, start to end
 * @param modelCallNanos time inside component calls (text encoder, UNet, VAE), including their tensor conversion
 * @param runtimeNanos time inside the inference runtime itself (ONNX Runtime's {@code run}) where the components
 *                     report it ({@link TimedComponent}); otherwise equal to {@code modelCallNanos}
 */
public record PhaseTimings(
        long textEncodeNanos,
        long imageEncodeNanos,
        long denoiseNanos,
        long decodeNanos,
        long totalNanos,
        long modelCallNanos,
        long runtimeNanos) {

    /** Time spent outside the inference runtime (pipeline logic, schedulers, tensor conversion). */
    public long outsideRuntimeNanos() {
        return totalNanos - runtimeNanos;
    }

    /** {@link #outsideRuntimeNanos()} as a fraction of the total, in [0, 1]. */
    public double outsideRuntimeShare() {
        return totalNanos == 0 ? 0 : (double) outsideRuntimeNanos() / totalNanos;
    }
}
