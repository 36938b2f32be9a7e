package apprentice.onnx.graph;

import java.util.Arrays;

/**
 * Shape of a diffusers {@code AutoencoderKL}.
 *
 * @param imageChannels channels of images (3)
 * @param latentChannels latent channels (4); the encoder emits twice as many (mean ‖ logvar)
 * @param blockChannels {@code block_out_channels}; the scale factor is {@code 2^(levels-1)}
 *                      (4 levels: 8 as in SD, 3 levels: 4 as in the built-in family)
 * @param layersPerBlock resnets per encoder level (decoder levels have one more)
 * @param normGroups GroupNorm groups (32 in SD)
 * @param midAttention whether the mid blocks have their single-head self-attention
 */
public record VaeConfig(int imageChannels, int latentChannels, int[] blockChannels, int layersPerBlock,
                        int normGroups, boolean midAttention) {
    public VaeConfig {
        blockChannels = blockChannels.clone();
        if (blockChannels.length == 0 || imageChannels <= 0 || latentChannels <= 0 || layersPerBlock <= 0 || normGroups <= 0) {
            throw new IllegalArgumentException("VAE sizes must be positive: " + Arrays.toString(blockChannels));
        }
        for (int c : blockChannels) {
            if (c % normGroups != 0) {
                throw new IllegalArgumentException("VAE block channels " + c + " must be divisible by normGroups " + normGroups);
            }
        }
    }

    @Override
    public int[] blockChannels() {
        return blockChannels.clone();
    }

    /** Image side / latent side. */
    public int scaleFactor() {
        return 1 << (blockChannels.length - 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VaeConfig v && Arrays.equals(blockChannels, v.blockChannels) && imageChannels == v.imageChannels
                && latentChannels == v.latentChannels && layersPerBlock == v.layersPerBlock && normGroups == v.normGroups
                && midAttention == v.midAttention;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(blockChannels) * 31
                + java.util.Objects.hash(imageChannels, latentChannels, layersPerBlock, normGroups, midAttention);
    }

    @Override
    public String toString() {
        return "VaeConfig[blockChannels=" + Arrays.toString(blockChannels) + ", latentChannels=" + latentChannels
                + ", layersPerBlock=" + layersPerBlock + ", normGroups=" + normGroups + ", midAttention=" + midAttention + "]";
    }
}
