package apprentice.core.oracle;

import apprentice.core.tensor.Tensor;
import java.util.List;

/**
 * Scores how well images match their prompts; the gate of the adaptive pipeline. Higher is better.
 *
 * <p>Scores are only compared with each other and with percentiles of the same oracle's scores
 * (calibration), so any monotone scale works: CLIP score, ImageReward, PickScore. An oracle must be
 * deterministic (same prompt and image, same score) and batch-independent (a pair's score does not
 * depend on the other pairs of the batch), so a calibration threshold means the same thing at
 * generation time.
 */
public interface Oracle extends AutoCloseable {

    /**
     * @param prompts one prompt per image
     * @param images {@code [B, 3, H, W]} images in [-1, 1] (the pipeline's decoded output; values outside are clamped)
     * @return one score per image, in order
     */
    float[] score(List<String> prompts, Tensor images);

    /**
     * A stable identifier of the oracle and its scale, e.g. {@code clip-score:emoji-oracle}. Calibration
     * files record it, and a threshold is refused for a different oracle.
     */
    String name();

    @Override
    void close();

    /** Checks the arguments of {@link #score} (one prompt per image, an image batch of rank 4 with 3 channels). */
    static void checkBatch(List<String> prompts, Tensor images) {
        if (images.rank() != 4 || images.dim(1) != 3) {
            throw new IllegalArgumentException("images have shape " + java.util.Arrays.toString(images.shape())
                    + ": an oracle scores [B, 3, H, W] images in [-1, 1]");
        }
        if (prompts.size() != images.dim(0)) {
            throw new IllegalArgumentException("got " + prompts.size() + " prompts for " + images.dim(0)
                    + " images: an oracle scores one prompt per image");
        }
    }
}
