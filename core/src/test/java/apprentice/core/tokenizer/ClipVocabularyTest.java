package apprentice.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClipVocabularyTest {

    private final Path dir = GoldenRows.clipDir();

    @Test
    void clipVocabularyHasCLIPsSizeAndSpecialIds() {
        ClipTokenizer t = GoldenRows.clipTokenizer();
        assertEquals(49_408, t.vocabularyEntries());
        assertEquals(49_408, t.vocabSize());
        assertEquals(48_894, t.mergeCount());
        assertEquals(49_406, t.bosId());
        assertEquals(49_407, t.eosId());
        assertEquals(49_407, t.padId());
        assertEquals(77, t.maxLength());
        assertEquals("<|startoftext|>", t.tokenString(49_406));
        assertEquals("<|endoftext|>", t.tokenString(49_407));
    }

    /**
     * Rebuilds the id table the way SimpleTokenizer does (256 byte characters, the same with
     * {@code </w>}, one id per merge in rank order, then the two special tokens) from
     * merges.txt alone and compares it with vocab.json entry by entry.
     */
    @Test
    void idsRebuiltFromMergesMatchVocabJson() throws Exception {
        char[] bytes = ByteUnicodeTable.charsInVocabularyOrder();
        List<String> lines = Files.readAllLines(dir.resolve("merges.txt"), StandardCharsets.UTF_8);
        assertEquals("#version: 0.2", lines.get(0));
        String[] rebuilt = new String[512 + lines.size() - 1 + 2];
        int id = 0;
        for (char c : bytes) {
            rebuilt[id++] = String.valueOf(c);
        }
        for (char c : bytes) {
            rebuilt[id++] = c + "</w>";
        }
        for (String line : lines.subList(1, lines.size())) {
            rebuilt[id++] = line.replace(" ", "");
        }
        rebuilt[id++] = "<|startoftext|>";
        rebuilt[id++] = "<|endoftext|>";
        assertEquals(49_408, id);

        JsonNode vocab = new ObjectMapper().readTree(dir.resolve("vocab.json").toFile());
        assertEquals(49_408, vocab.size());
        int checked = 0;
        for (Map.Entry<String, JsonNode> e : vocab.properties()) {
            assertEquals(rebuilt[e.getValue().asInt()], e.getKey(), "token of id " + e.getValue());
            checked++;
        }
        assertEquals(49_408, checked);
        ClipTokenizer t = GoldenRows.clipTokenizer();
        for (int i = 0; i < rebuilt.length; i++) {
            assertEquals(rebuilt[i], t.tokenString(i), "id " + i);
        }
    }

    @Test
    void byteTableIsCLIPsOrder() {
        char[] order = ByteUnicodeTable.charsInVocabularyOrder();
        assertEquals('!', order[0]);
        assertEquals('~', order[93]);
        assertEquals('\u00A1', order[94]);
        assertEquals('\u00AC', order[105]);
        assertEquals('\u00AE', order[106]);
        assertEquals('\u00FF', order[187]);
        assertEquals('\u0100', order[188]); // byte 0x00
        assertEquals('\u0120', ByteUnicodeTable.charForByte(' '));
        assertEquals('\u0143', order[255]); // byte 0xAD, the last unprintable one
        for (int b = 0; b < 256; b++) {
            assertEquals(b, ByteUnicodeTable.byteForChar(ByteUnicodeTable.charForByte(b)));
        }
        assertEquals(-1, ByteUnicodeTable.byteForChar('\u0144'));
    }
}
