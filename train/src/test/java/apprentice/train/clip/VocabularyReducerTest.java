package apprentice.train.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.tokenizer.ClipTokenizer;
import apprentice.train.data.EmojiDataset;
import apprentice.train.data.SyntheticDataset;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reducer against CLIP's real vocabulary: the copy in core's test resources (MIT, provenance in
 * core/src/test/resources/golden/clip/PROVENANCE.md). The corpus is emoji-style captions (English,
 * Japanese, tags) plus the 335 varied texts of CLIP's golden tokenizations from the same folder.
 */
class VocabularyReducerTest {
    private static final Path CLIP = Path.of("..", "core", "src", "test", "resources", "golden", "clip");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CAPTIONS = List.of("grinning face", "grinning face, face, grin, happy, smile",
            "grinning face, google style", "にっこり笑う", "にっこり笑う, 笑顔, 顔", "red heart", "thumbs up: medium-dark skin tone",
            "flag: Japan", "woman technologist: light skin tone", "", "cat with wry smile", "😀 emoji", "ROCKET!!", "  spaces   and\ttabs ");

    private static ClipTokenizer full;
    private static Map<Integer, String> fullTokens;
    private static List<String> corpus;
    /** The corpus's reduced tokenizer, built once for the class (reducing reads all of CLIP's files). */
    private static Path out;
    private static Map<String, Integer> vocab;

    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    @BeforeAll
    static void loadFullVocabulary() throws IOException {
        assertTrue(Files.exists(CLIP.resolve("vocab.json")), "CLIP's vocabulary is expected in " + CLIP.toAbsolutePath());
        full = ClipTokenizer.fromFiles(CLIP.resolve("vocab.json"), CLIP.resolve("merges.txt"));
        fullTokens = tokenById(CLIP);
        corpus = new ArrayList<>(CAPTIONS);
        for (String line : Files.readAllLines(CLIP.resolve("golden.jsonl"), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                corpus.add(JSON.readTree(line).get("text").asText());
            }
        }
        out = shared.resolve("tok");
        int size = VocabularyReducer.reduce(CLIP.resolve("vocab.json"), CLIP.resolve("merges.txt"), corpus, out);
        vocab = new HashMap<>();
        JSON.readTree(out.resolve("vocab.json").toFile()).fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        assertEquals(size, vocab.size(), "returned size = vocabulary entries");
    }

    private static Map<Integer, String> tokenById(Path dir) throws IOException {
        Map<Integer, String> byId = new HashMap<>();
        JSON.readTree(dir.resolve("vocab.json").toFile()).fields().forEachRemaining(e -> byId.put(e.getValue().asInt(), e.getKey()));
        return byId;
    }

    /** Token strings of ids: what must agree between the vocabularies (the ids themselves are renumbered). */
    private static String[] tokens(Map<Integer, String> byId, int[] ids) {
        String[] out = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = byId.get(ids[i]);
        }
        return out;
    }

    @Test
    void corpusTextTokenizesToTheSameTokensAsWithTheFullVocabulary() throws IOException {
        ClipTokenizer reduced = ClipTokenizer.load(out);
        Map<Integer, String> reducedTokens = tokenById(out);
        assertEquals(vocab.size(), reduced.vocabSize());
        assertTrue(vocab.size() < full.vocabSize() / 4, "reduced to " + vocab.size() + " of " + full.vocabSize());
        int words = 0;
        for (String text : corpus) {
            int[] a = full.encode(text);
            int[] b = reduced.encode(text);
            assertArrayEquals(tokens(fullTokens, a), tokens(reducedTokens, b), "tokens of '" + text + "'");
            assertEquals(full.decode(a), reduced.decode(b), text);
            words += a.length;
            // and the 77-id rows have the same structure: start, tokens, end, padding
            assertEquals(full.tokenize(text).tokenCount(), reduced.tokenize(text).tokenCount(), text);
        }
        assertTrue(words > 1000, "the corpus exercises many merges: " + words + " tokens");
    }

    @Test
    void idsAreRemappedDenselyWithBytesFirstAndTheSpecialTokensLast() throws IOException {
        Set<Integer> ids = new HashSet<>(vocab.values());
        assertEquals(vocab.size(), ids.size(), "ids are unique");
        for (int id = 0; id < vocab.size(); id++) {
            assertTrue(ids.contains(id), "id " + id + " is used: ids are 0..size-1 without gaps");
        }
        for (int id = 0; id < 512; id++) {
            String byteToken = fullTokens.get(id);
            assertEquals(id, vocab.get(byteToken), "byte token '" + byteToken + "' keeps its id");
        }
        assertEquals(vocab.size() - 2, vocab.get("<|startoftext|>"));
        assertEquals(vocab.size() - 1, vocab.get("<|endoftext|>"), "end of text stays the largest id (CLIP's pooler takes argmax)");
        ClipTokenizer reduced = ClipTokenizer.load(out);
        assertEquals(vocab.size() - 2, reduced.bosId());
        assertEquals(vocab.size() - 1, reduced.eosId());
    }

    @Test
    void everyKeptMergeIsBuiltFromKeptTokensInTheOriginalOrder() throws IOException {
        Map<String, Integer> fullRank = new HashMap<>();
        List<String> fullLines = Files.readAllLines(CLIP.resolve("merges.txt"), StandardCharsets.UTF_8);
        for (int i = 0; i < fullLines.size(); i++) {
            fullRank.putIfAbsent(fullLines.get(i), i);
        }
        List<String> lines = Files.readAllLines(out.resolve("merges.txt"), StandardCharsets.UTF_8);
        assertEquals("#version: 0.2", lines.get(0));
        int previous = -1;
        for (String line : lines.subList(1, lines.size())) {
            String[] pair = line.split(" ");
            assertEquals(2, pair.length, line);
            assertTrue(vocab.containsKey(pair[0]) && vocab.containsKey(pair[1]), "both halves of '" + line + "' are tokens");
            assertTrue(vocab.containsKey(pair[0] + pair[1]), "the result of '" + line + "' is a token");
            Integer rank = fullRank.get(line);
            assertNotNull(rank, "'" + line + "' is one of CLIP's merges");
            assertTrue(rank > previous, "'" + line + "' keeps CLIP's merge order");
            previous = rank;
        }
        // every non-byte, non-special token is the result of exactly one kept merge
        assertEquals(vocab.size() - 512 - 2, lines.size() - 1);
    }

    @Test
    void wordsOutsideTheCorpusFallBackToPiecesThatDecodeToTheSameText() throws IOException {
        ClipTokenizer reduced = ClipTokenizer.load(out);
        for (String text : new String[] {"xylophone quarterback zeppelin", "Überraschung 驚き"}) {
            int[] ids = reduced.encode(text);
            assertTrue(ids.length >= full.encode(text).length, "no more merges than the full vocabulary");
            assertEquals(full.decode(full.encode(text)), reduced.decode(ids), text);
        }
    }

    @Test
    void theClipStageAsksForTheVocabularyOnlyWhenItHasNoTokenizerYet() throws IOException {
        EmojiDataset data = SyntheticDataset.write(tmp.resolve("data"), 3, 1);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        Path stage = tmp.resolve("clip");
        IOException missing = assertThrows(IOException.class, () -> ClipTrainer.ensureTokenizer(data, stage, null, quiet));
        assertTrue(missing.getMessage().contains("--clip-vocab"), missing.getMessage());
        IOException wrong = assertThrows(IOException.class, () -> ClipTrainer.ensureTokenizer(data, stage, tmp.resolve("nowhere"), quiet));
        assertTrue(wrong.getMessage().contains("--clip-vocab") && wrong.getMessage().contains("nowhere"), wrong.getMessage());

        Path tok = ClipTrainer.ensureTokenizer(data, stage, CLIP, quiet);
        ClipTokenizer built = ClipTokenizer.load(tok);
        assertArrayEquals(tokens(fullTokens, full.encode("block 2")), tokens(tokenById(tok), built.encode("block 2")));
        assertEquals(tok, ClipTrainer.ensureTokenizer(data, stage, null, quiet), "a resumed run needs no --clip-vocab");
    }
}
