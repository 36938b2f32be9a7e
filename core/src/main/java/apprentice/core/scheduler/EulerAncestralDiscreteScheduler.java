package apprentice.core.scheduler;

import apprentice.core.noise.NoiseSource;
import apprentice.core.tensor.Tensor;

/**
 * diffusers' {@code EulerAncestralDiscreteScheduler}: an Euler step down to σ_down followed by fresh noise of
 * scale σ_up, where σ_up² = σ_next²(σ² - σ_next²)/σ² and σ_down² = σ_next² - σ_up².
 *
 * <p>Noise is drawn on every step, including the last where σ_up = 0, exactly as diffusers does, so that a
 * seeded {@link NoiseSource} yields the same stream (and the same image) as a diffusers run.
 *
 * <p>Supports timestep_spacing linspace/leading/trailing, steps_offset, prediction_type epsilon/v_prediction/
 * sample, rescale_betas_zero_snr.
 */
public final class EulerAncestralDiscreteScheduler implements Scheduler {
    private static final String NAME = "EulerAncestralDiscreteScheduler";
    private final SigmaFamilyConfig config;
    private final StepIndex index = new StepIndex(NAME, false);

    public EulerAncestralDiscreteScheduler(SchedulerConfig config) {
        this.config = new SigmaFamilyConfig(config, NAME, SigmaFamilyConfig.COMMON_DEFAULTS);
    }

    @Override
    public void setTimesteps(int numInferenceSteps) {
        EulerFamilySchedule schedule = EulerFamilySchedule.build(config, numInferenceSteps, false, null, null, false);
        index.reset(schedule.timesteps, schedule.sigmas);
    }

    @Override
    public double[] timesteps() {
        return index.timesteps().clone();
    }

    /** σ per step plus the final 0 (length n+1), as float32 values. */
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

    /**
     * @param noise required: one {@code randn} of the sample's shape is drawn per call
     */
    @Override
    public StepResult step(Tensor modelOutput, double timestep, Tensor sample, NoiseSource noise) {
        float[] sigmas = index.sigmas();
        SampleMath.requireSameShape(modelOutput, sample, NAME);
        if (noise == null) {
            throw new IllegalArgumentException(NAME + ": step needs a NoiseSource (ancestral sampling adds fresh "
                    + "noise every step): pass the run's seeded NoiseSource");
        }
        int i = index.current(timestep);
        double sigma = sigmas[i];
        double sigmaNext = sigmas[i + 1];
        double sigmaUp = Math.sqrt(sigmaNext * sigmaNext * (sigma * sigma - sigmaNext * sigmaNext) / (sigma * sigma));
        double sigmaDown = Math.sqrt(sigmaNext * sigmaNext - sigmaUp * sigmaUp);
        float[] z = noise.randn(sample.shape()).data();
        StepResult result = EulerFamilySchedule.step(config.prediction, modelOutput, sample, sigma, sigmaDown - sigma,
                z, sigmaUp);
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
