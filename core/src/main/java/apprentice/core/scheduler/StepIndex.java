package apprentice.core.scheduler;

/**
 * diffusers' {@code _step_index} / {@code _begin_index} bookkeeping for the sigma-based schedulers (Euler, Euler
 * ancestral, DPM-Solver++, UniPC), together with the schedule it indexes: the timesteps and their σ set by the
 * last {@code setTimesteps}. Holding both here gives those four schedulers one place for the "call setTimesteps
 * first" check, the σ that {@code add_noise} uses and the begin-index range check.
 *
 * <p>The index is fixed on the first {@code scale_model_input} or {@code step} call: from the begin index when
 * a pipeline set one (img2img), otherwise by looking the timestep up in the schedule. It then advances by one
 * per step, so later timesteps are never looked up (a repeated timestep cannot confuse it).
 */
final class StepIndex {
    private static final int UNSET = -1;
    private final String scheduler;
    private final boolean missingMeansLast;
    private double[] timesteps;
    private float[] sigmas;
    private int beginIndex = UNSET;
    private int stepIndex = UNSET;

    /**
     * @param scheduler the owning scheduler's name, for the error raised before {@code setTimesteps}
     * @param missingMeansLast DPM-Solver and UniPC treat a timestep that is not in the schedule as the last
     *     step; the Euler family rejects it
     */
    StepIndex(String scheduler, boolean missingMeansLast) {
        this.scheduler = scheduler;
        this.missingMeansLast = missingMeansLast;
    }

    /**
     * Starts on a new schedule and forgets both indices, as {@code set_timesteps} does.
     *
     * @param sigmas σ per step plus the final σ (length {@code timesteps.length + 1})
     */
    void reset(double[] timesteps, float[] sigmas) {
        this.timesteps = timesteps;
        this.sigmas = sigmas;
        beginIndex = UNSET;
        stepIndex = UNSET;
    }

    /** The schedule's timesteps, largest first (the held array: callers that hand it out copy it). */
    double[] timesteps() {
        requireSchedule();
        return timesteps;
    }

    /** σ per step plus the final σ (the held array: callers that hand it out copy it). */
    float[] sigmas() {
        requireSchedule();
        return sigmas;
    }

    void setBeginIndex(int begin) {
        int numSteps = timesteps().length;
        if (begin < 0 || begin >= numSteps) {
            throw new IllegalArgumentException("begin index " + begin + " is outside the schedule of " + numSteps
                    + " steps: pass 0.." + (numSteps - 1) + " (img2img's t_start)");
        }
        beginIndex = begin;
    }

    /** The index of the current step, initialising it from {@code timestep} on the first call. */
    int current(double timestep) {
        double[] ts = timesteps();
        if (stepIndex == UNSET) {
            stepIndex = beginIndex != UNSET ? beginIndex : lookUp(ts, timestep);
        }
        if (stepIndex >= ts.length) {
            throw new IllegalStateException("all " + ts.length
                    + " steps have been taken: call setTimesteps again before sampling anew");
        }
        return stepIndex;
    }

    void advance() {
        stepIndex++;
    }

    /**
     * The σ that {@code add_noise} noises to, at diffusers' index choice: look {@code timestep} up, else the
     * running step, else the begin index.
     */
    float sigmaForAddNoise(double timestep) {
        double[] ts = timesteps();
        int i;
        if (beginIndex == UNSET) {
            i = lookUp(ts, timestep);
        } else {
            i = stepIndex != UNSET ? stepIndex : beginIndex;
        }
        return sigmas[i];
    }

    private void requireSchedule() {
        if (timesteps == null) {
            throw new IllegalStateException(scheduler + ": call setTimesteps(n) before sampling");
        }
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
