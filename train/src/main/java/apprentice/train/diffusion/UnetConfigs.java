package apprentice.train.diffusion;

import apprentice.onnx.graph.ElementType;
import apprentice.onnx.graph.UnetConfig;

/** The emoji UNets: 16×16×4 latents, levels of 32 and 64 channels, cross-attention at 8×8. */
public final class UnetConfigs {
    /** Width of the student's LCM guidance embedding ({@code time_cond_proj_dim}). */
    public static final int GUIDANCE_EMBED_DIM = 32;

    private UnetConfigs() {
    }

    public static UnetConfig teacher(int textDim) {
        return new UnetConfig(4, 4, new int[] {32, 64}, 1, 1, 2, 8, textDim, ElementType.INT64, false, 0, 16);
    }

    public static UnetConfig student(int textDim) {
        return new UnetConfig(4, 4, new int[] {32, 64}, 1, 1, 2, 8, textDim, ElementType.INT64, false, GUIDANCE_EMBED_DIM, 16);
    }
}
