package apprentice.core.scheduler;

/**
 * diffusers' {@code _step_index} / {@code _begin_index} bookkeeping for the sigma-based schedulers.
 *
 * <p>The index is fixed on the first {@code scale_model_input} or {@code step} call: from the begin index when
 * a pipeline set one (img2img), otherwise by looking the timestep up in the schedule. It then advances by one
 * per step, so later timesteps are never looked up (a repeated timestep cannot confuse it).
 */
final class StepIndex {
    private static final int UNSET = -1;
    private int beginIndex = UNSET;
    private int stepIndex = UNSET;
    private final boolean missingMeansLast;

    /**
     * @param missingMeansLast DPM-Solver and UniPC treat a timestep that is not in the schedule as the last
     *     step; the Euler family rejects it
     */
    StepIndex(boolean missingMeansLast) {
        this.missingMeansLast = missingMeansLast;
    }

    /** Forgets both indices, as {@code set_timesteps} does. */
    void reset() {
        beginIndex = UNSET;
        stepIndex = UNSET;
    }

    void setBeginIndex(int begin, int numSteps) {
        if (begin < 0 || begin >= numSteps) {
            throw new IllegalArgumentException("begin index " + begin + " is outside the schedule of " + numSteps
                    + " steps: pass 0.." + (numSteps - 1) + " (img2img's t_start)");
        }
        beginIndex = begin;
    }

    /** The index of the current step, initialising it from {@code timestep} on the first call. */
    int current(double[] timesteps, double timestep) {
        if (stepIndex == UNSET) {
            stepIndex = beginIndex != UNSET ? beginIndex : lookUp(timesteps, timestep);
        }
        if (stepIndex >= timesteps.length) {
            throw new IllegalStateException("all " + timesteps.length
                    + " steps have been taken: call setTimesteps again before sampling anew");
        }
        return stepIndex;
    }

    void advance() {
        stepIndex++;
    }

    /** diffusers' index choice in {@code add_noise}: look up, else the running step, else the begin index. */
    int forAddNoise(double[] timesteps, double timestep) {
        if (beginIndex == UNSET) {
            return lookUp(timesteps, timestep);
        }
        return stepIndex != UNSET ? stepIndex : beginIndex;
    }

    private int lookUp(double[] timesteps, double timestep) {
        int i = SigmaSchedule.indexForTimestep(timesteps, timestep);
        if (i >= 0) {
            return i;
        }
        if (missingMeansLast) {
            return timesteps.length - 1;
        }
        throw new IllegalArgumentException("timestep " + timestep
                + " is not in this scheduler's schedule: pass one of timesteps() after setTimesteps");
    }
}
