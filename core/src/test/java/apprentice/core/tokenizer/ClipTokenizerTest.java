package apprentice.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipTokenizerTest {

    private static ClipTokenizer clip;

    @BeforeAll
    static void load() {
        clip = GoldenRows.clipTokenizer();
    }

    @Test
    void shortPromptIsStartTokensEndThenPadding() {
        TokenizedText t = clip.tokenize("a photo of a cat");
        int[] tokens = clip.encode("a photo of a cat");
        assertArrayEquals(new int[] {320, 1125, 539, 320, 2368}, tokens);
        int[] ids = t.ids();
        assertEquals(77, ids.length);
        assertEquals(49406, ids[0]);
        assertArrayEquals(tokens, Arrays.copyOfRange(ids, 1, 6));
        for (int i = 6; i < 77; i++) {
            assertEquals(49407, ids[i], "end token then padding with <|endoftext|> at " + i);
        }
        assertEquals(7, t.tokenCount());
        assertFalse(t.truncated());
    }

    @Test
    void longPromptIsCutKeepingTheEndTokenLast() {
        String prompt = "cat ".repeat(100);
        int[] tokens = clip.encode(prompt);
        assertEquals(100, tokens.length);
        TokenizedText t = clip.tokenize(prompt);
        int[] ids = t.ids();
        assertEquals(77, ids.length);
        assertEquals(49406, ids[0]);
        for (int i = 1; i < 76; i++) {
            assertEquals(2368, ids[i]);
        }
        assertEquals(49407, ids[76]);
        assertEquals(102, t.tokenCount());
        assertTrue(t.truncated());
    }

    @Test
    void exactlyFullPromptIsNotTruncated() {
        String prompt = "cat ".repeat(75);
        TokenizedText t = clip.tokenize(prompt);
        assertEquals(77, t.tokenCount());
        assertFalse(t.truncated());
        assertEquals(49407, t.ids()[76]);
        assertEquals(2368, t.ids()[75]);
        TokenizedText over = clip.tokenize(prompt + "cat");
        assertEquals(78, over.tokenCount());
        assertTrue(over.truncated());
        assertArrayEquals(t.ids(), over.ids());
    }

    @Test
    void emptyPromptIsStartAndEndOnly() {
        TokenizedText t = clip.tokenize("");
        assertEquals(2, t.tokenCount());
        assertEquals(49406, t.ids()[0]);
        assertEquals(49407, t.ids()[1]);
        assertEquals(0, clip.encode("   \n").length);
    }

    @Test
    void batchGivesOneFixedLengthRowPerPrompt() {
        int[][] rows = clip.tokenizeBatch(List.of("a cat", "", "dog ".repeat(90)));
        assertEquals(3, rows.length);
        for (int[] row : rows) {
            assertEquals(77, row.length);
        }
        assertArrayEquals(clip.tokenize("a cat").ids(), rows[0]);
        assertArrayEquals(clip.tokenize("dog ".repeat(90)).ids(), rows[2]);
    }

    @Test
    void tokenizedTextDoesNotExposeItsArray() {
        TokenizedText t = clip.tokenize("a cat");
        t.ids()[0] = -5;
        assertEquals(49406, t.ids()[0]);
        assertEquals(t, clip.tokenize("a cat"));
    }

    @Test
    void decodeInvertsEncodeUpToCleanUp() {
        assertEquals("a photo of a cat ", clip.decode(clip.encode("A photo of a CAT")));
        assertEquals("<|startoftext|>hi <|endoftext|>", clip.decode(new int[] {49406, 1883, 49407}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> clip.decode(new int[] {49408}));
        assertTrue(e.getMessage().contains("49408"), e.getMessage());
    }

    @Test
    void sd2FolderPadsWithExclamationMark(@TempDir Path dir) throws IOException {
        copyClipFiles(dir);
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"model_max_length": 77, "pad_token": "<|endoftext|>",
                 "bos_token": {"content": "<|startoftext|>", "__type": "AddedToken"}}""");
        Files.writeString(dir.resolve("special_tokens_map.json"), """
                {"pad_token": {"content": "!", "lstrip": false, "normalized": false}}""");
        ClipTokenizer sd2 = ClipTokenizer.load(dir);
        assertEquals(0, sd2.padId());
        int[] ids = sd2.tokenize("a cat").ids();
        assertArrayEquals(new int[] {49406, 320, 2368, 49407, 0, 0}, Arrays.copyOf(ids, 6));
        assertEquals(0, ids[76]);
    }

    @Test
    void sd1FolderAndConfigMaxLength(@TempDir Path dir) throws IOException {
        copyClipFiles(dir);
        ClipTokenizer plain = ClipTokenizer.load(dir);
        assertEquals(77, plain.maxLength());
        assertEquals(49407, plain.padId());
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 16, \"pad_token\": \"!\"}");
        ClipTokenizer short16 = ClipTokenizer.load(dir);
        assertEquals(16, short16.maxLength());
        assertEquals(0, short16.padId());
        TokenizedText t = short16.tokenize("cat ".repeat(20));
        assertEquals(16, t.ids().length);
        assertEquals(49407, t.ids()[15]);
        assertTrue(t.truncated());
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 1000000000000000019884624838656}");
        assertEquals(77, ClipTokenizer.load(dir).maxLength(), "transformers' 'no limit' falls back to 77");
    }

    @Test
    void byteLevelVocabularyEncodesEveryByte(@TempDir Path dir) {
        ClipTokenizer.writeByteLevelVocabulary(dir);
        ClipTokenizer bytes = ClipTokenizer.load(dir);
        assertEquals(514, bytes.vocabSize());
        assertEquals(512, bytes.bosId());
        assertEquals(513, bytes.eosId());
        assertEquals(513, bytes.padId());
        // "a" = 'a' is byte-level char id 64, "cat" = c(66) a(64) t</w>(256+83)
        assertArrayEquals(new int[] {256 + 64, 66, 64, 256 + 83}, bytes.encode("A cat"));
        // é = C3 A9: two bytes, the last one ending the word
        int[] e = bytes.encode("é");
        assertEquals(2, e.length);
        assertEquals("é ", bytes.decode(e));
        assertEquals("a cat ", bytes.decode(bytes.encode("A cat")));
        int[] ids = bytes.tokenize("hi").ids();
        assertArrayEquals(new int[] {512, 71, 256 + 72, 513, 513}, Arrays.copyOf(ids, 5));
    }

    static void copyClipFiles(Path dir) throws IOException {
        Path src = GoldenRows.clipDir();
        Files.copy(src.resolve("vocab.json"), dir.resolve("vocab.json"));
        Files.copy(src.resolve("merges.txt"), dir.resolve("merges.txt"));
    }

    static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
