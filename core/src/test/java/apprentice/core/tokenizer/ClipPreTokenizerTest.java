package apprentice.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClipPreTokenizerTest {

    /** The Java regex knows only the JDK's Unicode version; compare where that covers the text. */
    private static boolean knownToJdk(String s) {
        return s.codePoints().noneMatch(cp -> Character.getType(cp) == Character.UNASSIGNED);
    }

    @Test
    void scannerEqualsTheRegexOnEveryGoldenText() {
        int checked = 0;
        for (String file : List.of("golden.jsonl", "extra.jsonl")) {
            for (JsonNode row : GoldenRows.rows(file)) {
                for (String s : List.of(row.get("cleaned").asText(), row.get("text").asText())) {
                    if (knownToJdk(s)) {
                        assertEquals(ClipPreTokenizer.splitWithRegex(s), ClipPreTokenizer.split(s), s);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked >= 2 * (335 + 60), "texts compared: " + checked);
    }

    @Test
    void letterAndNumberTablesAreTheReferenceModules() {
        int letters = 0;
        int numbers = 0;
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            boolean letter = ReferenceCharClasses.isLetter(cp);
            boolean number = ReferenceCharClasses.isNumber(cp);
            letters += letter ? 1 : 0;
            numbers += number ? 1 : 0;
            if (Character.getType(cp) != Character.UNASSIGNED) {
                int type = Character.getType(cp);
                boolean jdkNumber = type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                        || type == Character.OTHER_NUMBER;
                // JDK 17 knows Unicode 13: wherever it knows a code point it agrees with the
                // reference's Unicode 15 tables (newer JDKs may know more letters than the table).
                if (letter) {
                    assertTrue(Character.isLetter(cp), Integer.toHexString(cp));
                }
                if (number) {
                    assertTrue(jdkNumber, Integer.toHexString(cp));
                }
            }
        }
        assertEquals(136_104, letters, "code points the regex module 2022.10.31 matches with \\p{L}");
        assertEquals(1_831, numbers, "code points the regex module 2022.10.31 matches with \\p{N}");
        assertTrue(ReferenceCharClasses.isLetter(0x0870), "ARABIC LETTER ALEF WITH ATTACHED FATHA, Unicode 14");
        assertTrue(ReferenceCharClasses.isLetter(0x31350), "CJK Extension H, Unicode 15");
        assertTrue(ReferenceCharClasses.isNumber(0x11F50), "KAWI DIGIT ZERO, Unicode 15");
        assertFalse(ReferenceCharClasses.isLetter(0x1FAE0), "an emoji is neither");
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
