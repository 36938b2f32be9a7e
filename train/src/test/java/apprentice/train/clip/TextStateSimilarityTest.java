package apprentice.train.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TextStateSimilarityTest {
    @Test
    void cosineOfKnownVectors() {
        double[][] c = TextStateSimilarity.cosineMatrix(new float[][] {{1, 0, 0}, {1, 1, 0}, {-2, 0, 0}, {0, 0, 0}});
        assertEquals(1.0, c[0][0], 1e-12);
        assertEquals(1 / Math.sqrt(2), c[0][1], 1e-12);
        assertEquals(c[0][1], c[1][0], 0.0);
        assertEquals(-1.0, c[0][2], 1e-12, "scale does not matter, direction does");
        assertEquals(0.0, c[3][0], 0.0, "a zero row is similar to nothing");
        assertEquals(0.0, c[3][3], 0.0);
    }

    @Test
    void rowsOfDifferentLengthsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> TextStateSimilarity.cosineMatrix(new float[][] {{1, 2}, {1}}));
    }
}
