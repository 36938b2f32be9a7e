package apprentice.core.scheduler;

import apprentice.core.noise.NoiseSource;
import apprentice.core.tensor.Tensor;
import java.util.Map;

/**
 * diffusers' {@code EulerDiscreteScheduler} (k-diffusion's Euler method, {@code s_churn = 0}): deterministic
 * first-order steps in σ, x ← x + (x - x̂0)/σ · (σ_next - σ).
 *
 * <p>Supports timestep_spacing linspace/leading/trailing, steps_offset, prediction_type epsilon/v_prediction/
 * sample, use_karras_sigmas (with sigma_min/sigma_max), final_sigmas_type zero/sigma_min,
 * rescale_betas_zero_snr.
 */
public final class EulerDiscreteScheduler implements Scheduler {
    private static final String NAME = "EulerDiscreteScheduler";
    static final Map<String, Object> DEFAULTS = SigmaFamilyConfig.defaults(Map.of(
            "interpolation_type", "linear",
            "use_karras_sigmas", false,
            "use_exponential_sigmas", false,
            "use_beta_sigmas", false,
            "timestep_type", "discrete",
            "final_sigmas_type", "zero"));
    private final SigmaFamilyConfig config;
    private final boolean karras;
    private final Double sigmaMin;
    private final Double sigmaMax;
    private final boolean finalSigmaMin;
    private final StepIndex index = new StepIndex(NAME, false);

    public EulerDiscreteScheduler(SchedulerConfig config) {
        this.config = new SigmaFamilyConfig(config, NAME, DEFAULTS);
        this.config.rejectTrue("use_exponential_sigmas", "use_beta_sigmas");
        this.config.requireOneOf("interpolation_type", "linear", "linear");
        this.config.requireOneOf("timestep_type", "discrete", "discrete");
        this.karras = this.config.flag("use_karras_sigmas");
        this.sigmaMin = this.config.optionalDouble("sigma_min");
        this.sigmaMax = this.config.optionalDouble("sigma_max");
        this.finalSigmaMin = "sigma_min".equals(this.config.requireOneOf("final_sigmas_type", "zero", "zero", "sigma_min"));
    }

    @Override
    public void setTimesteps(int numInferenceSteps) {
        EulerFamilySchedule schedule = EulerFamilySchedule.build(config, numInferenceSteps, karras, sigmaMin, sigmaMax,
                finalSigmaMin);
        index.reset(schedule.timesteps, schedule.sigmas);
    }

    @Override
    public double[] timesteps() {
        return index.timesteps().clone();
    }

    /** σ per step plus the final σ (length n+1), as float32 values. */
    public float[] sigmas() {
        return index.sigmas().clone();
    }

    @Override
    public double initNoiseSigma() {
        return EulerFamilySchedule.initNoiseSigma(index.sigmas(), config.spacing);
    }

    @Override
    public Tensor scaleModelInput(Tensor sample, double timestep) {
        return EulerFamilySchedule.scaleModelInput(sample, index.sigmas()[index.current(timestep)]);
    }

    @Override
    public StepResult step(Tensor modelOutput, double timestep, Tensor sample, NoiseSource noise) {
        float[] sigmas = index.sigmas();
        SampleMath.requireSameShape(modelOutput, sample, NAME);
        int i = index.current(timestep);
        double sigma = sigmas[i];
        StepResult result = EulerFamilySchedule.step(config.prediction, modelOutput, sample, sigma,
                sigmas[i + 1] - sigma, null, 0);
        index.advance();
        return result;
    }

    /** x + σ·noise with σ at {@code timestep} (or at the begin index once img2img set one). */
    @Override
    public Tensor addNoise(Tensor originalSamples, Tensor noise, double timestep) {
        return SampleMath.combine(originalSamples, 1.0, noise, index.sigmaForAddNoise(timestep), NAME);
    }

    @Override
    public void setBeginIndex(int beginIndex) {
        index.setBeginIndex(beginIndex);
    }

    @Override
    public SchedulerConfig config() {
        return config.raw;
    }
}
