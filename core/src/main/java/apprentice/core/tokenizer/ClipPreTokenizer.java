package apprentice.core.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's pre-tokenizing regex, applied to cleaned text:
 * <pre>{@code <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+}</pre>
 * with IGNORECASE: the two special-token strings, English contractions, runs of letters, single
 * digits, and runs of anything that is neither space, letter nor digit.
 *
 * <p>{@link #split} is a hand-written scanner equivalent to {@link #PATTERN} (a test checks
 * this for text the JDK's Unicode data covers); it is several times faster than
 * {@code java.util.regex} on this alternation. Notes on the equivalence with the reference's
 * {@code regex} module:
 * <ul>
 * <li>{@code \p{L}} and {@code \p{N}} come from the reference module's own tables
 * ({@link ReferenceCharClasses}, Unicode 15.0), not from the JDK's.</li>
 * <li>{@code \s} is the Unicode White_Space set ({@link PythonText#isRegexSpace}).</li>
 * <li>On lower-cased text IGNORECASE only matters for the literal alternatives (e.g. {@code 'ſ}
 * matches {@code 's}); they are compared with Java's Unicode case-insensitive rule.</li>
 * <li>One character is affected by IGNORECASE in the class alternatives: U+0345 COMBINING
 * GREEK YPOGEGRAMMENI (a mark that case-folds to the letter ι) is matched by neither the letter
 * class nor the negated class in the reference, which therefore silently drops it; so do we.
 * (Found by testing every code point with the {@code regex} module: no other character matches
 * differently with and without IGNORECASE.)</li>
 * </ul>
 */
final class ClipPreTokenizer {

    private static final char YPOGEGRAMMENI = '\u0345';
    private static final String[] SPECIAL_TOKENS = {ClipVocabulary.START_OF_TEXT, ClipVocabulary.END_OF_TEXT};
    private static final String[] CONTRACTIONS = {"'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};

    /** The same rules as a {@code java.util.regex} pattern (reference for tests). */
    static final Pattern PATTERN = Pattern.compile(
            "(?iu:<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d)"
                    + "|\\p{L}+|\\p{N}|[^" + PythonText.REGEX_SPACE_CLASS + "\\p{L}\\p{N}\\u0345]+");

    private ClipPreTokenizer() {
    }

    static List<String> split(String cleaned) {
        List<String> pieces = new ArrayList<>();
        int n = cleaned.length();
        int i = 0;
        while (i < n) {
            int cp = cleaned.codePointAt(i);
            if (cp == YPOGEGRAMMENI || (cp <= 0xFFFF && PythonText.isRegexSpace((char) cp))) {
                i += Character.charCount(cp);
                continue;
            }
            int end = literalEnd(cleaned, i);
            if (end < 0) {
                if (ReferenceCharClasses.isLetter(cp)) {
                    end = runEnd(cleaned, i, ClipPreTokenizer::isLetterCodePoint);
                } else if (isNumber(cp)) {
                    end = i + Character.charCount(cp);
                } else {
                    end = runEnd(cleaned, i, ClipPreTokenizer::isOther);
                }
            }
            pieces.add(cleaned.substring(i, end));
            i = end;
        }
        return pieces;
    }

    /** End of a special token or contraction starting at i (first alternative wins), or -1. */
    private static int literalEnd(String s, int i) {
        char c = s.charAt(i);
        if (c == '<') {
            for (String special : SPECIAL_TOKENS) {
                if (matchesIgnoringCase(s, i, special)) {
                    return i + special.length();
                }
            }
        } else if (c == '\'') {
            for (String contraction : CONTRACTIONS) {
                if (matchesIgnoringCase(s, i, contraction)) {
                    return i + contraction.length();
                }
            }
        }
        return -1;
    }

    /** Java's UNICODE_CASE rule for single characters: equal after upper- then lower-casing. */
    private static boolean matchesIgnoringCase(String s, int i, String literal) {
        if (i + literal.length() > s.length()) {
            return false;
        }
        for (int k = 0; k < literal.length(); k++) {
            char a = s.charAt(i + k);
            char b = literal.charAt(k);
            if (a != b && Character.toLowerCase(Character.toUpperCase(a)) != b) {
                return false;
            }
        }
        return true;
    }

    private interface CodePointClass {
        boolean contains(int cp);
    }

    private static int runEnd(String s, int start, CodePointClass cls) {
        int i = start;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (!cls.contains(cp)) {
                break;
            }
            i += Character.charCount(cp);
        }
        return i;
    }

    private static boolean isLetterCodePoint(int cp) {
        return ReferenceCharClasses.isLetter(cp);
    }

    private static boolean isNumber(int cp) {
        return ReferenceCharClasses.isNumber(cp);
    }

    private static boolean isOther(int cp) {
        return cp != YPOGEGRAMMENI && !(cp <= 0xFFFF && PythonText.isRegexSpace((char) cp))
                && !ReferenceCharClasses.isLetter(cp) && !ReferenceCharClasses.isNumber(cp);
    }

    /** {@link #PATTERN}'s matches, for tests. */
    static List<String> splitWithRegex(String cleaned) {
        List<String> pieces = new ArrayList<>();
        Matcher m = PATTERN.matcher(cleaned);
        while (m.find()) {
            pieces.add(m.group());
        }
        return pieces;
    }
}
