package apprentice.core.scheduler;

/**
 * Stand-in for {@code Img2ImgTimesteps} until it lands: StableDiffusionImg2ImgPipeline.get_timesteps'
 * {@code t_start = n - min(int(n·strength), n)}.
 */
final class Img2ImgRule {
    private Img2ImgRule() {
    }

    static int tStart(int n, double strength) {
        return Math.max(n - Math.min((int) (n * strength), n), 0);
    }
}
