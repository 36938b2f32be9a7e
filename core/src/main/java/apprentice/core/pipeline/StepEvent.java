package apprentice.core.pipeline;

/**
 * One finished denoising step.
 *
 * @param step 1-based index of the step just finished
 * @param totalSteps steps this run will take (after img2img's strength truncation)
 * @param timestep the scheduler timestep of this step
 * @param elapsedNanos wall time since the run started
 */
public record StepEvent(int step, int totalSteps, double timestep, long elapsedNanos) {
}
