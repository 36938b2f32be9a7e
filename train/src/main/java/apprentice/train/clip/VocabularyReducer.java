package apprentice.train.clip;

import apprentice.core.tokenizer.ClipTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cuts CLIP's 49,408-token BPE vocabulary down to what a caption corpus uses, in the same
 * vocab.json/merges.txt format. Kept: the 512 byte tokens, every merge whose result the corpus's
 * tokens are built from (recursively), {@code <|startoftext|>} and {@code <|endoftext|>} (last, so
 * it stays the largest id, which CLIP's pooler relies on). BPE applies the lowest-ranked applicable
 * merge; every merge ever applied to a corpus word is kept in its original order, so corpus text
 * tokenizes to the same token strings as with the full vocabulary, and unseen words fall back to
 * shorter pieces or bytes.
 */
public final class VocabularyReducer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private VocabularyReducer() {
    }

    /** Writes vocab.json and merges.txt into outDir; returns the new vocabulary size. */
    public static int reduce(Path clipVocab, Path clipMerges, Collection<String> corpus, Path outDir) throws IOException {
        ClipTokenizer full = ClipTokenizer.fromFiles(clipVocab, clipMerges);
        JsonNode vocab = JSON.readTree(clipVocab.toFile());
        String[] tokenById = new String[full.vocabSize()];
        vocab.fields().forEachRemaining(e -> tokenById[e.getValue().asInt()] = e.getKey());
        // merges in rank order, limited to those whose result is in the vocabulary (as CLIP loads them)
        List<String[]> merges = new ArrayList<>();
        Map<String, Integer> rankByResult = new HashMap<>();
        for (String line : Files.readAllLines(clipMerges, StandardCharsets.UTF_8)) {
            if (line.startsWith("#version") || line.isBlank()) {
                continue;
            }
            String[] pair = line.split(" ");
            if (pair.length != 2 || !vocab.has(pair[0] + pair[1])) {
                continue;
            }
            rankByResult.putIfAbsent(pair[0] + pair[1], merges.size());
            merges.add(pair);
        }
        Set<Integer> keptRanks = new java.util.TreeSet<>();
        for (String text : corpus) {
            for (int id : full.encode(text)) {
                keep(tokenById[id], rankByResult, merges, keptRanks);
            }
        }
        ObjectNode out = JSON.createObjectNode();
        int next = 0;
        for (int id = 0; id < 512; id++) {
            out.put(tokenById[id], next++);
        }
        StringBuilder mergesTxt = new StringBuilder("#version: 0.2\n");
        Set<String> added = new LinkedHashSet<>();
        for (int rank : keptRanks) {
            String[] pair = merges.get(rank);
            String result = pair[0] + pair[1];
            mergesTxt.append(pair[0]).append(' ').append(pair[1]).append('\n');
            if (added.add(result) && !out.has(result)) {
                out.put(result, next++);
            }
        }
        out.put("<|startoftext|>", next++);
        out.put("<|endoftext|>", next++);
        Files.createDirectories(outDir);
        JSON.writeValue(outDir.resolve("vocab.json").toFile(), out);
        Files.writeString(outDir.resolve("merges.txt"), mergesTxt.toString(), StandardCharsets.UTF_8);
        return next;
    }

    private static void keep(String token, Map<String, Integer> rankByResult, List<String[]> merges, Set<Integer> kept) {
        Integer rank = rankByResult.get(token);
        if (rank == null || !kept.add(rank)) {
            return; // a byte token, or already kept with its ancestry
        }
        String[] pair = merges.get(rank);
        keep(pair[0], rankByResult, merges, kept);
        keep(pair[1], rankByResult, merges, kept);
    }
}
