package apprentice.core.adaptive;

import apprentice.core.scheduler.TrainSchedule;

/**
 * Converts between the two σ conventions for refinement.
 *
 * <ul>
 *   <li><b>strength</b> (default everywhere in apprentice, the paper's code): diffusers' img2img strength s, the fraction
 *       of the schedule's timesteps run; the draft is noised to about timestep {@code s·T − 1}.</li>
 *   <li><b>variance</b> (the paper's algorithm): {@code x_σ = sqrt(1−σ)·x0 + sqrt(σ)·z}, i.e. the timestep t where
 *       {@code 1 − ᾱ_t = σ}.</li>
 * </ul>
 * The conversion goes through the training schedule's ᾱ. It is exact up to the step grid: the run starts at the
 * scheduler's retained timestep nearest below {@code s·T}, which depends on the step count and spacing.
 */
public final class StrengthConvention {
    private StrengthConvention() {
    }

    /** The strength whose start timestep has noise variance {@code 1 − ᾱ_t} closest to (at least) {@code variance}. */
    public static double strengthForVariance(double variance, TrainSchedule schedule) {
        if (!(variance > 0 && variance < 1)) {
            throw new IllegalArgumentException("noise variance " + variance + " is outside (0, 1): in the variance form "
                    + "x = sqrt(1−σ)·x0 + sqrt(σ)·z, σ is strictly between 0 and 1");
        }
        int n = schedule.numTrainTimesteps();
        for (int t = 0; t < n; t++) {
            if (1.0 - schedule.alphaCumprod(t) >= variance) {
                return (t + 1) / (double) n;
            }
        }
        return 1.0;
    }

    /** The noise variance {@code 1 − ᾱ_t} at the timestep a strength starts from (t = round(s·T) − 1). */
    public static double varianceAtStrength(double strength, TrainSchedule schedule) {
        if (!(strength > 0 && strength <= 1)) {
            throw new IllegalArgumentException("strength " + strength + " is outside (0, 1]");
        }
        int n = schedule.numTrainTimesteps();
        int t = Math.max(0, Math.min(n - 1, (int) Math.round(strength * n) - 1));
        return 1.0 - schedule.alphaCumprod(t);
    }
}
