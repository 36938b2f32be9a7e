package apprentice.core.scheduler;

import apprentice.core.tensor.Tensor;

/**
 * The schedule of the multistep solvers (DPM-Solver++ and UniPC): integer timesteps and their σ, built as
 * diffusers builds them. Spacings work on n+1 points and drop the last ("linspace", "leading"), so that the
 * final step lands at σ = 0 (or σ_min) rather than at a training timestep.
 */
final class MultistepSchedule {
    /** Integer timesteps, largest first, held in doubles. */
    final double[] timesteps;
    /** σ per step plus the final σ (length timesteps.length + 1), float32. */
    final float[] sigmas;

    private MultistepSchedule(double[] timesteps, float[] sigmas) {
        this.timesteps = timesteps;
        this.sigmas = sigmas;
    }

    /** How the last σ (after the last step) is chosen: diffusers' {@code final_sigmas_type}. */
    enum FinalSigma {
        /** 0: the last step returns the model's clean estimate. */
        ZERO,
        /** the smallest training σ (UniPC with Karras σ instead ends at its last Karras σ). */
        SIGMA_MIN
    }

    /**
     * @param lastTimestep one past the largest usable training timestep (DPM's {@code lambda_min_clipped} can
     *     lower it; otherwise {@code num_train_timesteps})
     * @param karras use the Karras σ ramp between the training σ ends (or {@code sigmaMin}/{@code sigmaMax})
     * @param roundKarras round Karras-derived timesteps to the nearest integer (half to even) rather than
     *     truncating them
     * @param karrasFinalIsLast with {@link FinalSigma#SIGMA_MIN}, end at the last Karras σ (UniPC's rule) rather
     *     than the smallest training σ (DPM's)
     */
    static MultistepSchedule build(SigmaFamilyConfig c, int n, int lastTimestep, boolean karras, Double sigmaMin,
            Double sigmaMax, boolean roundKarras, FinalSigma finalSigma, boolean karrasFinalIsLast) {
        if (n < 1) {
            throw new IllegalArgumentException(c.scheduler + ": num_inference_steps must be at least 1, got " + n);
        }
        int total = c.numTrainTimesteps;
        double[] t = switch (c.spacing) {
            case LINSPACE -> {
                double[] all = SigmaSchedule.roundHalfEven(SigmaSchedule.linspace(0, lastTimestep - 1, n + 1));
                double[] kept = new double[n];
                for (int i = 0; i < n; i++) {
                    kept[i] = all[n - i];
                }
                yield kept;
            }
            case LEADING -> SigmaSchedule.leading(lastTimestep, n + 1, n, c.stepsOffset);
            case TRAILING -> SigmaSchedule.trailing(lastTimestep, total, n);
        };
        double[] s;
        if (karras) {
            float[] train = c.trainSigmas;
            double lo = sigmaMin != null ? sigmaMin : train[0];
            double hi = sigmaMax != null ? sigmaMax : train[train.length - 1];
            s = SigmaSchedule.karras(lo, hi, n);
            float[] logSigmas = SigmaSchedule.logOf(train);
            t = new double[n];
            for (int i = 0; i < n; i++) {
                double ti = SigmaSchedule.sigmaToT(s[i], logSigmas);
                // torch's .to(int64) truncates toward zero when diffusers does not round first
                t[i] = roundKarras ? Math.rint(ti) : (double) (long) ti;
            }
        } else {
            s = new double[t.length];
            for (int i = 0; i < t.length; i++) {
                s[i] = c.sigmaAt(t[i]);
            }
        }
        float[] sigmas = new float[s.length + 1];
        for (int i = 0; i < s.length; i++) {
            sigmas[i] = (float) s[i];
        }
        if (finalSigma == FinalSigma.SIGMA_MIN) {
            sigmas[s.length] = karras && karrasFinalIsLast ? (float) s[s.length - 1] : c.trainSigmas[0];
        }
        return new MultistepSchedule(t, sigmas);
    }

    static FinalSigma finalSigma(SigmaFamilyConfig c) {
        return "sigma_min".equals(c.requireOneOf("final_sigmas_type", "zero", "zero", "sigma_min"))
                ? FinalSigma.SIGMA_MIN : FinalSigma.ZERO;
    }

    /** α_t = 1/sqrt(σ²+1): the signal scale of the variance-preserving form x = α_t·x0 + σ_t·ε. */
    static double alpha(double sigma) {
        return 1 / Math.sqrt(sigma * sigma + 1);
    }

    /** {@code add_noise} of the variance-preserving form: α_t·x + σ_t·noise at σ, with σ_t = σ·α_t. */
    static Tensor addNoise(Tensor original, Tensor noise, double sigma, String scheduler) {
        double alpha = alpha(sigma);
        return SampleMath.combine(original, alpha, noise, sigma * alpha, scheduler);
    }

    /** λ = log α_t - log σ_t (half the log-SNR); +∞ at σ = 0. */
    static double lambda(double sigma) {
        double a = alpha(sigma);
        return Math.log(a) - Math.log(sigma * a);
    }

    /**
     * What every data-prediction update from σ_s to σ_t (DPM-Solver++'s step, UniPC's predictor and corrector)
     * starts from, in the variance-preserving form.
     *
     * @param alphaT α at the target σ
     * @param sampleScale σ_t'/σ_s' = (σ_t·α_t)/(σ_s·α_s), the factor on the current sample
     * @param lambdaS λ at the source σ
     * @param h the step in λ, λ_t - λ_s
     */
    record Interval(double alphaT, double sampleScale, double lambdaS, double h) {
        static Interval between(double sigmaS, double sigmaT) {
            double alphaT = alpha(sigmaT);
            double lambdaS = lambda(sigmaS);
            return new Interval(alphaT, (sigmaT * alphaT) / (sigmaS * alpha(sigmaS)), lambdaS,
                    lambda(sigmaT) - lambdaS);
        }
    }
}
