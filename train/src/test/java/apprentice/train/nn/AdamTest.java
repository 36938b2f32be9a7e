package apprentice.train.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class AdamTest {
    /** loss = Σ p·c; its gradient is c. */
    private static void backward(NDManager m, NDArray p, float[] c) {
        try (NDManager sub = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(p.mul(sub.create(c, p.getShape())).sum());
        }
    }

    @Test
    void aNonFiniteGradientSkipsOneUpdateAndDoesNotPoisonTheNextOnes() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParamStore ps = new ParamStore(m, 1);
            NDArray p = ps.constant("p", new Shape(3), 1f);
            Adam adam = new Adam(ps, 0.9f, 0.999f, 0f, 0f);

            backward(m, p, new float[] {1f, Float.POSITIVE_INFINITY, Float.NaN});
            float norm = adam.step(0.1f, m);
            assertFalse(Float.isFinite(norm));
            assertEquals(1, adam.skipped());
            assertArrayEquals(new float[] {1f, 1f, 1f}, p.toFloatArray(), "a skipped update leaves the weights alone");
            assertArrayEquals(new float[] {0f, 0f, 0f}, p.getGradient().toFloatArray(), "the bad gradient is cleared, Inf and NaN included");

            backward(m, p, new float[] {1f, -2f, 0.5f});
            float next = adam.step(0.1f, m);
            assertTrue(Float.isFinite(next), "the next batch's gradient is finite again");
            assertEquals((float) Math.sqrt(1 + 4 + 0.25), next, 1e-5f);
            assertEquals(1, adam.skipped());
            // first Adam step moves every weight by lr against the gradient's sign
            assertArrayEquals(new float[] {0.9f, 1.1f, 0.9f}, p.toFloatArray(), 1e-4f);
        }
    }

    @Test
    void gradientsAreZeroedAfterEachAppliedUpdate() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParamStore ps = new ParamStore(m, 1);
            NDArray p = ps.constant("p", new Shape(2), 0f);
            Adam adam = new Adam(ps, 0.9f, 0.999f, 0f, 0f);
            backward(m, p, new float[] {3f, 4f});
            assertEquals(5f, adam.step(0.01f, m), 1e-5f);
            backward(m, p, new float[] {3f, 4f});
            assertEquals(5f, adam.step(0.01f, m), 1e-5f, "gradients did not accumulate across steps");
        }
    }
}
