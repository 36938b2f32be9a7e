package apprentice.core.model;

import apprentice.core.tensor.Tensor;

/**
 * A ControlNet (Zhang et al. 2023): a trainable copy of a UNet's down path that reads a control image (edges, depth,
 * pose, ...) and returns residuals for that UNet's skip connections. It is called once per denoising step with the
 * UNet's own inputs, before the UNet.
 */
public interface ControlNet extends AutoCloseable {

    /**
     * @param sample {@code [B, C, h, w]} the UNet's input latents (after {@code scale_model_input}; the CFG-doubled
     *               batch when guidance is on)
     * @param timestep the scheduler's timestep
     * @param encoderHiddenStates {@code [B, L, D]} the UNet's text conditioning
     * @param controlImage {@code [B, 3, H, W]} the control image in [0, 1] (diffusers does not normalise it), at the
     *                     output image's size
     * @param conditioningScale diffusers' {@code controlnet_conditioning_scale}: the residuals' weight
     */
    ControlResiduals residuals(Tensor sample, double timestep, Tensor encoderHiddenStates, Tensor controlImage,
                               double conditioningScale);

    /** How many down-path residuals it returns; the UNet must take as many. */
    int downResiduals();

    @Override
    void close();
}
