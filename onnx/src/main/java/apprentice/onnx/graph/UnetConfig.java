package apprentice.onnx.graph;

import java.util.Arrays;

/**
 * Shape of a diffusers {@code UNet2DConditionModel}-style latent UNet and of its exported
 * {@code timestep} input.
 *
 * @param inChannels latent channels in (4)
 * @param outChannels channels out (4)
 * @param blockChannels {@code block_out_channels}, one per resolution level (each level but the last halves H and W)
 * @param layersPerBlock resnets per down level (up levels have one more)
 * @param attentionFromLevel levels {@code >=} this get a cross-attention transformer after each resnet
 *                           (CrossAttnDownBlock2D); lower levels are plain (DownBlock2D), as in SDXL.
 *                           The mid block always has one.
 * @param heads attention heads in every transformer (must divide the channels of attention levels)
 * @param normGroups GroupNorm groups (32 in SD)
 * @param crossAttentionDim hidden size of {@code encoder_hidden_states}
 * @param timestepType dtype of the {@code timestep} input
 * @param timestepScalar {@code timestep} has shape {@code []} (Optimum) rather than {@code [batch_size]}
 * @param timestepCondDim width of an LCM {@code timestep_cond} input, 0 for none
 * @param sampleSize the latent side the model is meant for ({@code sample_size} in unet/config.json)
 * @param textTimeEmbedding add {@code add_embedding.linear(mean over tokens of encoder_hidden_states)} to the time
 *                          embedding, so every resnet sees the caption (like class conditioning in ADM); the
 *                          cross-attention levels alone left the emoji teacher's text path underused
 * @param positionEmbedding add a learned {@code conv_in_position [1, C0, sampleSize, sampleSize]} map (resized to the
 *                          input's H×W) after {@code conv_in}, so that a pure-noise input still tells each pixel
 *                          where it is; a shallow UNet otherwise knows position only from zero padding
 */
public record UnetConfig(int inChannels, int outChannels, int[] blockChannels, int layersPerBlock,
                         int attentionFromLevel, int heads, int normGroups, int crossAttentionDim,
                         ElementType timestepType, boolean timestepScalar, int timestepCondDim, int sampleSize,
                         boolean textTimeEmbedding, boolean positionEmbedding) {
    /** A plain diffusers-style UNet: no text time embedding, no position map. */
    public UnetConfig(int inChannels, int outChannels, int[] blockChannels, int layersPerBlock, int attentionFromLevel,
                      int heads, int normGroups, int crossAttentionDim, ElementType timestepType, boolean timestepScalar,
                      int timestepCondDim, int sampleSize) {
        this(inChannels, outChannels, blockChannels, layersPerBlock, attentionFromLevel, heads, normGroups,
                crossAttentionDim, timestepType, timestepScalar, timestepCondDim, sampleSize, false, false);
    }

    public UnetConfig {
        blockChannels = blockChannels.clone();
        if (blockChannels.length == 0 || layersPerBlock <= 0 || heads <= 0 || normGroups <= 0 || crossAttentionDim <= 0
                || inChannels <= 0 || outChannels <= 0 || timestepCondDim < 0 || sampleSize <= 0) {
            throw new IllegalArgumentException("UNet sizes must be positive: " + Arrays.toString(blockChannels)
                    + ", layers " + layersPerBlock + ", heads " + heads + ", groups " + normGroups);
        }
        for (int i = 0; i < blockChannels.length; i++) {
            int c = blockChannels[i];
            if (c % normGroups != 0) {
                throw new IllegalArgumentException("UNet block channels " + c + " must be divisible by normGroups " + normGroups);
            }
            boolean attention = i >= attentionFromLevel || i == blockChannels.length - 1;
            if (attention && c % heads != 0) {
                throw new IllegalArgumentException("UNet attention channels " + c + " must be divisible by heads " + heads);
            }
        }
        if (blockChannels[0] % 2 != 0) {
            throw new IllegalArgumentException("UNet first block channels " + blockChannels[0]
                    + " must be even (they size the sinusoidal timestep embedding)");
        }
    }

    @Override
    public int[] blockChannels() {
        return blockChannels.clone();
    }

    /** Latent H and W must be multiples of this (each level but the last halves them). */
    public int sizeMultiple() {
        return 1 << (blockChannels.length - 1);
    }

    /** Width of the time embedding (4 × the first block's channels, as in SD). */
    public int timeEmbedDim() {
        return 4 * blockChannels[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnetConfig u && Arrays.equals(blockChannels, u.blockChannels) && inChannels == u.inChannels
                && outChannels == u.outChannels && layersPerBlock == u.layersPerBlock
                && attentionFromLevel == u.attentionFromLevel && heads == u.heads && normGroups == u.normGroups
                && crossAttentionDim == u.crossAttentionDim && timestepType == u.timestepType
                && timestepScalar == u.timestepScalar && timestepCondDim == u.timestepCondDim && sampleSize == u.sampleSize
                && textTimeEmbedding == u.textTimeEmbedding && positionEmbedding == u.positionEmbedding;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(blockChannels) * 31 + java.util.Objects.hash(inChannels, outChannels, layersPerBlock,
                attentionFromLevel, heads, normGroups, crossAttentionDim, timestepType, timestepScalar, timestepCondDim, sampleSize, textTimeEmbedding, positionEmbedding);
    }

    @Override
    public String toString() {
        return "UnetConfig[blockChannels=" + Arrays.toString(blockChannels) + ", layersPerBlock=" + layersPerBlock
                + ", attentionFromLevel=" + attentionFromLevel + ", heads=" + heads + ", normGroups=" + normGroups
                + ", crossAttentionDim=" + crossAttentionDim + ", timestep=" + timestepType
                + (timestepScalar ? "[]" : "[batch_size]") + ", timestepCondDim=" + timestepCondDim
                + ", sampleSize=" + sampleSize + (textTimeEmbedding ? ", textTimeEmbedding" : "")
                + (positionEmbedding ? ", positionEmbedding" : "") + "]";
    }
}
