package apprentice.core.tokenizer;

import java.util.Map;

/**
 * Python's {@code html.unescape}, rule for rule, because the reference tokenizer applies it
 * (twice) to every prompt:
 * <ul>
 * <li>numeric references {@code &#NNN;} / {@code &#xHHH;} with the semicolon optional; the
 * HTML5 replacement table for 0x00, 0x0D and 0x80–0x9F (Windows-1252); U+FFFD for surrogates
 * and values above U+10FFFF; nothing at all for the code points HTML5 calls invalid (most C0/C1
 * controls, U+FDD0–U+FDEF, the last two code points of every plane);</li>
 * <li>named references: up to 32 characters other than tab, LF, FF, space, {@code <}, {@code &},
 * {@code #}, {@code ;}, then an optional {@code ;}. An exact name wins; otherwise the longest
 * prefix (at least 2 characters) that is a legacy name without semicolon, as in
 * {@code &copy2024} → {@code ©2024}; otherwise the text stays as it was.</li>
 * </ul>
 */
final class PythonHtmlUnescaper {

    private static final int MAX_NAME_CODE_POINTS = 32;

    private PythonHtmlUnescaper() {
    }

    static String unescape(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        out.append(s, 0, amp);
        int i = amp;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c != '&') {
                out.append(c);
                i++;
                continue;
            }
            int end = i + 1 < n && s.charAt(i + 1) == '#' ? numericEnd(s, i + 1) : namedEnd(s, i + 1);
            if (end < 0) {
                out.append('&');
                i++;
                continue;
            }
            String ref = s.substring(i + 1, end);
            out.append(ref.charAt(0) == '#' ? numeric(ref) : named(ref));
            i = end;
        }
        return out.toString();
    }

    /** End of {@code #[0-9]+;?} or {@code #[xX][0-9a-fA-F]+;?} starting at {@code hash}, or -1. */
    private static int numericEnd(String s, int hash) {
        int n = s.length();
        int k = hash + 1;
        int digits = k;
        while (digits < n && isAsciiDigit(s.charAt(digits))) {
            digits++;
        }
        if (digits > k) {
            return digits < n && s.charAt(digits) == ';' ? digits + 1 : digits;
        }
        if (k < n && (s.charAt(k) == 'x' || s.charAt(k) == 'X')) {
            int h = k + 1;
            while (h < n && Character.digit(s.charAt(h), 16) >= 0 && s.charAt(h) < 128) {
                h++;
            }
            if (h > k + 1) {
                return h < n && s.charAt(h) == ';' ? h + 1 : h;
            }
        }
        return -1;
    }

    /** End of {@code [^\t\n\f <&#;]{1,32};?} starting at {@code start}, or -1. */
    private static int namedEnd(String s, int start) {
        int n = s.length();
        int k = start;
        int count = 0;
        while (k < n && count < MAX_NAME_CODE_POINTS) {
            int cp = s.codePointAt(k);
            if (cp == '\t' || cp == '\n' || cp == '\f' || cp == ' ' || cp == '<' || cp == '&' || cp == '#'
                    || cp == ';') {
                break;
            }
            k += Character.charCount(cp);
            count++;
        }
        if (count == 0) {
            return -1;
        }
        return k < n && s.charAt(k) == ';' ? k + 1 : k;
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String numeric(String ref) {
        boolean hex = ref.length() > 1 && (ref.charAt(1) == 'x' || ref.charAt(1) == 'X');
        String digits = ref.substring(hex ? 2 : 1);
        if (digits.endsWith(";")) {
            digits = digits.substring(0, digits.length() - 1);
        }
        int firstSignificant = 0;
        while (firstSignificant < digits.length() - 1 && digits.charAt(firstSignificant) == '0') {
            firstSignificant++;
        }
        digits = digits.substring(firstSignificant);
        // Anything over 8 significant digits is beyond U+10FFFF in either base.
        long num = digits.length() > 8 ? Long.MAX_VALUE : Long.parseLong(digits, hex ? 16 : 10);
        String special = invalidCharref(num);
        if (special != null) {
            return special;
        }
        if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) {
            return "\uFFFD";
        }
        if (isInvalidCodePoint((int) num)) {
            return "";
        }
        return new String(Character.toChars((int) num));
    }

    private static final String WINDOWS_1252_80_9F =
            "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F"
            + "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    /** HTML5's replacements for the numeric references it treats as parse errors. */
    private static String invalidCharref(long num) {
        if (num == 0) {
            return "\uFFFD";
        }
        if (num == 0x0D) {
            return "\r";
        }
        if (num >= 0x80 && num <= 0x9F) {
            return String.valueOf(WINDOWS_1252_80_9F.charAt((int) num - 0x80));
        }
        return null;
    }

    private static boolean isInvalidCodePoint(int cp) {
        return (cp >= 0x1 && cp <= 0x8) || cp == 0xB || (cp >= 0xE && cp <= 0x1F) || (cp >= 0x7F && cp <= 0x9F)
                || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
    }

    private static String named(String ref) {
        Map<String, String> table = HtmlEntityTable.all();
        String exact = table.get(ref);
        if (exact != null) {
            return exact;
        }
        int codePoints = ref.codePointCount(0, ref.length());
        for (int x = codePoints - 1; x > 1; x--) {
            int cut = ref.offsetByCodePoints(0, x);
            String value = table.get(ref.substring(0, cut));
            if (value != null) {
                return value + ref.substring(cut);
            }
        }
        return "&" + ref;
    }
}
