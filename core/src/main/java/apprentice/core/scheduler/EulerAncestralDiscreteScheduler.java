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
    private final StepIndex index = new StepIndex(false);
    private EulerFamilySchedule schedule;

    public EulerAncestralDiscreteScheduler(SchedulerConfig config) {
        this.config = new SigmaFamilyConfig(config, NAME, SigmaFamilyConfig.COMMON_DEFAULTS);
    }

    @Override
    public void setTimesteps(int numInferenceSteps) {
        schedule = EulerFamilySchedule.build(config, numInferenceSteps, false, null, null, false);
        index.reset();
    }

    @Override
    public double[] timesteps() {
        return schedule().timesteps.clone();
    }

    /** σ per step plus the final 0 (length n+1), as float32 values. */
    public float[] sigmas() {
        return schedule().sigmas.clone();
    }

    @Override
    public double initNoiseSigma() {
        return schedule().initNoiseSigma(config.spacing);
    }

    @Override
    public Tensor scaleModelInput(Tensor sample, double timestep) {
        EulerFamilySchedule s = schedule();
        return EulerFamilySchedule.scaleModelInput(sample, s.sigmas[index.current(s.timesteps, timestep)]);
    }

    /**
     * @param noise required: one {@code randn} of the sample's shape is drawn per call
     */
    @Override
    public StepResult step(Tensor modelOutput, double timestep, Tensor sample, NoiseSource noise) {
        EulerFamilySchedule s = schedule();
        SampleMath.requireSameShape(modelOutput, sample, NAME);
        if (noise == null) {
            throw new IllegalArgumentException(NAME + ": step needs a NoiseSource (ancestral sampling adds fresh "
                    + "noise every step): pass the run's seeded NoiseSource");
        }
        int i = index.current(s.timesteps, timestep);
        double sigma = s.sigmas[i];
        double sigmaNext = s.sigmas[i + 1];
        double sigmaUp = Math.sqrt(sigmaNext * sigmaNext * (sigma * sigma - sigmaNext * sigmaNext) / (sigma * sigma));
        double sigmaDown = Math.sqrt(sigmaNext * sigmaNext - sigmaUp * sigmaUp);
        double dt = sigmaDown - sigma;
        double vScale = -sigma / Math.sqrt(sigma * sigma + 1);
        double vSample = 1 / (sigma * sigma + 1);
        float[] m = modelOutput.data();
        float[] x = sample.data();
        float[] z = noise.randn(sample.shape()).data();
        float[] prev = new float[x.length];
        float[] x0 = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            double pred = switch (config.prediction) {
                case EPSILON -> x[k] - sigma * m[k];
                case V_PREDICTION -> m[k] * vScale + x[k] * vSample;
                case SAMPLE -> m[k];
            };
            double derivative = (x[k] - pred) / sigma;
            prev[k] = (float) (x[k] + derivative * dt + z[k] * sigmaUp);
            x0[k] = (float) pred;
        }
        index.advance();
        return new StepResult(new Tensor(sample.shape(), prev), new Tensor(sample.shape(), x0));
    }

    /** x + σ·noise with σ at {@code timestep} (or at the begin index once img2img set one). */
    @Override
    public Tensor addNoise(Tensor originalSamples, Tensor noise, double timestep) {
        EulerFamilySchedule s = schedule();
        double sigma = s.sigmas[index.forAddNoise(s.timesteps, timestep)];
        return SampleMath.combine(originalSamples, 1.0, noise, sigma, NAME);
    }

    @Override
    public void setBeginIndex(int beginIndex) {
        index.setBeginIndex(beginIndex, schedule().timesteps.length);
    }

    @Override
    public SchedulerConfig config() {
        return config.raw;
    }

    private EulerFamilySchedule schedule() {
        if (schedule == null) {
            throw new IllegalStateException(NAME + ": call setTimesteps(n) before sampling");
        }
        return schedule;
    }
}
