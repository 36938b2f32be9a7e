package apprentice.core.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the smallest CLIP-compatible vocabulary: bytes only, no merges. Ids:
 * <ul>
 * <li>0–255: the 256 byte-level characters, in CLIP's order (so ids 0–255 mean the same as in
 * the real CLIP vocabulary);</li>
 * <li>256–511: the same characters with {@code </w>} (last byte of a word), again as in CLIP;</li>
 * <li>512: {@code <|startoftext|>}, 513: {@code <|endoftext|>} (vocabulary size 514).</li>
 * </ul>
 * Every UTF-8 byte of a prompt becomes one token, so a test text encoder needs only a
 * 514-row embedding table.
 */
final class ByteLevelVocabulary {

    static final int START_OF_TEXT_ID = 512;
    static final int END_OF_TEXT_ID = 513;
    static final int SIZE = 514;

    private ByteLevelVocabulary() {
    }

    static void write(Path tokenizerDir) {
        try {
            Files.createDirectories(tokenizerDir);
            char[] chars = ByteUnicodeTable.charsInVocabularyOrder();
            try (Writer w = Files.newBufferedWriter(tokenizerDir.resolve("vocab.json"), StandardCharsets.UTF_8);
                    JsonGenerator g = new JsonFactory().createGenerator(w)) {
                g.writeStartObject();
                int id = 0;
                for (char c : chars) {
                    g.writeNumberField(String.valueOf(c), id++);
                }
                for (char c : chars) {
                    g.writeNumberField(c + ClipVocabulary.END_OF_WORD, id++);
                }
                g.writeNumberField(ClipVocabulary.START_OF_TEXT, START_OF_TEXT_ID);
                g.writeNumberField(ClipVocabulary.END_OF_TEXT, END_OF_TEXT_ID);
                g.writeEndObject();
            }
            Files.writeString(tokenizerDir.resolve("merges.txt"), "#version: 0.2\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write a byte-level vocabulary into " + tokenizerDir
                    + "; check that the folder is writable.", e);
        }
    }
}
