package apprentice.core.tokenizer;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of ftfy 6.3 {@code fix_text} (default settings) that the CLIP reference tokenizer
 * depends on, re-implemented from ftfy's documented behaviour:
 * <ol>
 * <li>The text is fixed line by line (segments end after each {@code \n}). HTML entities are
 * decoded only while no segment so far contained {@code <} (ftfy's {@code unescape_html="auto"}).</li>
 * <li>Each segment runs this sequence of fixes until it no longer changes: HTML entities ending in
 * {@code ;} (HTML5 names, upper-cased variants of lower-case names such as {@code &EACUTE;},
 * numeric references); mojibake ({@link MojibakeRepair}); C1 controls read as Windows-1252;
 * Latin ligatures and digraphs ({@code ﬁ}→{@code fi}, {@code Ĳ}→{@code IJ}); full-/half-width
 * forms and U+3000 → their normal width; curly quotes → straight; CRLF, CR, U+2028, U+2029,
 * U+0085 → LF; unpaired surrogates → U+FFFD; ANSI terminal escapes removed; control characters
 * and the BOM removed; NFC.</li>
 * </ol>
 */
final class TextFixer {

    private static final Pattern FTFY_ENTITY = Pattern.compile("&#?[0-9A-Za-z]{1,24};");
    private static final Pattern TERMINAL_ESCAPE = Pattern.compile("\u001B\\[[\\p{Nd};]*[a-zA-Z]");
    private static final Map<String, String> ENTITIES = buildEntities();
    private static final String[] WIDTH = buildWidthMap();
    private static final Map<Character, String> LIGATURES = Map.ofEntries(
            Map.entry('\u0132', "IJ"), Map.entry('\u0133', "ij"), Map.entry('\u0149', "\u02BCn"),
            Map.entry('\u01F1', "DZ"), Map.entry('\u01F2', "Dz"), Map.entry('\u01F3', "dz"),
            Map.entry('\u01C4', "D\u017D"), Map.entry('\u01C5', "D\u017E"), Map.entry('\u01C6', "d\u017E"),
            Map.entry('\u01C7', "LJ"), Map.entry('\u01C8', "Lj"), Map.entry('\u01C9', "lj"),
            Map.entry('\u01CA', "NJ"), Map.entry('\u01CB', "Nj"), Map.entry('\u01CC', "nj"),
            Map.entry('\uFB00', "ff"), Map.entry('\uFB01', "fi"), Map.entry('\uFB02', "fl"),
            Map.entry('\uFB03', "ffi"), Map.entry('\uFB04', "ffl"), Map.entry('\uFB05', "\u017Ft"),
            Map.entry('\uFB06', "st"));

    private TextFixer() {
    }

    static String fixText(String text) {
        if (isPlainAscii(text)) {
            return text; // no fix applies to printable ASCII without '&', ESC, CR or control chars
        }
        StringBuilder out = new StringBuilder(text.length());
        boolean unescapeHtml = true;
        int pos = 0;
        while (pos < text.length()) {
            int lineEnd = text.indexOf('\n', pos);
            int end = lineEnd < 0 ? text.length() : lineEnd + 1;
            String segment = text.substring(pos, end);
            if (segment.indexOf('<') >= 0) {
                unescapeHtml = false;
            }
            out.append(fixSegment(segment, unescapeHtml));
            pos = end;
        }
        return out.toString();
    }

    private static boolean isPlainAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '&') {
                return false;
            }
        }
        return true;
    }

    private static String fixSegment(String text, boolean unescapeHtml) {
        while (true) {
            String original = text;
            if (unescapeHtml) {
                text = unescapeEntities(text);
            }
            text = MojibakeRepair.repair(text);
            text = fixC1Controls(text);
            text = translate(text, TextFixer::ligature);
            text = translate(text, TextFixer::normalWidth);
            text = uncurlQuotes(text);
            text = fixLineBreaks(text);
            text = fixSurrogates(text);
            text = TERMINAL_ESCAPE.matcher(text).replaceAll("");
            text = removeControlChars(text);
            if (!Normalizer.isNormalized(text, Normalizer.Form.NFC)) {
                text = Normalizer.normalize(text, Normalizer.Form.NFC);
            }
            if (text.equals(original)) {
                return text;
            }
        }
    }

    /** ftfy's entity decoding: only complete references ending in ';'. */
    static String unescapeEntities(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        Matcher m = FTFY_ENTITY.matcher(text);
        return m.replaceAll(r -> Matcher.quoteReplacement(decodeEntity(r.group())));
    }

    private static String decodeEntity(String reference) {
        String named = ENTITIES.get(reference);
        if (named != null) {
            return named;
        }
        if (reference.startsWith("&#")) {
            String decoded = PythonHtmlUnescaper.unescape(reference);
            return decoded.indexOf(';') >= 0 ? reference : decoded;
        }
        return reference;
    }

    /**
     * {@code &name;} for every HTML5 name ending in ';', plus {@code &NAME;} for lower-case names
     * whose upper-cased form is not itself a reference, decoding to the upper-cased text
     * ({@code &EACUTE;} → É), as ftfy does for text that went through an upper-casing database.
     */
    private static Map<String, String> buildEntities() {
        Map<String, String> map = new HashMap<>(4096);
        for (Map.Entry<String, String> e : HtmlEntityTable.all().entrySet()) {
            String name = e.getKey();
            if (!name.endsWith(";")) {
                continue;
            }
            map.put("&" + name, e.getValue());
            if (name.equals(name.toLowerCase(Locale.ROOT))) {
                String upper = "&" + name.toUpperCase(Locale.ROOT);
                if (PythonHtmlUnescaper.unescape(upper).equals(upper)) {
                    map.putIfAbsent(upper, e.getValue().toUpperCase(Locale.ROOT));
                }
            }
        }
        return Map.copyOf(map);
    }

    private static String[] buildWidthMap() {
        String[] map = new String[0xFFF0 - 0xFF00];
        for (int c = 0xFF01; c < 0xFFF0; c++) {
            String s = String.valueOf((char) c);
            String nfkc = Normalizer.normalize(s, Normalizer.Form.NFKC);
            if (!nfkc.equals(s)) {
                map[c - 0xFF00] = nfkc;
            }
        }
        return map;
    }

    private static String ligature(char c) {
        return c >= 0x0132 && c <= 0xFB06 ? LIGATURES.get(c) : null;
    }

    private static String normalWidth(char c) {
        if (c == '\u3000') {
            return " ";
        }
        return c >= 0xFF01 && c < 0xFFF0 ? WIDTH[c - 0xFF00] : null;
    }

    private interface CharMapping {
        /** Replacement for c, or null to keep it. */
        String map(char c);
    }

    private static String translate(String text, CharMapping mapping) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = c < 0x80 ? null : mapping.map(c);
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    private static String fixC1Controls(String text) {
        return translate(text, c -> c >= 0x80 && c <= 0x9F
                ? String.valueOf(MojibakeRepair.windows1252ForC1(c)) : null);
    }

    private static String uncurlQuotes(String text) {
        return translate(text, c -> {
            if (c == '\u02BC' || (c >= '\u2018' && c <= '\u201B')) {
                return "'";
            }
            return c >= '\u201C' && c <= '\u201F' ? "\"" : null;
        });
    }

    private static String fixLineBreaks(String text) {
        if (text.indexOf('\r') < 0 && text.indexOf('\u2028') < 0 && text.indexOf('\u2029') < 0
                && text.indexOf('\u0085') < 0) {
            return text;
        }
        return text.replace("\r\n", "\n").replace('\r', '\n').replace('\u2028', '\n').replace('\u2029', '\n')
                .replace('\u0085', '\n');
    }

    private static String fixSurrogates(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
                continue;
            }
            boolean lone = Character.isSurrogate(c);
            if (lone && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null) {
                out.append(lone ? '\uFFFD' : c);
            }
        }
        return out == null ? text : out.toString();
    }

    private static boolean isUnwantedControl(char c) {
        return (c <= 0x08) || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F || (c >= 0x206A && c <= 0x206F)
                || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
    }

    private static String removeControlChars(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean drop = isUnwantedControl(c);
            if (drop && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null && !drop) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }
}
