package apprentice.core.tokenizer;

import java.util.Locale;

/** Python string behaviour the reference tokenizer relies on, reproduced in Java. */
final class PythonText {

    private PythonText() {
    }

    /** Python's {@code str.isspace} for one character (bidi class WS/B/S or category Zs). */
    static boolean isPythonSpace(char c) {
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || isUnicodeWhiteSpaceAbove0x7F(c);
    }

    /**
     * The {@code regex} module's {@code \s} on str patterns: the Unicode White_Space property.
     * Unlike {@code str.isspace} it excludes U+001C–U+001F.
     */
    static boolean isRegexSpace(char c) {
        return (c >= 0x09 && c <= 0x0D) || c == 0x20 || isUnicodeWhiteSpaceAbove0x7F(c);
    }

    private static boolean isUnicodeWhiteSpaceAbove0x7F(char c) {
        return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028
                || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    /** Java regex character-class body matching exactly {@link #isRegexSpace}. */
    static final String REGEX_SPACE_CLASS =
            "\\t\\n\\x0B\\f\\r\\x20\\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";

    /** Python's {@code str.strip()} with no argument. */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isPythonSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isPythonSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** {@code regex.sub(r'\s+', ' ', s)}. */
    static String collapseWhitespace(String s) {
        StringBuilder out = null;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (!isRegexSpace(c)) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            int j = i + 1;
            while (j < n && isRegexSpace(s.charAt(j))) {
                j++;
            }
            boolean alreadySingleSpace = c == ' ' && j == i + 1;
            if (!alreadySingleSpace && out == null) {
                out = new StringBuilder(n).append(s, 0, i);
            }
            if (out != null) {
                out.append(' ');
            }
            i = j - 1;
        }
        return out == null ? s : out.toString();
    }

    /**
     * Python's {@code str.lower()}: full Unicode lower-casing, context-free except for the final
     * sigma. Java's root-locale lower-casing follows the same SpecialCasing rules
     * ({@code İ} → {@code i̇}, word-final {@code Σ} → {@code ς}).
     */
    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
