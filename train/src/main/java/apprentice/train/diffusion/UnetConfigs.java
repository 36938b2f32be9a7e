package apprentice.train.diffusion;

import apprentice.onnx.graph.ElementType;
import apprentice.onnx.graph.UnetConfig;

/** The emoji UNets: 16×16×4 latents, cross-attention from 8×8 down; sizes from a {@link UnetShape}. */
public final class UnetConfigs {
    /** Width of the student's LCM guidance embedding ({@code time_cond_proj_dim}). */
    public static final int GUIDANCE_EMBED_DIM = 32;

    private UnetConfigs() {
    }

    public static UnetConfig teacher(int textDim) {
        return teacher(textDim, UnetShape.SMALL);
    }

    public static UnetConfig student(int textDim) {
        return student(textDim, UnetShape.SMALL);
    }

    /** Attention from the second level down (8×8 and below), as in the first family. */
    public static UnetConfig teacher(int textDim, UnetShape shape) {
        return new UnetConfig(4, 4, shape.channels(), shape.layersPerBlock(), 1, shape.heads(), 8, textDim,
                ElementType.INT64, false, 0, 16, shape.textTimeEmbedding(), shape.positionEmbedding());
    }

    /** The teacher's network plus the LCM guidance embedding. */
    public static UnetConfig student(int textDim, UnetShape shape) {
        return new UnetConfig(4, 4, shape.channels(), shape.layersPerBlock(), 1, shape.heads(), 8, textDim,
                ElementType.INT64, false, GUIDANCE_EMBED_DIM, 16, shape.textTimeEmbedding(),
                shape.positionEmbedding());
    }
}
