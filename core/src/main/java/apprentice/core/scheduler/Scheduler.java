package apprentice.core.scheduler;

import apprentice.core.noise.NoiseSource;
import apprentice.core.tensor.Tensor;

/**
 * A diffusion sampler in diffusers' shape: {@code set_timesteps}, {@code scale_model_input},
 * {@code step}, {@code add_noise}. Instances are stateful (step index, multistep history), so a
 * pipeline run creates its own instance from a {@link SchedulerConfig}.
 *
 * <p>Timesteps are doubles because the Euler family iterates fractional timesteps (e.g. 957.375);
 * integer schedulers return whole numbers.
 */
public interface Scheduler {

    /** diffusers' {@code set_timesteps(num_inference_steps)}. */
    void setTimesteps(int numInferenceSteps);

    /** The timesteps to iterate, in order, after {@link #setTimesteps}. */
    double[] timesteps();

    /**
     * The factor applied to unit-variance initial noise: 1 for the variance-preserving schedulers (DDIM, LCM,
     * DPM-Solver++, UniPC); the Euler family, which works in σ, overrides it.
     */
    default double initNoiseSigma() {
        return 1.0;
    }

    /** diffusers' {@code order} (1 for every scheduler here). */
    default int order() {
        return 1;
    }

    /**
     * diffusers' {@code scale_model_input}: identity for DDIM, DPM, UniPC and LCM; the Euler family, which
     * works in σ, overrides it.
     */
    default Tensor scaleModelInput(Tensor sample, double timestep) {
        return sample;
    }

    /**
     * One denoising step from {@code timestep}.
     *
     * @param noise where stochastic schedulers (Euler ancestral, LCM) draw their noise; ignored by the others
     */
    StepResult step(Tensor modelOutput, double timestep, Tensor sample, NoiseSource noise);

    /** diffusers' {@code add_noise(original_samples, noise, timesteps)} for one timestep. */
    Tensor addNoise(Tensor originalSamples, Tensor noise, double timestep);

    /** diffusers' {@code set_begin_index}, used by img2img; a no-op where diffusers has none (DDIM). */
    default void setBeginIndex(int beginIndex) {
    }

    SchedulerConfig config();
}
