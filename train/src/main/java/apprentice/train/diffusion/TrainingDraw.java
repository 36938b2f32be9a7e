package apprentice.train.diffusion;

import apprentice.train.data.EmojiDataset;
import apprentice.train.nn.Batches;
import java.util.Random;

/**
 * How the teacher and student trainers draw a step's batch from the training images: every image equally often, or
 * (balanced, {@code --balance-bases}) every base emoji equally often with its skin-tone variants sharing its turn.
 */
record TrainingDraw(int[] images, int[][] bases, boolean balanced) {
    static TrainingDraw of(EmojiDataset data, boolean balanced) {
        int[] images = data.indices(false);
        return new TrainingDraw(images, data.groupByBase(images), balanced);
    }

    int[] batch(int size, Random rng) {
        return balanced ? Batches.sampleGroups(bases, size, rng) : Batches.sample(images, size, rng);
    }
}
