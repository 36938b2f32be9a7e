package apprentice.core.model;

import apprentice.core.tensor.Tensor;
import java.util.List;

/**
 * What a ControlNet hands the UNet: one residual per skip connection of the UNet's down path (12 for SD 1.5 and 2.x,
 * in the order diffusers returns {@code down_block_res_samples}) and one for the mid block. The UNet adds them to its
 * skip connections and mid-block output, as diffusers' {@code down_block_additional_residuals} and
 * {@code mid_block_additional_residual}.
 *
 * @param down {@code [B, C_i, h_i, w_i]} each, batch as the UNet's sample
 * @param mid {@code [B, C, h_mid, w_mid]}
 */
public record ControlResiduals(List<Tensor> down, Tensor mid) {
    public ControlResiduals {
        down = List.copyOf(down);
        if (mid == null) {
            throw new IllegalArgumentException("a ControlNet must give a mid-block residual");
        }
    }
}
