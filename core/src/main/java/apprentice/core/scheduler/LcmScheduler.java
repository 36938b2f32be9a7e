package apprentice.core.scheduler;

import apprentice.core.noise.NoiseSource;
import apprentice.core.tensor.Tensor;
import java.util.Map;

/**
 * diffusers' {@code LCMScheduler}: multistep consistency sampling (Luo et al. 2023, "Latent
 * Consistency Models"; Song et al. 2023, "Consistency Models").
 *
 * <p><b>Timesteps.</b> The student was distilled on a {@code original_inference_steps}-point
 * skipping schedule {@code k·c - 1} (c = T / original_inference_steps, k = 1..orig·strength); n of
 * those are picked, noisiest first, at indices {@code floor(j·len/n)}. With the defaults (50 points)
 * 4 steps run 999, 759, 499, 259. {@link #setTimesteps(int, double)} with strength < 1 keeps only
 * the first {@code orig·strength} points: LCM's own img2img schedule.
 *
 * <p><b>Step.</b> x0 from the prediction type, then the consistency boundary condition
 * {@code denoised = c_out·x0 + c_skip·x} with {@code c_skip = σ_d²/((10t)² + σ_d²)},
 * {@code c_out = 10t/sqrt((10t)² + σ_d²)}, σ_d = 0.5 (10 = {@code timestep_scaling}), so that
 * f(x, 0) = x. Every step but the last re-noises {@code denoised} to the next timestep with fresh
 * noise; the last returns {@code denoised}. "Last" counts the whole schedule, so an img2img run that
 * starts mid-schedule via {@link #setBeginIndex} still ends without noise.
 *
 * <p>Config keys: training schedule keys, {@code original_inference_steps} (50),
 * {@code timestep_scaling} (10), {@code set_alpha_to_one}, {@code prediction_type} (epsilon,
 * v_prediction, sample), {@code clip_sample} (+ range), {@code thresholding},
 * {@code rescale_betas_zero_snr}. {@code steps_offset} and {@code timestep_spacing} are accepted but,
 * as in diffusers, unused.
 */
public final class LcmScheduler implements Scheduler {
    /** LCMScheduler's constructor defaults (SD-like schedule, unlike DDIM's). */
    static final Map<String, Object> DEFAULTS = Map.ofEntries(
            Map.entry("num_train_timesteps", 1000),
            Map.entry("beta_start", 0.00085),
            Map.entry("beta_end", 0.012),
            Map.entry("beta_schedule", "scaled_linear"),
            Map.entry("original_inference_steps", 50),
            Map.entry("clip_sample", false),
            Map.entry("clip_sample_range", 1.0),
            Map.entry("set_alpha_to_one", true),
            Map.entry("steps_offset", 0),
            Map.entry("prediction_type", "epsilon"),
            Map.entry("thresholding", false),
            Map.entry("dynamic_thresholding_ratio", 0.995),
            Map.entry("sample_max_value", 1.0),
            Map.entry("timestep_spacing", "leading"),
            Map.entry("timestep_scaling", 10.0),
            Map.entry("rescale_betas_zero_snr", false));

    /** σ_data of the consistency parameterisation (fixed in diffusers). */
    private static final double SIGMA_DATA = 0.5;

    private final SchedulerConfig config;
    private final AlphaBarSchedule alphaBars;
    private final PredictedSample prediction;
    private final int originalInferenceSteps;
    private final double timestepScaling;
    private int[] timesteps;
    private int stepIndex = -1;
    private int beginIndex = -1;

    public LcmScheduler(SchedulerConfig config) {
        this.config = ConfigDefaults.apply(config, DEFAULTS);
        this.alphaBars = AlphaBarSchedule.from(this.config);
        this.prediction = new PredictedSample(this.config);
        this.originalInferenceSteps = this.config.getInt("original_inference_steps", 50);
        this.timestepScaling = this.config.getDouble("timestep_scaling", 10.0);
        int t = alphaBars.numTrainTimesteps();
        if (originalInferenceSteps < 1 || originalInferenceSteps > t) {
            throw new IllegalArgumentException("original_inference_steps must be in 1.." + t
                    + " (num_train_timesteps), got " + originalInferenceSteps);
        }
    }

    @Override
    public void setTimesteps(int n) {
        setTimesteps(n, 1.0);
    }

    /**
     * diffusers' {@code set_timesteps(n, strength=strength)}: the schedule of LCM's img2img pipelines,
     * drawn from the first {@code int(original_inference_steps·strength)} points of the distillation
     * schedule, so it starts at timestep {@code ≈ strength·T - 1}. Strength here is diffusers'
     * img2img strength (fraction of the timestep range), not a noise variance.
     */
    public void setTimesteps(int n, double strength) {
        if (!(strength > 0 && strength <= 1)) {
            throw new IllegalArgumentException("LCM strength must be in (0, 1] (fraction of the timestep range), got "
                    + strength);
        }
        if (n < 1 || n > originalInferenceSteps) {
            throw new IllegalArgumentException("LCM num_inference_steps must be in 1.." + originalInferenceSteps
                    + " (original_inference_steps), got " + n);
        }
        int c = alphaBars.numTrainTimesteps() / originalInferenceSteps;
        int points = (int) (originalInferenceSteps * strength);
        if (points / n < 1) {
            throw new IllegalArgumentException("LCM: original_inference_steps x strength = " + points
                    + " schedule points is fewer than num_inference_steps = " + n
                    + "; raise strength or lower the number of steps");
        }
        // the distillation points, noisiest first: points·c - 1, ..., c - 1
        int[] out = new int[n];
        for (int j = 0; j < n; j++) {
            // numpy: floor(linspace(0, points, n, endpoint=False)[j]) with step points/n
            double step = (double) points / n;
            int idx = (int) Math.floor(j * step);
            out[j] = (points - idx) * c - 1;
        }
        this.timesteps = out;
        this.stepIndex = -1;
        this.beginIndex = -1;
    }

    @Override
    public double[] timesteps() {
        requireTimesteps();
        double[] out = new double[timesteps.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = timesteps[i];
        }
        return out;
    }

    /** img2img: the first {@code step} call is at {@code timesteps()[beginIndex]}. */
    @Override
    public void setBeginIndex(int beginIndex) {
        if (beginIndex < 0) {
            throw new IllegalArgumentException("begin index must be >= 0, got " + beginIndex);
        }
        this.beginIndex = beginIndex;
    }

    @Override
    public StepResult step(Tensor modelOutput, double timestep, Tensor sample, NoiseSource noise) {
        requireTimesteps();
        int t = DiscreteTimesteps.index(timestep, alphaBars.numTrainTimesteps());
        if (stepIndex < 0) {
            stepIndex = beginIndex >= 0 ? beginIndex : indexOf(t);
        }
        if (stepIndex >= timesteps.length) {
            throw new IllegalStateException("LCM: all " + timesteps.length + " steps already taken; call setTimesteps again");
        }
        boolean last = stepIndex == timesteps.length - 1;
        int prevT = last ? t : timesteps[stepIndex + 1];
        double alphaProd = alphaBars.at(t);
        double alphaPrev = alphaBars.atOrFinal(prevT);

        float[] x = sample.data();
        float[] out = modelOutput.data();
        DiscreteTimesteps.requireSameSize(out, x);
        double[] x0 = prediction.x0(out, x, alphaProd);
        prediction.limit(x0, sample.dim(0));

        double scaled = t * timestepScaling;
        double cSkip = SIGMA_DATA * SIGMA_DATA / (scaled * scaled + SIGMA_DATA * SIGMA_DATA);
        double cOut = scaled / Math.sqrt(scaled * scaled + SIGMA_DATA * SIGMA_DATA);

        float[] denoised = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            denoised[i] = (float) (cOut * x0[i] + cSkip * x[i]);
        }
        float[] prev;
        if (last) {
            prev = denoised.clone();
        } else {
            if (noise == null) {
                throw new IllegalArgumentException("LCM re-noises every step but the last: pass a NoiseSource to step");
            }
            float[] z = noise.randn(sample.shape()).data();
            double a = Math.sqrt(alphaPrev);
            double b = Math.sqrt(1 - alphaPrev);
            prev = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                prev[i] = (float) (a * denoised[i] + b * z[i]);
            }
        }
        stepIndex++;
        return new StepResult(new Tensor(sample.shape(), prev), new Tensor(sample.shape(), denoised));
    }

    @Override
    public Tensor addNoise(Tensor originalSamples, Tensor noise, double timestep) {
        return DiscreteTimesteps.addNoise(alphaBars, originalSamples, noise, timestep);
    }

    @Override
    public SchedulerConfig config() {
        return config;
    }

    /** diffusers' index_for_timestep: the second match where a timestep repeats, else the first. */
    private int indexOf(int t) {
        int first = -1;
        for (int i = 0; i < timesteps.length; i++) {
            if (timesteps[i] == t) {
                if (first >= 0) {
                    return i;
                }
                first = i;
            }
        }
        if (first < 0) {
            throw new IllegalArgumentException("timestep " + t + " is not in the LCM schedule " + java.util.Arrays.toString(timesteps)
                    + "; step with the values of timesteps()");
        }
        return first;
    }

    private void requireTimesteps() {
        if (timesteps == null) {
            throw new IllegalStateException("call setTimesteps(n) before iterating or stepping the LCM scheduler");
        }
    }
}
