package apprentice.core.tokenizer;

/**
 * Python's {@code bytes.decode('utf-8', errors='replace')}: each maximal ill-formed subpart
 * becomes one U+FFFD (the Unicode "best practice"). Java's decoder differs for encoded surrogates
 * (ED A0 80 is three U+FFFD in Python, one in Java), so the reference's decode is reproduced here.
 */
final class PythonUtf8 {

    private PythonUtf8() {
    }

    static String decodeReplacing(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length);
        int n = bytes.length;
        int i = 0;
        while (i < n) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                out.append((char) b);
                i++;
                continue;
            }
            int need;
            int low = 0x80;
            int high = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                need = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                need = 2;
                low = b == 0xE0 ? 0xA0 : 0x80;
                high = b == 0xED ? 0x9F : 0xBF;
            } else if (b >= 0xF0 && b <= 0xF4) {
                need = 3;
                low = b == 0xF0 ? 0x90 : 0x80;
                high = b == 0xF4 ? 0x8F : 0xBF;
            } else {
                out.append('\uFFFD');
                i++;
                continue;
            }
            int codePoint = b & (0x3F >> need);
            int j = i + 1;
            int have = 0;
            while (have < need && j < n) {
                int c = bytes[j] & 0xFF;
                if (c < (have == 0 ? low : 0x80) || c > (have == 0 ? high : 0xBF)) {
                    break;
                }
                codePoint = (codePoint << 6) | (c & 0x3F);
                j++;
                have++;
            }
            if (have == need) {
                out.appendCodePoint(codePoint);
            } else {
                out.append('\uFFFD');
            }
            i = j;
        }
        return out.toString();
    }
}
