package apprentice.train.ae;

/**
 * Shape of the emoji VAE: 64×64×3 ↔ 16×16×{@code latentChannels}. The full-resolution level is
 * handled by pixel (un)shuffle instead of convolutions: on a shared 2-core CPU a 64×64 conv stack
 * costs ~20 s per batch, while emoji's flat colours reconstruct well from 32×32 features.
 *
 * @param base channels at 32×32
 * @param mid channels at 16×16
 */
public record AutoencoderConfig(int base, int mid, int latentChannels, int groups) {
    public static AutoencoderConfig emoji() {
        return new AutoencoderConfig(32, 64, 4, 8);
    }

    public int downscaleFactor() {
        return 4;
    }
}
