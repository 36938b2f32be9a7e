package apprentice.core.scheduler;

import apprentice.core.noise.NoiseSource;
import apprentice.core.tensor.Tensor;
import java.util.Map;

/**
 * diffusers' {@code DDIMScheduler} (Song et al. 2020, "Denoising Diffusion Implicit Models").
 *
 * <p>Each step predicts x0 and ε from the model output, then moves to
 * {@code t' = t - T/n} (integer division, whatever the spacing, exactly as diffusers does):
 * <pre>
 *   x_t' = sqrt(ᾱ_t')·x0 + sqrt(1 - ᾱ_t' - σ²)·ε (+ σ·z when eta > 0)
 *   σ    = eta · sqrt((1-ᾱ_t')/(1-ᾱ_t) · (1 - ᾱ_t/ᾱ_t'))
 * </pre>
 * Past the cleanest timestep ᾱ_t' is 1 ({@code set_alpha_to_one=true}) or ᾱ_0 (SD's
 * {@code set_alpha_to_one=false}).
 *
 * <p>Config keys: the training schedule keys, {@code timestep_spacing} (default leading),
 * {@code steps_offset}, {@code set_alpha_to_one}, {@code prediction_type} (epsilon, v_prediction,
 * sample), {@code clip_sample} (+ {@code clip_sample_range}), {@code thresholding},
 * {@code rescale_betas_zero_snr}. diffusers passes {@code eta} to {@code step}; here it is the
 * apprentice config key {@code eta} (default 0, deterministic DDIM) or {@link #setEta}.
 *
 * <p>Not implemented: diffusers' {@code use_clipped_model_output} step option (always false here).
 */
public final class DdimScheduler implements Scheduler {
    /** DDIMScheduler's constructor defaults (note: not SD's values, which every SD config overrides). */
    static final Map<String, Object> DEFAULTS = Map.ofEntries(
            Map.entry("num_train_timesteps", 1000),
            Map.entry("beta_start", 0.0001),
            Map.entry("beta_end", 0.02),
            Map.entry("beta_schedule", "linear"),
            Map.entry("clip_sample", true),
            Map.entry("set_alpha_to_one", true),
            Map.entry("steps_offset", 0),
            Map.entry("prediction_type", "epsilon"),
            Map.entry("thresholding", false),
            Map.entry("dynamic_thresholding_ratio", 0.995),
            Map.entry("clip_sample_range", 1.0),
            Map.entry("sample_max_value", 1.0),
            Map.entry("timestep_spacing", "leading"),
            Map.entry("rescale_betas_zero_snr", false));

    private final SchedulerConfig config;
    private final AlphaBarSchedule alphaBars;
    private final PredictedSample prediction;
    private final TimestepSpacing spacing;
    private final int stepsOffset;
    private double eta;
    private int numInferenceSteps;
    private double[] timesteps;

    public DdimScheduler(SchedulerConfig config) {
        this.config = ConfigDefaults.apply(config, DEFAULTS);
        this.alphaBars = AlphaBarSchedule.from(this.config);
        this.prediction = new PredictedSample(this.config);
        this.spacing = TimestepSpacing.parse(this.config.getString("timestep_spacing", "leading"));
        this.stepsOffset = this.config.getInt("steps_offset", 0);
        setEta(this.config.getDouble("eta", 0.0));
    }

    /** DDIM's η: 0 is deterministic DDIM, 1 matches DDPM's posterior variance. */
    public void setEta(double eta) {
        if (!(eta >= 0) || Double.isInfinite(eta)) {
            throw new IllegalArgumentException("DDIM eta must be a finite number >= 0 (0 = deterministic), got " + eta);
        }
        this.eta = eta;
    }

    public double eta() {
        return eta;
    }

    @Override
    public void setTimesteps(int n) {
        int[] ts = spacing.timesteps(alphaBars.numTrainTimesteps(), n, stepsOffset);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = ts[i];
        }
        this.numInferenceSteps = n;
        this.timesteps = out;
    }

    @Override
    public double[] timesteps() {
        requireTimesteps();
        return timesteps.clone();
    }

    @Override
    public StepResult step(Tensor modelOutput, double timestep, Tensor sample, NoiseSource noise) {
        requireTimesteps();
        int t = DiscreteTimesteps.index(timestep, alphaBars.numTrainTimesteps());
        int prevT = t - alphaBars.numTrainTimesteps() / numInferenceSteps;
        double alphaProd = alphaBars.at(t);
        double alphaPrev = alphaBars.atOrFinal(prevT);
        float[] x = sample.data();
        float[] out = modelOutput.data();
        DiscreteTimesteps.requireSameSize(out, x);
        double[] x0 = prediction.x0(out, x, alphaProd);
        double[] eps = prediction.epsilon(out, x, alphaProd);
        prediction.limit(x0, sample.dim(0));

        double variance = (1 - alphaPrev) / (1 - alphaProd) * (1 - alphaProd / alphaPrev);
        double std = eta * Math.sqrt(variance);
        double dirScale = Math.sqrt(1 - alphaPrev - std * std);
        double sqrtPrev = Math.sqrt(alphaPrev);
        float[] z = null;
        if (eta > 0) {
            if (noise == null) {
                throw new IllegalArgumentException("DDIM with eta > 0 draws noise: pass a NoiseSource to step");
            }
            z = noise.randn(sample.shape()).data();
        }
        float[] prev = new float[x.length];
        float[] x0f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = sqrtPrev * x0[i] + dirScale * eps[i];
            if (z != null) {
                v += std * z[i];
            }
            prev[i] = (float) v;
            x0f[i] = (float) x0[i];
        }
        return new StepResult(new Tensor(sample.shape(), prev), new Tensor(sample.shape(), x0f));
    }

    @Override
    public Tensor addNoise(Tensor originalSamples, Tensor noise, double timestep) {
        return DiscreteTimesteps.addNoise(alphaBars, originalSamples, noise, timestep);
    }

    @Override
    public SchedulerConfig config() {
        return config;
    }

    private void requireTimesteps() {
        if (timesteps == null) {
            throw new IllegalStateException("call setTimesteps(n) before iterating or stepping the DDIM scheduler");
        }
    }
}
