package apprentice.core.pipeline;

import apprentice.core.scheduler.SchedulerConfig;
import java.util.List;
import java.util.Map;

/**
 * Public access to the closed-form fake components of {@link Fakes} for tests in other packages (the adaptive
 * loop): a pipeline over them plus its UNet call record.
 */
public final class PipelineFakes {
    private final Fakes.Unet unet;
    private final Fakes.TextEnc text = new Fakes.TextEnc();
    private final DiffusionPipeline pipeline;

    /**
     * @param stochastic whether the fake scheduler draws step noise (so seeds matter at every step)
     */
    public PipelineFakes(boolean stochastic) {
        this.unet = new Fakes.Unet(0);
        ModelComponents parts = new ModelComponents(Fakes::tokenize, text, unet, new Fakes.Vae(false),
                new SchedulerConfig(Map.of()), "fake", 8);
        this.pipeline = new DiffusionPipeline(parts, (name, base) -> new Fakes.Sched(stochastic));
    }

    public DiffusionPipeline pipeline() {
        return pipeline;
    }

    /** Batch size of every UNet call so far (CFG doubles it). */
    public List<Integer> unetBatchSizes() {
        return List.copyOf(unet.batchSizes);
    }

    /** Number of UNet calls so far. */
    public int unetCalls() {
        return unet.batchSizes.size();
    }

    /** Pixel size that needs no VAE rounding (the fakes' factor is 2). */
    public static final int FACTOR = Fakes.FACTOR;
}
