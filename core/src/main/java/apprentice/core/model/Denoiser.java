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

    /**
     * {@link #predict(Tensor, double, Tensor, Tensor)} with a ControlNet's residuals added to the skip connections
     * and the mid block. Only UNets exported with residual inputs take them ({@link #controlResidualInputs()} &gt; 0).
     *
     * @param residuals the ControlNet's output for this step and batch, or null for none
     */
    default Tensor predict(Tensor sample, double timestep, Tensor encoderHiddenStates, Tensor timestepCond,
                           ControlResiduals residuals) {
        if (residuals != null) {
            throw new UnsupportedOperationException("this UNet takes no ControlNet residuals: use a UNet exported with "
                    + "down_block_N_additional_residual and mid_block_additional_residual inputs");
        }
        return predict(sample, timestep, encoderHiddenStates, timestepCond);
    }

    /**
     * Number of down-path residual inputs a ControlNet must fill (12 for an SD 1.5 ControlNet-ready export); 0 for a
     * plain UNet, which cannot be controlled.
     */
    default int controlResidualInputs() {
        return 0;
    }

    /** Width of the LCM {@code timestep_cond} input, 0 when the UNet has no such input. */
    int timestepCondDim();

    /** Number of latent channels (4 for Stable Diffusion). */
    int latentChannels();

    @Override
    void close();
}
