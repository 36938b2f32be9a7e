package apprentice.core.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeedsTest {

    @Test
    void randomSeedsAreNonNegativeBelow2To32AndVary() {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            long s = Seeds.random();
            assertTrue(s >= 0 && s < Seeds.RANDOM_LIMIT, "seed " + s);
            seen.add(s);
        }
        assertTrue(seen.size() > 190, "SecureRandom should practically never repeat: " + seen.size());
    }

    @Test
    void batchImageIGetsBasePlusI() {
        assertArrayEquals(new long[] {42, 43, 44, 45}, Seeds.forBatch(42, 4));
        assertEquals(45, Seeds.forImage(42, 3));
        TorchGenerator[] gens = Seeds.generators(42, 2);
        assertEquals(43, gens[1].seed());
        assertArrayEquals(new TorchGenerator(43).randn(1, 4, 8, 8).data(), gens[1].randn(1, 4, 8, 8).data());
    }

    @Test
    void seedsOutsideTheJsonSafeRangeAreRejectedWithTheFix() {
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> Seeds.requireValid(-1));
        assertTrue(neg.getMessage().contains("seed -1") && neg.getMessage().contains("0 to 9007199254740991"), neg.getMessage());
        assertEquals(Seeds.LIMIT - 1, Seeds.requireValid(Seeds.LIMIT - 1));
        assertThrows(IllegalArgumentException.class, () -> Seeds.requireValid(Seeds.LIMIT));
        IllegalArgumentException over = assertThrows(IllegalArgumentException.class,
                () -> Seeds.forBatch(Seeds.LIMIT - 2, 4));
        assertTrue(over.getMessage().contains("choose a base seed below"), over.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Seeds.forBatch(1, 0));
        assertThrows(IllegalArgumentException.class, () -> Seeds.forImage(1, -1));
    }
}
