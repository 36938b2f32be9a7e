package apprentice.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClipPreTokenizerTest {

    @Test
    void scannerEqualsTheRegexOnEveryGoldenText() {
        int checked = 0;
        for (String file : List.of("golden.jsonl", "extra.jsonl")) {
            for (JsonNode row : GoldenRows.rows(file)) {
                for (String s : List.of(row.get("cleaned").asText(), row.get("text").asText())) {
                    assertEquals(ClipPreTokenizer.splitWithRegex(s), ClipPreTokenizer.split(s), s);
                    checked++;
                }
            }
        }
        assertEquals(2 * (335 + 64), checked);
    }

    @Test
    void scannerEqualsTheRegexOnRandomText() {
        // Characters chosen to hit every alternative and boundary: specials, contractions in any
        // case, ſ, marks, U+0345, digits of several scripts, spaces, symbols, astral code points.
        String alphabet = "<|startoftext|>endoftEXT'sStTrReVvMmLlDd\u017F\u212A \t\u00A0\u3000\u2028"
                + "a\u00E9\u0301\u0345\u03C2\u0663\u00B2\u2160\u4E00!?.,-_/\\\"#&*\u200B\uFE0F";
        int[] astral = {0x1F600, 0x1D7D8, 0x20000, 0x1F3FD, 0xE0067};
        String[] literals = {"<|startoftext|>", "<|ENDOFTEXT|>", "<|endoftext", "'LL", "'\u017F", "'RE", "'d"};
        SplittableRandom random = new SplittableRandom(42);
        for (int trial = 0; trial < 20_000; trial++) {
            StringBuilder b = new StringBuilder();
            int len = random.nextInt(1, 24);
            for (int k = 0; k < len; k++) {
                if (random.nextInt(15) == 0) {
                    b.append(literals[random.nextInt(literals.length)]);
                } else if (random.nextInt(12) == 0) {
                    b.appendCodePoint(astral[random.nextInt(astral.length)]);
                } else {
                    b.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            String s = b.toString();
            assertEquals(ClipPreTokenizer.splitWithRegex(s), ClipPreTokenizer.split(s), s);
        }
    }

    @Test
    void piecesOfTypicalText() {
        assertEquals(List.of("don", "'t", "stop", "2", "0", "2", "4", "!!", "<|endoftext|>", "''", "s", "'s",
                "ingle"), ClipPreTokenizer.split("don't stop 2024!! <|endoftext|> ''s 'single"));
        assertEquals(List.of("'\u017F", "x"), ClipPreTokenizer.split("'\u017Fx"), "IGNORECASE: 'ſ is 's");
        assertEquals(List.of("a", "y"), ClipPreTokenizer.split("a\u0345 \u0345y"), "U+0345 is dropped");
    }
}
