package apprentice.core.model;

import apprentice.core.tensor.Tensor;

/** A noise-prediction network (the UNet): predicts ε, v or x0 as its scheduler config says. */
public interface Denoiser extends AutoCloseable {

    /**
     * @param sample {@code [B, C, h, w]} latents, already passed through {@code scale_model_input}
     * @param timestep the scheduler's timestep, the same for the whole batch
     * @param encoderHiddenStates {@code [B, L, D]} text conditioning
     * @param timestepCond {@code [B, timestepCondDim]} LCM guidance embedding, or null when {@link #timestepCondDim()} is 0
     * @return the model output, same shape as {@code sample}
     */
    Tensor predict(Tensor sample, double timestep, Tensor encoderHiddenStates, Tensor timestepCond);

    /** Width of the LCM {@code timestep_cond} input, 0 when the UNet has no such input. */
    int timestepCondDim();

    /** Number of latent channels (4 for Stable Diffusion). */
    int latentChannels();

    @Override
    void close();
}
