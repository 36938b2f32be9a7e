package apprentice.train.clip;

import apprentice.core.tokenizer.ClipTokenizer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Tokenizes captions with the stage's reduced CLIP tokenizer, caching each caption's 77 ids. */
public final class CaptionTokens {
    private final ClipTokenizer tokenizer;
    private final Map<String, int[]> cache = new HashMap<>();

    public CaptionTokens(Path tokenizerDir) {
        this.tokenizer = ClipTokenizer.fromFiles(tokenizerDir.resolve("vocab.json"), tokenizerDir.resolve("merges.txt"));
    }

    public int[] ids(String caption) {
        return cache.computeIfAbsent(caption, c -> tokenizer.tokenize(c).ids());
    }

    public int vocabSize() {
        return tokenizer.vocabSize();
    }

    public ClipTokenizer tokenizer() {
        return tokenizer;
    }
}
