package apprentice.core.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

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
     * sigma. Java's root-locale lower-casing has the same mappings ({@code İ} → {@code i̇}) but
     * another final-sigma rule, so text with {@code Σ} is lower-cased by
     * {@link #lowerWithPythonFinalSigma}; for the 40 letters that Python
     * 3.11 (Unicode 14.0) lower-cases but JDK 17 (Unicode 13.0) does not know, a small table
     * supplements it (a newer JDK knows them itself).
     */
    static String lower(String s) {
        String lower = s.indexOf(CAPITAL_SIGMA) >= 0 ? lowerWithPythonFinalSigma(s) : s.toLowerCase(Locale.ROOT);
        for (int i = 0; i < lower.length(); i++) {
            if (lower.charAt(i) >= 0x2C00 && Character.getType(lower.codePointAt(i)) == Character.UNASSIGNED) {
                return lowerUnknownToJdk(lower);
            }
        }
        return lower;
    }

    private static final char CAPITAL_SIGMA = '\u03A3';

    /**
     * Word-break MidLetter, MidNumLet and Single_Quote characters: with Mn, Me, Cf, Lm and Sk they
     * make up Unicode's Case_Ignorable property.
     */
    private static final String WORD_BREAK_MID = "'.:\u00B7\u0387\u055F\u05F4\u2018\u2019\u2024\u2027\uFE13\uFE52\uFE55\uFF07\uFF0E\uFF1A";

    /**
     * Lower-casing with CPython's Final_Sigma rule: {@code Σ} becomes {@code ς} when a cased
     * character precedes it and none follows, skipping case-ignorable characters on both sides.
     * Java's own rule uses word boundaries instead and differs, e.g. {@code ΣΑΣ-cat} is
     * {@code σας-cat} in Python but {@code σασ-cat} in Java.
     */
    private static String lowerWithPythonFinalSigma(String s) {
        StringBuilder out = new StringBuilder(s.length() + 4);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (cp == CAPITAL_SIGMA) {
                out.append(isFinalSigma(s, i) ? '\u03C2' : '\u03C3');
            } else if (cp == 0x130) {
                out.append("i\u0307"); // the one unconditional multi-character lower-case mapping
            } else {
                out.appendCodePoint(Character.toLowerCase(cp));
            }
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    private static boolean isFinalSigma(String s, int sigma) {
        int j = sigma;
        int before = -1;
        while (j > 0) {
            int cp = s.codePointBefore(j);
            j -= Character.charCount(cp);
            if (!isCaseIgnorable(cp)) {
                before = cp;
                break;
            }
        }
        if (before < 0 || !isCased(before)) {
            return false;
        }
        for (int k = sigma + 1; k < s.length(); ) {
            int cp = s.codePointAt(k);
            if (!isCaseIgnorable(cp)) {
                return !isCased(cp);
            }
            k += Character.charCount(cp);
        }
        return true;
    }

    private static boolean isCased(int cp) {
        return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
    }

    private static boolean isCaseIgnorable(int cp) {
        if (cp == 0x1734) {
            return false; // HANUNOO SIGN PAMUDPOD: a spacing mark since Unicode 14 (Python), Mn in JDK 17
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT
                || type == Character.MODIFIER_LETTER || type == Character.MODIFIER_SYMBOL
                || (cp < 0x10000 && WORD_BREAK_MID.indexOf(cp) >= 0);
    }

    /** Python's lower-case of letters newer than the JDK's Unicode data ({@code python-lower-supplement.tsv}). */
    private static final Map<Integer, String> LOWER_SUPPLEMENT = loadLowerSupplement();

    private static String lowerUnknownToJdk(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            String mapped = Character.getType(cp) == Character.UNASSIGNED ? LOWER_SUPPLEMENT.get(cp) : null;
            if (mapped != null) {
                out.append(mapped);
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    private static Map<Integer, String> loadLowerSupplement() {
        String resource = "python-lower-supplement.tsv";
        Map<Integer, String> map = new HashMap<>();
        try (InputStream in = PythonText.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + resource + " is missing from the classpath next to "
                        + PythonText.class.getName() + "; rebuild the apprentice-core jar.");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                StringBuilder value = new StringBuilder();
                for (String hex : f[1].split(" ")) {
                    value.appendCodePoint(Integer.parseInt(hex, 16));
                }
                map.put(Integer.parseInt(f[0], 16), value.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
        return Map.copyOf(map);
    }
}
