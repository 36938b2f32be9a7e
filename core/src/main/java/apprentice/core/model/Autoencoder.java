package apprentice.core.model;

import apprentice.core.tensor.Tensor;

/** The VAE: images in [-1, 1] to latents and back. Latents here are unscaled (no scaling_factor). */
public interface Autoencoder extends AutoCloseable {

    /**
     * Encodes {@code [B, 3, H, W]} images in [-1, 1]. Returns the posterior's mean and log-variance
     * (each {@code [B, C, H/f, W/f]}); a legacy encoder that only outputs a sample returns it as the
     * mean with a null log-variance.
     */
    LatentDistribution encode(Tensor images);

    /** Decodes {@code [B, C, h, w]} unscaled latents to {@code [B, 3, h·f, w·f]} images in about [-1, 1]. */
    Tensor decode(Tensor latents);

    /** diffusers' {@code vae.config.scaling_factor} (0.18215 for SD 1.x/2.x). */
    float scalingFactor();

    /** Spatial down-sampling factor f between image and latent (8 for SD). */
    int downscaleFactor();

    @Override
    void close();
}
