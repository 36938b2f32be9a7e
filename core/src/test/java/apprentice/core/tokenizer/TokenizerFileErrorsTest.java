package apprentice.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Missing or malformed files give one message naming the file, the problem and the fix. */
class TokenizerFileErrorsTest {

    @TempDir
    Path dir;

    @BeforeEach
    void writeValidByteVocabulary() {
        ClipTokenizer.writeByteLevelVocabulary(dir);
    }

    private TokenizerFileException loadFails() {
        return assertThrows(TokenizerFileException.class, () -> ClipTokenizer.load(dir));
    }

    private static void assertMentions(TokenizerFileException e, Path file, String... words) {
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "'" + w + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void missingVocabulary() throws IOException {
        Files.delete(dir.resolve("vocab.json"));
        assertMentions(loadFails(), dir.resolve("vocab.json"), "not found", "vocab.json and merges.txt",
                "writeByteLevelVocabulary");
    }

    @Test
    void missingMerges() throws IOException {
        Files.delete(dir.resolve("merges.txt"));
        assertMentions(loadFails(), dir.resolve("merges.txt"), "not found");
        assertThrows(TokenizerFileException.class,
                () -> ClipTokenizer.fromFiles(dir.resolve("vocab.json"), dir.resolve("nope.txt")));
    }

    @Test
    void vocabularyThatIsNotJson() throws IOException {
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": 1, ");
        assertMentions(loadFails(), dir.resolve("vocab.json"), "not a vocabulary", "JSON object");
    }

    @Test
    void vocabularyWithNonIntegerId() throws IOException {
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": \"one\"}");
        assertMentions(loadFails(), dir.resolve("vocab.json"), "'a'", "integer id");
    }

    @Test
    void vocabularyThatIsAList() throws IOException {
        Files.writeString(dir.resolve("vocab.json"), "[\"a\", \"b\"]");
        assertMentions(loadFails(), dir.resolve("vocab.json"), "JSON object");
    }

    @Test
    void vocabularyWithoutByteSymbols() throws IOException {
        Files.writeString(dir.resolve("vocab.json"), "{\"<|startoftext|>\": 0, \"<|endoftext|>\": 1}");
        assertMentions(loadFails(), dir.resolve("vocab.json"), "byte-level");
    }

    @Test
    void vocabularyWithSharedId() throws IOException {
        String json = Files.readString(dir.resolve("vocab.json"));
        Files.writeString(dir.resolve("vocab.json"), json.replace("\"<|endoftext|>\":513", "\"<|endoftext|>\":512"));
        assertMentions(loadFails(), dir.resolve("vocab.json"), "id 512");
    }

    @Test
    void malformedMergeLine() throws IOException {
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\na b c\n");
        assertMentions(loadFails(), dir.resolve("merges.txt"), "line 2", "'a b c'");
    }

    @Test
    void mergeOfUnknownSymbols() throws IOException {
        // "a" and "b" exist, but the merged symbol "ab" is not in the byte-only vocabulary
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\na b\n");
        assertMentions(loadFails(), dir.resolve("merges.txt"), "line 2", "'ab'", "same CLIP tokenizer");
    }

    @Test
    void padTokenNotInVocabulary() throws IOException {
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"pad_token\": \"<pad>\"}");
        assertMentions(loadFails(), dir, "'<pad>'", "pad_token");
    }

    @Test
    void malformedTokenizerConfig() throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{model_max_length: 77");
        assertMentions(loadFails(), dir.resolve("tokenizer_config.json"), "not valid JSON", "optional");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 1}");
        assertMentions(loadFails(), dir.resolve("tokenizer_config.json"), "no room");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"pad_token\": 5}");
        assertMentions(loadFails(), dir.resolve("tokenizer_config.json"), "pad_token");
    }
}
