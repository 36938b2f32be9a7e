package apprentice.core.scheduler;

import java.util.Arrays;

/**
 * Where an image-to-image (SDEdit) run starts, as diffusers' {@code StableDiffusionImg2ImgPipeline}
 * decides it in {@code get_timesteps}.
 *
 * <p><b>Strength convention.</b> {@code strength} is diffusers' img2img strength: the fraction of the
 * {@code n}-step schedule that is run, not a noise variance. The pipeline sets the full n-step
 * schedule, keeps {@code init = min(int(n·strength), n)} steps, drops the first
 * {@code t_start = max(n - init, 0)} (times the scheduler's order), tells the scheduler where it
 * starts ({@code set_begin_index}), and noises the image latent to the first retained timestep
 * ({@code add_noise(latent, noise, latentTimestep)}). On SD's schedule strength 0.7 starts near
 * t≈700 (noise variance ≈0.92).
 *
 * <p><b>Strength 0</b> keeps no step: {@link #isEmpty()} is true, there is no latent timestep, and a
 * pipeline runs no denoising step and returns the VAE reconstruction of its input (diffusers would
 * fail on the empty schedule); see {@code DiffusionPipeline}.
 *
 * @param timesteps the retained timesteps, in iteration order
 * @param initTimestep {@code min(int(n·strength), n)}
 * @param tStart the number of skipped steps
 * @param effectiveSteps denoising steps that will run ({@code n - tStart}; {@code n} for the LCM variant)
 * @param beginIndex index of the first retained timestep in the full schedule ({@code tStart·order}),
 *        as passed to {@link Scheduler#setBeginIndex} (DDIM, like diffusers', ignores it)
 */
public record Img2ImgTimesteps(double[] timesteps, int initTimestep, int tStart, int effectiveSteps, int beginIndex) {

    public Img2ImgTimesteps {
        timesteps = timesteps.clone();
    }

    /**
     * The pipeline's {@code get_timesteps}: calls {@code setTimesteps(n)}, picks the retained tail and,
     * unless it is empty, calls {@code setBeginIndex}. The scheduler is then ready for the first
     * retained step.
     */
    public static Img2ImgTimesteps prepare(Scheduler scheduler, int n, double strength) {
        checkStrength(strength);
        scheduler.setTimesteps(n);
        Img2ImgTimesteps r = select(scheduler.timesteps(), scheduler.order(), n, strength);
        if (!r.isEmpty()) {
            scheduler.setBeginIndex(r.beginIndex());
        }
        return r;
    }

    /**
     * The retained part of a full schedule {@code all} that {@code setTimesteps(n)} produced, without
     * touching any scheduler.
     */
    public static Img2ImgTimesteps select(double[] all, int order, int n, double strength) {
        checkStrength(strength);
        if (n < 1) {
            throw new IllegalArgumentException("num_inference_steps must be >= 1, got " + n);
        }
        if (order < 1) {
            throw new IllegalArgumentException("scheduler order must be >= 1, got " + order);
        }
        // Python's int() truncates toward zero; n·strength >= 0 here
        int init = Math.min((int) (n * strength), n);
        int tStart = Math.max(n - init, 0);
        int begin = Math.min(tStart * order, all.length);
        double[] kept = Arrays.copyOfRange(all, begin, all.length);
        return new Img2ImgTimesteps(kept, init, tStart, n - tStart, begin);
    }

    /**
     * LCM's own img2img schedule (diffusers' LatentConsistencyModelImg2ImgPipeline): the scheduler's
     * {@link LcmScheduler#setTimesteps(int, double) setTimesteps(n, strength)} runs all n steps from
     * about {@code strength·T}; no begin index is needed. Strength 0 gives the empty schedule.
     */
    public static Img2ImgTimesteps prepareLcm(LcmScheduler scheduler, int n, double strength) {
        checkStrength(strength);
        if (strength == 0) {
            return new Img2ImgTimesteps(new double[0], 0, n, 0, n);
        }
        scheduler.setTimesteps(n, strength);
        return new Img2ImgTimesteps(scheduler.timesteps(), n, 0, n, 0);
    }

    /** True when strength kept no step: the pipeline runs no UNet step and returns the input's VAE reconstruction. */
    public boolean isEmpty() {
        return timesteps.length == 0;
    }

    /** The timestep the image latent is noised to: the first retained one. */
    public double latentTimestep() {
        if (isEmpty()) {
            throw new IllegalStateException("img2img strength kept no denoising step, so there is no latent timestep;"
                    + " skip denoising and decode the input latent (or raise strength)");
        }
        return timesteps[0];
    }

    @Override
    public double[] timesteps() {
        return timesteps.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Img2ImgTimesteps r && Arrays.equals(timesteps, r.timesteps) && initTimestep == r.initTimestep
                && tStart == r.tStart && effectiveSteps == r.effectiveSteps && beginIndex == r.beginIndex;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(timesteps) + beginIndex;
    }

    @Override
    public String toString() {
        return "Img2ImgTimesteps[timesteps=" + Arrays.toString(timesteps) + ", tStart=" + tStart
                + ", effectiveSteps=" + effectiveSteps + ", beginIndex=" + beginIndex + "]";
    }

    private static void checkStrength(double strength) {
        if (!(strength >= 0 && strength <= 1)) {
            throw new IllegalArgumentException("img2img strength must be in [0, 1] (fraction of the timestep range"
                    + " to run; 0 keeps the image, 1 starts from pure noise), got " + strength);
        }
    }
}
