package apprentice.core.adaptive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import apprentice.core.scheduler.SchedulerConfig;
import apprentice.core.scheduler.TrainSchedule;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StrengthConventionTest {
    // Stable Diffusion 1.x: scaled_linear 0.00085..0.012 over 1000 steps
    final TrainSchedule sd = TrainSchedule.from(new SchedulerConfig(Map.of("beta_schedule", "scaled_linear",
            "beta_start", 0.00085, "beta_end", 0.012, "num_train_timesteps", 1000)));

    @Test
    void theTwoConventionsDifferAsTheDesignSays() {
        // strength 0.7 starts near t = 699, noise variance ≈ 0.92
        assertEquals(0.92, StrengthConvention.varianceAtStrength(0.7, sd), 0.01);
        // variance 0.7 is reached near t ≈ 483, i.e. strength ≈ 0.484
        double s = StrengthConvention.strengthForVariance(0.7, sd);
        assertEquals(0.484, s, 0.003);
        assertEquals(0.7, StrengthConvention.varianceAtStrength(s, sd), 0.002);
        assertThrows(IllegalArgumentException.class, () -> StrengthConvention.strengthForVariance(1.0, sd));
    }
}
