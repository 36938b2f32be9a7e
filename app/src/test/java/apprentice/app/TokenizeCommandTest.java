package apprentice.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizeCommandTest {
    @TempDir
    static Path dir;
    static Path model;

    /** A model folder holding only model_index.json and the real CLIP tokenizer (from core's golden data). */
    @BeforeAll
    static void clipModelFolder() throws Exception {
        model = dir.resolve("clip-model");
        Path tok = Files.createDirectories(model.resolve("tokenizer"));
        Files.writeString(model.resolve("model_index.json"), "{}");
        for (String f : new String[] {"vocab.json", "merges.txt"}) {
            try (InputStream in = TokenizeCommandTest.class.getResourceAsStream("/golden/clip/" + f)) {
                Files.copy(in, tok.resolve(f));
            }
        }
    }

    @Test
    void printsClipIdsAndTokens() {
        CliRun r = CliRun.of("tokenize", "--model", model.toString(), "a photo of a cat");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("ids:    49406 320 1125 539 320 2368 49407\n"), r.toString());
        assertTrue(r.out().contains("tokens: <|startoftext|> a</w> photo</w> of</w> a</w> cat</w> <|endoftext|>"), r.toString());
        assertTrue(r.out().contains("7 tokens (the encoder reads 77)"), r.toString());
        assertEquals("", r.err(), "no warning for a short prompt");
    }

    @Test
    void warnsWithTheNumberOfDroppedTokens() throws Exception {
        String longPrompt = "cat ".repeat(99) + "dog";  // 100 prompt tokens + start + end = 102
        CliRun r = CliRun.of("tokenize", "--model", model.toString(), "--json", longPrompt);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("warning: prompt 1 is 102 tokens long"), r.toString());
        assertTrue(r.err().contains("the last 25 prompt tokens were dropped"), r.toString());
        assertTrue(r.err().contains("dog"), "names the dropped text: " + r);
        JsonNode o = new ObjectMapper().readTree(r.out());
        assertEquals(102, o.get("token_count").asInt());
        assertTrue(o.get("truncated").asBoolean());
        assertEquals(77, o.get("ids").size());
        assertEquals(49407, o.get("ids").get(76).asInt());
    }

    @Test
    void paddedShowsEveryIdTheEncoderReads() {
        CliRun r = CliRun.of("tokenize", "--tokenizer", model.resolve("tokenizer").toString(), "--padded", "cat");
        assertEquals(0, r.exitCode(), r.toString());
        String ids = r.out().lines().filter(l -> l.startsWith("  ids:")).findFirst().orElseThrow();
        assertEquals(77, ids.substring(ids.indexOf(':') + 1).trim().split(" ").length, ids);
    }

    @Test
    void missingModelFolderIsBadInput() {
        CliRun r = CliRun.of("tokenize", "--model", dir.resolve("nope").toString(), "cat");
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
        assertTrue(r.err().contains("does not exist"), r.toString());
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r);
    }

    @Test
    void malformedTokenizerIsBadInputWithOneLine() throws Exception {
        Path broken = Files.createDirectories(dir.resolve("broken/tokenizer"));
        Files.writeString(broken.getParent().resolve("model_index.json"), "{}");
        Files.writeString(broken.resolve("vocab.json"), "{not json");
        Files.writeString(broken.resolve("merges.txt"), "#version: 0.2\n");
        CliRun r = CliRun.of("tokenize", "--model", broken.getParent().toString(), "cat");
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.toString());
        assertTrue(r.err().contains("vocab.json"), r.toString());
    }

    @Test
    void emptyPromptListIsBadInput() {
        CliRun r = CliRun.of("tokenize", "--model", model.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
        assertTrue(r.err().contains("no prompt given"), r.toString());
    }
}
