package apprentice.core.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE of one pre-tokenized word: UTF-8 bytes → byte symbols (the last one carrying
 * {@code </w>}) → repeatedly merge every occurrence of the adjacent pair with the lowest merge
 * rank, as in the reference {@code SimpleTokenizer.bpe}. Results are cached per word because
 * prompts repeat the same words; the cache is bounded so arbitrary input cannot grow it
 * without limit. Thread-safe.
 */
final class BytePairEncoder {

    private static final int CACHE_LIMIT = 65_536;

    private final ClipVocabulary vocabulary;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    BytePairEncoder(ClipVocabulary vocabulary) {
        this.vocabulary = vocabulary;
    }

    /** Appends the ids of {@code word} to {@code out}. */
    void encodeWord(String word, IntList out) {
        int[] ids = cache.get(word);
        if (ids == null) {
            ids = merge(word);
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear();
            }
            cache.put(word, ids);
        }
        out.addAll(ids);
    }

    private int[] merge(String word) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        int n = bytes.length;
        if (n == 0) {
            return new int[0];
        }
        int[] symbols = new int[n];
        for (int i = 0; i < n; i++) {
            symbols[i] = vocabulary.byteSymbol(bytes[i] & 0xFF, i == n - 1);
        }
        while (n > 1) {
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < n; i++) {
                int rank = vocabulary.mergeRank(symbols[i], symbols[i + 1]);
                if (rank >= 0 && rank < bestRank) {
                    bestRank = rank;
                }
            }
            if (bestRank == Integer.MAX_VALUE) {
                break;
            }
            int left = -1;
            int right = -1;
            // Find the pair's symbols again from any occurrence, then merge all occurrences
            // left to right, never overlapping.
            for (int i = 0; i + 1 < n; i++) {
                if (vocabulary.mergeRank(symbols[i], symbols[i + 1]) == bestRank) {
                    left = symbols[i];
                    right = symbols[i + 1];
                    break;
                }
            }
            int merged = vocabulary.mergedId(bestRank);
            int w = 0;
            for (int i = 0; i < n; ) {
                if (i + 1 < n && symbols[i] == left && symbols[i + 1] == right) {
                    symbols[w++] = merged;
                    i += 2;
                } else {
                    symbols[w++] = symbols[i++];
                }
            }
            n = w;
        }
        return Arrays.copyOf(symbols, n);
    }
}
