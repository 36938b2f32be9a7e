package apprentice.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NearestRealTest {
    // real images in 2-d: class 0 at angles 0° and 10°, class 1 at 90°, class 2 at 180° and 170°
    private static final float[] REFS = {1, 0, cos(10), sin(10), 0, 1, -1, 0, cos(170), sin(170)};
    private static final int[] REF_CLASS = {0, 0, 1, 2, 2};

    private static float cos(double deg) {
        return (float) Math.cos(Math.toRadians(deg));
    }

    private static float sin(double deg) {
        return (float) Math.sin(Math.toRadians(deg));
    }

    @Test
    void eachClassScoresItsBestRealImage() {
        // queries at 20° (nearest: class 0's 10° image), 60° (class 1 at 90° is 30° away, class 0 at 10° is 50° away),
        // 135° (class 2 at 170° is 35° away, class 1 is 45° away)
        float[] q = {cos(20), sin(20), cos(60), sin(60), cos(135), sin(135)};
        assertEquals(1.0, NearestReal.topK(q, REFS, 2, REF_CLASS, 3, new int[] {0, 1, 2}, 1, false), 1e-12);
        assertEquals(0.0, NearestReal.topK(q, REFS, 2, REF_CLASS, 3, new int[] {1, 0, 1}, 1, false), 1e-12);
        assertEquals(1.0, NearestReal.topK(q, REFS, 2, REF_CLASS, 3, new int[] {1, 0, 1}, 2, false), 1e-12,
                "every wrong class here is second best");
        assertEquals(1 / 3.0, NearestReal.topK(q, REFS, 2, REF_CLASS, 3, new int[] {2, 2, 2}, 1, false), 1e-12);
    }

    @Test
    void leavingOneOutMatchesEachRealImageOnlyWithTheOthers() {
        // 0° and 10° find each other (class 0), 180° and 170° too; class 1's only image finds nothing of its class
        assertEquals(4 / 5.0, NearestReal.topK(REFS, REFS, 2, REF_CLASS, 3, REF_CLASS, 1, true), 1e-12);
        assertEquals(4 / 5.0, NearestReal.topK(REFS, REFS, 2, REF_CLASS, 3, REF_CLASS, 3, true), 1e-12,
                "a class with no other image never counts as a hit");
        // without leaving out, every image is its own nearest
        assertEquals(1.0, NearestReal.topK(REFS, REFS, 2, REF_CLASS, 3, REF_CLASS, 1, false), 1e-12);
    }

    @Test
    void mismatchedShapesAreRefused() {
        float[] q = {1, 0};
        assertThrows(IllegalArgumentException.class, () -> NearestReal.topK(q, REFS, 2, new int[] {0, 0}, 3, new int[] {0}, 1, false));
        assertThrows(IllegalArgumentException.class, () -> NearestReal.topK(q, REFS, 2, REF_CLASS, 3, new int[] {3}, 1, false));
        assertThrows(IllegalArgumentException.class, () -> NearestReal.topK(q, REFS, 2, REF_CLASS, 3, new int[] {0}, 1, true));
        assertThrows(IllegalArgumentException.class, () -> NearestReal.topK(q, REFS, 2, REF_CLASS, 3, new int[] {0}, 0, false));
    }
}
