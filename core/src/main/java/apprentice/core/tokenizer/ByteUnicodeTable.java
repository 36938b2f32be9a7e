package apprentice.core.tokenizer;

/**
 * CLIP's reversible mapping between the 256 byte values and 256 printable unicode characters
 * ({@code bytes_to_unicode} in the reference tokenizer). BPE works on these characters so that
 * every UTF-8 byte sequence is representable without whitespace or control characters in the
 * vocabulary.
 *
 * <p>Order matters: vocabulary ids 0–255 are the characters in {@link #charsInVocabularyOrder()}
 * order — first the bytes that are already printable ({@code !..~}, {@code ¡..¬},
 * {@code ®..ÿ}) mapped to themselves, then the remaining 68 bytes, ascending, mapped to
 * U+0100, U+0101, ….
 */
final class ByteUnicodeTable {

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final char[] VOCABULARY_ORDER = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[256 + 68];

    static {
        int next = 0;
        for (int b = 0; b < 256; b++) {
            if (isPrintableLatin1(b)) {
                BYTE_TO_CHAR[b] = (char) b;
                VOCABULARY_ORDER[next++] = (char) b;
            }
        }
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            if (!isPrintableLatin1(b)) {
                char c = (char) (256 + shifted++);
                BYTE_TO_CHAR[b] = c;
                VOCABULARY_ORDER[next++] = c;
            }
        }
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        for (int b = 0; b < 256; b++) {
            CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
        }
    }

    private ByteUnicodeTable() {
    }

    private static boolean isPrintableLatin1(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The character standing for byte {@code b} (0–255). */
    static char charForByte(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a mapped character stands for, or -1 if {@code c} is not one of the 256. */
    static int byteForChar(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The 256 characters in the order CLIP assigns them ids 0–255. */
    static char[] charsInVocabularyOrder() {
        return VOCABULARY_ORDER.clone();
    }
}
