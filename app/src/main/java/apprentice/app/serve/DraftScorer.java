package apprentice.app.serve;

import apprentice.core.tensor.Tensor;
import java.util.List;

/** Scores drafts against their prompts (the adaptive pipeline's oracle; higher is better). */
public interface DraftScorer {
    /** @return one score per image of {@code [B, 3, H, W]} in [-1, 1] */
    float[] score(List<String> prompts, Tensor images);

    /** The oracle's identity, reported with every score. */
    String name();
}
