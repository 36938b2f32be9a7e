package apprentice.train.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import apprentice.train.nn.Batches;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConditioningProbeTest {
    @Test
    void aDenoiserThatKnowsTheNoiseHasNoX0ErrorAndOneThatPredictsZeroNoiseHasTheNoiseOverSqrtAlphaBar() {
        try (NDManager m = NDManager.newBaseManager()) {
            Random rng = new Random(1);
            Shape shape = new Shape(3, 4, 2, 2);
            NDArray z0 = m.create(Batches.gaussian(48, rng), shape);
            NDArray noise = m.create(Batches.gaussian(48, rng), shape);
            int t = 700;
            Map<String, Double> e = new ConditioningProbe().x0Error(z0, noise, t, List.of("oracle", "zero"),
                    (xt, ts, set) -> {
                        assertEquals(t, ts.getFloat(2), 0f);
                        return set.equals("oracle") ? noise : noise.zerosLike();
                    });
            assertEquals(0.0, e.get("oracle"), 1e-8);
            // ε̂ = 0 → x0 = x_t/sqrt(ᾱ) = z0 + sqrt((1−ᾱ)/ᾱ)·ε: error (1/SNR)·mean(ε²)
            NoiseSchedule s = new NoiseSchedule();
            double expected = noise.square().mean().getFloat() / s.snr(t);
            assertEquals(expected, e.get("zero"), expected * 1e-4);
            assertTrue(e.get("zero") > 1.0, "at t = 700 an ε-blind model is far off: " + e.get("zero"));
        }
    }

    @Test
    void theLabelMeanErrorIsTheDistanceToTheGroupMean() {
        float[] a = {1f, 2f};
        float[] b = {3f, 6f};
        // mean (2, 4): a is off by (−1, −2) → (1 + 4) / 2
        assertEquals(2.5, ConditioningProbe.labelMeanError(a, List.of(a, b)), 1e-12);
        assertEquals(0.0, ConditioningProbe.labelMeanError(a, List.of(a)), 0.0);
    }
}
