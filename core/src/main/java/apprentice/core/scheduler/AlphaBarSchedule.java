package apprentice.core.scheduler;

/**
 * ᾱ_t for the DDPM-family schedulers (DDIM, LCM) as diffusers builds them: the float32
 * {@link TrainSchedule}, optionally rescaled to zero terminal SNR ({@code rescale_betas_zero_snr},
 * Lin et al. 2023, algorithm 1), plus the "previous" ᾱ used past t = 0.
 */
final class AlphaBarSchedule {
    private final float[] alphasCumprod;
    private final float finalAlphaCumprod;

    private AlphaBarSchedule(float[] alphasCumprod, float finalAlphaCumprod) {
        this.alphasCumprod = alphasCumprod;
        this.finalAlphaCumprod = finalAlphaCumprod;
    }

    static AlphaBarSchedule from(SchedulerConfig config) {
        float[] acp = TrainSchedule.from(config).alphasCumprod().clone();
        if (config.getBoolean("rescale_betas_zero_snr", false)) {
            acp = rescaleZeroTerminalSnr(acp);
        }
        // set_alpha_to_one=false (SD's choice) reuses ᾱ_0 as the ᾱ "before" the last step
        float last = config.getBoolean("set_alpha_to_one", true) ? 1.0f : acp[0];
        return new AlphaBarSchedule(acp, last);
    }

    int numTrainTimesteps() {
        return alphasCumprod.length;
    }

    /** ᾱ_t for 0 <= t < T. */
    float at(int t) {
        return alphasCumprod[t];
    }

    /** ᾱ_t, or the final ᾱ where {@code t < 0} (the step past the cleanest timestep). */
    float atOrFinal(int t) {
        return t >= 0 ? alphasCumprod[t] : finalAlphaCumprod;
    }

    /**
     * Shifts and scales sqrt(ᾱ) so that sqrt(ᾱ_T) = 0 while sqrt(ᾱ_0) is kept, then rebuilds ᾱ through
     * the per-step alphas as diffusers does (float32 values, cumulative product accumulated in double
     * like torch's CPU cumprod).
     */
    static float[] rescaleZeroTerminalSnr(float[] acp) {
        int n = acp.length;
        float[] sqrtBar = new float[n];
        for (int i = 0; i < n; i++) {
            sqrtBar[i] = (float) Math.sqrt(acp[i]);
        }
        float a0 = sqrtBar[0];
        float aT = sqrtBar[n - 1];
        float scale = a0 / (a0 - aT);
        float[] bar = new float[n];
        for (int i = 0; i < n; i++) {
            float v = (sqrtBar[i] - aT) * scale;
            bar[i] = v * v;
        }
        float[] out = new float[n];
        double prod = 1.0;
        for (int i = 0; i < n; i++) {
            float alpha = i == 0 ? bar[0] : bar[i] / bar[i - 1];
            float beta = 1.0f - alpha;
            prod *= 1.0f - beta;
            out[i] = (float) prod;
        }
        return out;
    }
}
