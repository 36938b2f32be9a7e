package apprentice.core.pipeline;

import java.util.List;

/**
 * Text to token ids for the text encoder, as the pipeline needs them: every row padded (or truncated)
 * to the encoder's sequence length, as diffusers tokenises with {@code padding="max_length",
 * truncation=True}. The CLIP BPE tokenizer is adapted to this with a method reference
 * ({@code clipTokenizer::tokenizeBatch}); tests pass fakes.
 */
@FunctionalInterface
public interface PromptTokenizer {

    /** One padded id row per text, in order. */
    int[][] tokenizeBatch(List<String> texts);

    /**
     * Whether {@code text} has more tokens than fit, so that its end is cut off (diffusers logs a warning then).
     * The default says no; the CLIP adapter of the model-folder loader answers for real.
     */
    default boolean isTruncated(String text) {
        return false;
    }
}
