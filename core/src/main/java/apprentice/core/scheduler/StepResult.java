package apprentice.core.scheduler;

import apprentice.core.tensor.Tensor;

/**
 * Output of {@link Scheduler#step}.
 *
 * @param prevSample the sample at the next (less noisy) timestep
 * @param predOriginalSample the scheduler's estimate of x0 ("denoised" for LCM), or null where it has none
 */
public record StepResult(Tensor prevSample, Tensor predOriginalSample) {
}
