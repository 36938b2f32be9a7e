package apprentice.core.scheduler;

import apprentice.core.tensor.Tensor;

/**
 * The schedule the Euler and Euler-ancestral schedulers iterate: float32 (possibly fractional) timesteps and
 * their float32 σ, plus the trailing final σ. Also the math the two share: {@code init_noise_sigma},
 * {@code scale_model_input} and the Euler update itself.
 *
 * <p>Unlike DPM-Solver and UniPC, diffusers keeps Euler timesteps as float32 without rounding: "linspace"
 * gives values such as 957.375 and Karras σ give interpolated timesteps, and the model sees them as they are.
 */
final class EulerFamilySchedule {
    /** Timesteps to iterate, largest first (float32 values held in doubles). */
    final double[] timesteps;
    /** σ per step plus the final σ (length n+1), float32. */
    final float[] sigmas;

    private EulerFamilySchedule(double[] timesteps, float[] sigmas) {
        this.timesteps = timesteps;
        this.sigmas = sigmas;
    }

    /**
     * @param karras replace the interpolated σ by the Karras ramp between their ends (or {@code sigmaMin}/{@code
     *     sigmaMax} where given) and derive fractional timesteps from those σ
     * @param finalSigmaMin end at the smallest training σ instead of 0 ({@code final_sigmas_type="sigma_min"})
     */
    static EulerFamilySchedule build(SigmaFamilyConfig c, int n, boolean karras, Double sigmaMin, Double sigmaMax,
            boolean finalSigmaMin) {
        if (n < 1) {
            throw new IllegalArgumentException(c.scheduler + ": num_inference_steps must be at least 1, got " + n);
        }
        int total = c.numTrainTimesteps;
        double[] t = switch (c.spacing) {
            case LINSPACE -> SigmaSchedule.reverse(SigmaSchedule.linspace(0, total - 1, n));
            case LEADING -> SigmaSchedule.leading(total, n, n, c.stepsOffset);
            case TRAILING -> SigmaSchedule.trailing(total, total, n);
        };
        // diffusers builds these as float32 arrays before interpolating σ at them
        toFloat32(t);
        double[] s = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            s[i] = c.sigmaAt(t[i]);
        }
        if (karras) {
            double lo = sigmaMin != null ? sigmaMin : s[s.length - 1];
            double hi = sigmaMax != null ? sigmaMax : s[0];
            s = SigmaSchedule.karras(lo, hi, n);
            float[] logSigmas = SigmaSchedule.logOf(c.trainSigmas);
            t = new double[n];
            for (int i = 0; i < n; i++) {
                t[i] = SigmaSchedule.sigmaToT(s[i], logSigmas);
            }
            toFloat32(t);
        }
        float[] sigmas = new float[s.length + 1];
        for (int i = 0; i < s.length; i++) {
            sigmas[i] = (float) s[i];
        }
        sigmas[s.length] = finalSigmaMin ? c.trainSigmas[0] : 0f;
        return new EulerFamilySchedule(t, sigmas);
    }

    private static void toFloat32(double[] values) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) values[i];
        }
    }

    /**
     * The factor for unit-variance initial noise: the largest σ, or sqrt(σmax²+1) for "leading" spacing
     * (diffusers' rule, computed in float32 like torch).
     */
    static float initNoiseSigma(float[] sigmas, TimestepSpacing spacing) {
        float max = SigmaSchedule.max(sigmas);
        return spacing == TimestepSpacing.LEADING ? (float) Math.sqrt(max * max + 1f) : max;
    }

    /** {@code sample / sqrt(σ²+1)} in float32, as diffusers' Euler {@code scale_model_input}. */
    static Tensor scaleModelInput(Tensor sample, float sigma) {
        float denom = (float) Math.sqrt(sigma * sigma + 1f);
        float[] in = sample.data();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[i] / denom;
        }
        return new Tensor(sample.shape(), out);
    }

    /**
     * One Euler step from σ to σ + dt: x̂0 from the model output (k-diffusion's denoiser form), the derivative
     * d = (x - x̂0)/σ and x' = x + d·dt, plus {@code noiseScale}·z for the ancestral variant.
     *
     * @param noise fresh noise z of the sample's size, or null for the deterministic Euler step
     */
    static StepResult step(SigmaFamilyConfig.Prediction prediction, Tensor modelOutput, Tensor sample, double sigma,
            double dt, float[] noise, double noiseScale) {
        float[] m = modelOutput.data();
        float[] x = sample.data();
        float[] prev = new float[x.length];
        float[] x0 = new float[x.length];
        double vScale = -sigma / Math.sqrt(sigma * sigma + 1);
        double vSample = 1 / (sigma * sigma + 1);
        for (int k = 0; k < x.length; k++) {
            double pred = switch (prediction) {
                case EPSILON -> x[k] - sigma * m[k];
                case V_PREDICTION -> m[k] * vScale + x[k] * vSample;
                case SAMPLE -> m[k];
            };
            double derivative = (x[k] - pred) / sigma;
            double next = x[k] + derivative * dt;
            // no "+ 0·z" for plain Euler: it would turn a -0.0 result into +0.0
            prev[k] = (float) (noise == null ? next : next + noise[k] * noiseScale);
            x0[k] = (float) pred;
        }
        return new StepResult(new Tensor(sample.shape(), prev), new Tensor(sample.shape(), x0));
    }
}
