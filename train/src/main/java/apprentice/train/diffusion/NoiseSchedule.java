package apprentice.train.diffusion;

import apprentice.core.scheduler.SchedulerConfig;
import apprentice.core.scheduler.TrainSchedule;
import java.util.Map;

/** SD's scaled-linear schedule (β 0.00085 → 0.012, 1000 steps) from core's bit-exact TrainSchedule. */
public final class NoiseSchedule {
    public static final int STEPS = 1000;
    public static final double BETA_START = 0.00085;
    public static final double BETA_END = 0.012;
    private final float[] alphasCumprod;

    public NoiseSchedule() {
        alphasCumprod = TrainSchedule.from(config()).alphasCumprod().clone();
    }

    public static SchedulerConfig config() {
        return new SchedulerConfig(Map.of("beta_schedule", "scaled_linear", "beta_start", BETA_START,
                "beta_end", BETA_END, "num_train_timesteps", STEPS));
    }

    public float alphaCumprod(int t) {
        return alphasCumprod[t];
    }

    /** Signal-to-noise ratio ᾱ_t / (1 − ᾱ_t). */
    public double snr(int t) {
        return alphasCumprod[t] / (1.0 - alphasCumprod[t]);
    }

    /**
     * Min-SNR-γ loss weight for ε-prediction, min(SNR, γ) / SNR (Hang et al., "Efficient Diffusion Training via
     * Min-SNR Weighting Strategy", 2023): nearly-clean timesteps, whose ε-loss is easy and dominates the gradient,
     * are down-weighted, so training spends its updates on the noisy steps that decide an image's layout.
     * γ ≤ 0 turns it off (weight 1, plain ε-MSE).
     */
    public double minSnrWeight(int t, double gamma) {
        return snrWeight(t, gamma, 0);
    }

    /**
     * ε-loss weight that makes the x0-space weight clamp(SNR, floor, γ): min-SNR-γ (Hang et al. 2023) caps the
     * easy low-noise steps; the floor (Salimans &amp; Ho 2022's truncated-SNR idea) keeps the high-noise steps, where
     * ε-MSE is nearly blind to the predicted image (ε error = sqrt(SNR)·x0 error), from being ignored: they decide an
     * image's shape. γ ≤ 0: no cap; floor ≤ 0: no floor.
     */
    public double snrWeight(int t, double gamma, double floor) {
        double snr = snr(t);
        double x0Weight = gamma > 0 ? Math.min(snr, gamma) : snr;
        if (floor > 0) {
            x0Weight = Math.max(x0Weight, Math.min(floor, gamma > 0 ? gamma : floor));
        }
        return x0Weight / snr;
    }
}
