package apprentice.core.model;

import apprentice.core.noise.NoiseSource;
import apprentice.core.tensor.Tensor;

/**
 * Diagonal Gaussian posterior of the VAE encoder (diffusers' {@code DiagonalGaussianDistribution}).
 *
 * @param mean {@code [B, C, h, w]}
 * @param logvar same shape, or null for a legacy encoder that only exports a sample
 */
public record LatentDistribution(Tensor mean, Tensor logvar) {

    /** diffusers' {@code latent_dist.sample(generator)}: mean + exp(0.5·clamp(logvar, -30, 20))·ε. */
    public Tensor sample(NoiseSource noise) {
        if (logvar == null) {
            return mean;
        }
        Tensor eps = noise.randn(mean.shape());
        float[] m = mean.data();
        float[] lv = logvar.data();
        float[] e = eps.data();
        float[] out = new float[m.length];
        for (int i = 0; i < out.length; i++) {
            float clamped = Math.max(-30f, Math.min(20f, lv[i]));
            float std = (float) Math.exp(0.5f * clamped);
            out[i] = m[i] + std * e[i];
        }
        return new Tensor(mean.shape(), out);
    }
}
