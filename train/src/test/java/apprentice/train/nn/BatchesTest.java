package apprentice.train.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import apprentice.train.data.EmojiDataset;
import apprentice.train.data.SyntheticDataset;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchesTest {
    @TempDir
    Path dir;

    @Test
    void groupedSamplingGivesEveryGroupTheSameShareWhateverItsSize() {
        int[][] groups = {{0}, {1, 2, 3, 4, 5, 6, 7, 8, 9}};
        int[] counts = new int[10];
        int n = 0;
        for (int step = 0; step < 200; step++) {
            for (int i : Batches.sampleGroups(groups, 50, Batches.rng(1, step))) {
                counts[i]++;
                n++;
            }
        }
        // uniform over images would give image 0 a tenth; uniform over groups gives it half
        assertEquals(0.5, counts[0] / (double) n, 0.02);
        for (int i = 1; i < 10; i++) {
            assertEquals(0.5 / 9, counts[i] / (double) n, 0.01, "member " + i + " of the large group");
        }
        assertArrayEquals(Batches.sampleGroups(groups, 50, Batches.rng(1, 7)), Batches.sampleGroups(groups, 50, Batches.rng(1, 7)),
                "a step's batch is reproducible, so a resumed run replays it");
    }

    @Test
    void datasetGroupsSkinToneVariantsUnderTheirBase() throws Exception {
        // images 0-2 are one emoji and its variants, 3 and 5 another, 4 stands alone; 6-7 are held out
        String[] bases = {"A", "A", "A", "B", "C", "B", "A", "D"};
        EmojiDataset data = SyntheticDataset.write(dir, bases.length, 2, i -> bases[i]);
        int[][] groups = data.groupByBase(data.indices(false));
        assertEquals(3, groups.length);
        assertArrayEquals(new int[] {0, 1, 2}, groups[0]);
        assertArrayEquals(new int[] {3, 5}, groups[1]);
        assertArrayEquals(new int[] {4}, groups[2]);
    }
}
