package apprentice.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import apprentice.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** CLIP score, zero-shot accuracy and PSNR on hand-computed cases. */
class ScoresTest {

    @Test
    void clipScoreIsHundredTimesTheClampedCosine() {
        float[] images = {1, 0, 3, 4, 1, 0};
        float[] texts = {1, 1, 3, 4, -1, 0};
        // cos 1/√2 → 70.71; identical direction → 100; opposite → clamped to 0
        assertArrayEquals(new double[] {100 / Math.sqrt(2), 100, 0}, ClipScore.perPair(images, texts, 2), 1e-9);
        assertEquals((100 / Math.sqrt(2) + 100) / 3, ClipScore.mean(images, texts, 2), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> ClipScore.perPair(images, new float[4], 2));
    }

    @Test
    void zeroShotCountsTheTrueClassAmongTheBestK() {
        float[] classes = {1, 0, 0, 1, -1, 0};
        // image 0 nearest class 0; image 1 nearest class 1, then 0; image 2 nearest class 2, then 1
        float[] images = {1, 0.1f, 0.2f, 1, -1, 0.5f};
        assertEquals(1.0, ZeroShot.topK(images, classes, 2, new int[] {0, 1, 2}, 1), 1e-12);
        assertEquals(1 / 3.0, ZeroShot.topK(images, classes, 2, new int[] {0, 0, 0}, 1), 1e-12, "only image 0 is nearest class 0");
        // truth {1, 0, 1}: image 0's second best is class 1 (cos .1 > −1), image 1's second is 0, image 2's second is 1
        assertEquals(0.0, ZeroShot.topK(images, classes, 2, new int[] {1, 0, 1}, 1), 1e-12);
        assertEquals(1.0, ZeroShot.topK(images, classes, 2, new int[] {1, 0, 1}, 2), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ZeroShot.topK(images, classes, 2, new int[] {0, 1, 3}, 1));
    }

    @Test
    void psnrOnTheZeroOneScale() {
        float[] a = new float[2 * 3 * 2 * 2];
        float[] b = new float[a.length];
        // image 0 identical; image 1 off by 0.2 on [-1, 1] (0.1 on [0, 1]) everywhere → MSE 0.01 → 20 dB
        for (int i = 12; i < 24; i++) {
            b[i] = 0.2f;
        }
        Tensor x = new Tensor(new int[] {2, 3, 2, 2}, a);
        Tensor y = new Tensor(new int[] {2, 3, 2, 2}, b);
        double[] p = Psnr.perImage(x, y);
        assertEquals(Double.POSITIVE_INFINITY, p[0]);
        assertEquals(20, p[1], 1e-5);
        // values beyond [-1, 1] are clamped first: 3 vs 1 is no error
        Tensor over = new Tensor(new int[] {1, 3, 1, 1}, new float[] {3, 1, -5});
        Tensor edge = new Tensor(new int[] {1, 3, 1, 1}, new float[] {1, 1, -1});
        assertEquals(Double.POSITIVE_INFINITY, Psnr.perImage(over, edge)[0]);
        assertThrows(IllegalArgumentException.class, () -> Psnr.perImage(x, edge));
    }
}
