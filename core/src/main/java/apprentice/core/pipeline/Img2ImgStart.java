package apprentice.core.pipeline;

import apprentice.core.scheduler.Scheduler;
import java.util.Arrays;

/**
 * Where an image-to-image run starts: diffusers' {@code StableDiffusionImg2ImgPipeline.get_timesteps}.
 * {@code init = min(int(n·strength), n)}, {@code t_start = max(n − init, 0)}, run
 * {@code timesteps[t_start·order:]} after {@code set_begin_index(t_start·order)}.
 */
final class Img2ImgStart {
    private Img2ImgStart() {
    }

    /** Sets the scheduler's timesteps for {@code steps} and returns the retained tail (possibly empty). */
    static double[] timesteps(Scheduler scheduler, int steps, double strength) {
        scheduler.setTimesteps(steps);
        double[] all = scheduler.timesteps();
        // Python's int() truncates toward zero; steps·strength is non-negative here
        int init = Math.min((int) (steps * strength), steps);
        int tStart = Math.max(steps - init, 0);
        int begin = tStart * scheduler.order();
        if (begin >= all.length) {
            return new double[0];
        }
        scheduler.setBeginIndex(begin);
        return Arrays.copyOfRange(all, begin, all.length);
    }
}
