package apprentice.train.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How much a teacher uses its caption: noise clean latents to timestep t, let the UNet predict ε under several
 * caption sets (the image's label, "", another image's label) and measure the implied x0 =
 * (x_t − sqrt(1−ᾱ)·ε̂)/sqrt(ᾱ) against the true latent. A model that ignores the text scores the same for all
 * three; the best any model can do with label captions is the spread of the images sharing a label
 * ({@link #labelMeanError}). At high t the ε loss is nearly blind to this error, which is why it is measured in x0.
 */
public final class ConditioningProbe {
    /** UNet ε prediction for (x_t, t as a [B] array, caption set name). */
    public interface Denoiser {
        NDArray epsilon(NDArray xt, NDArray t, String captionSet);
    }

    private final NoiseSchedule schedule = new NoiseSchedule();

    /**
     * Mean squared x0 error per caption set at timestep t.
     *
     * @param z0 clean latents [B, C, H, W]
     * @param noise the ε that noises them, same shape
     */
    public Map<String, Double> x0Error(NDArray z0, NDArray noise, int t, List<String> captionSets, Denoiser unet) {
        NDManager m = z0.getManager();
        float sa = (float) Math.sqrt(schedule.alphaCumprod(t));
        float sb = (float) Math.sqrt(1 - schedule.alphaCumprod(t));
        NDArray xt = z0.mul(sa).add(noise.mul(sb));
        float[] ts = new float[(int) z0.getShape().get(0)];
        Arrays.fill(ts, t);
        NDArray tArr = m.create(ts);
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (String set : captionSets) {
            NDArray x0 = xt.sub(unet.epsilon(xt, tArr, set).mul(sb)).div(sa);
            out.put(set, (double) x0.sub(z0).square().mean().getFloat());
        }
        return out;
    }

    /**
     * The x0 error of the ideal label-conditioned predictor as t → 1000, for one image: its latent against the
     * mean of all latents sharing its label (itself included), mean over elements.
     */
    public static double labelMeanError(float[] self, List<float[]> sameLabel) {
        double sum = 0;
        for (int j = 0; j < self.length; j++) {
            double mean = 0;
            for (float[] other : sameLabel) {
                mean += other[j];
            }
            mean /= sameLabel.size();
            double d = self[j] - mean;
            sum += d * d;
        }
        return sum / self.length;
    }
}
