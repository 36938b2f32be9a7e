package apprentice.train.diffusion;

import apprentice.core.scheduler.SchedulerConfig;
import apprentice.core.scheduler.TrainSchedule;
import java.util.Map;

/** SD's scaled-linear schedule (β 0.00085 → 0.012, 1000 steps) from core's bit-exact TrainSchedule. */
public final class NoiseSchedule {
    public static final int STEPS = 1000;
    public static final double BETA_START = 0.00085;
    public static final double BETA_END = 0.012;
    private final float[] alphasCumprod;

    public NoiseSchedule() {
        alphasCumprod = TrainSchedule.from(config()).alphasCumprod().clone();
    }

    public static SchedulerConfig config() {
        return new SchedulerConfig(Map.of("beta_schedule", "scaled_linear", "beta_start", BETA_START,
                "beta_end", BETA_END, "num_train_timesteps", STEPS));
    }

    public float alphaCumprod(int t) {
        return alphasCumprod[t];
    }
}
