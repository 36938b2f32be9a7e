package apprentice.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Clean-up rules beyond the golden rows. Expected values were produced with CPython 3.11
 * {@code html.unescape} and ftfy 6.3.1 {@code fix_text}.
 */
class TextCleanupTest {

    @Test
    void pythonHtmlUnescape() {
        String[][] cases = {
            {"&copy2024", "\u00A92024"}, {"&#0;", "\uFFFD"}, {"&#x80;", "\u20AC"}, {"&#1;", ""},
            {"&#xD800;", "\uFFFD"}, {"&#99999999999;", "\uFFFD"}, {"&notit;", "\u00ACit;"}, {"&amp", "&"},
            {"&AMP;", "&"}, {"&Amp;", "&Amp;"}, {"&#65", "A"}, {"&#x41;b", "Ab"}, {"&#X41;", "A"},
            {"&#;", "&#;"}, {"&#x;", "&#x;"}, {"&ampx", "&x"}, {"&lt;&gt;", "<>"}, {"a & b", "a & b"},
            {"&;", "&;"}, {"&#0000000065;", "A"}, {"&#x110000;", "\uFFFD"}, {"&#xFFFE;", ""},
            {"&#13;", "\r"}, {"&#x9d;", "\u009D"}, {"&" + "a".repeat(40) + ";", "&" + "a".repeat(40) + ";"},
            {"&nbsp", "\u00A0"}, {"&NotEqualTilde;", "\u2242\u0338"}, {"&fjlig;", "fj"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], PythonHtmlUnescaper.unescape(c[0]), c[0]);
        }
    }

    @Test
    void ftfyEntityRules() {
        // only complete references with ';', upper-cased names of lower-case entities too
        assertEquals("P\u00C9REZ \u00D1 &nTILDE; &amp", TextFixer.unescapeEntities("P&EACUTE;REZ &NTILDE; &nTILDE; &amp"));
        assertEquals("BUNDESSTRASSE", TextFixer.fixText("BUNDESSTRA&SZLIG;E"));
        assertEquals("&#59;", TextFixer.unescapeEntities("&#59;"), "a reference decoding to ';' is kept");
        assertEquals("this&not that", TextFixer.fixText("this&not that"));
        assertEquals("<b>&amp;</b>", TextFixer.fixText("<b>&amp;</b>"), "no entity decoding once '<' was seen");
        assertEquals("&\n<\n&amp;", TextFixer.fixText("&amp;\n<\n&amp;"), "decided line by line, sticky");
    }

    @Test
    void mojibakeRepair() {
        assertEquals("caf\u00E9", TextFixer.fixText("caf\u00C3\u00A9"));
        assertEquals("\u201CCAF\u00C9\u201D".replace('\u201C', '"').replace('\u201D', '"'),
                TextFixer.fixText("\u201CCAF\u00C9\u201D"), "a lone 2-byte look-alike is legitimate text");
        assertEquals("\u00A1S\u00ED! \u00C5land \u00C9COLE", TextFixer.fixText("\u00A1S\u00ED! \u00C5land \u00C9COLE"));
        assertEquals("\u043F\u0440\u0438\u0432\u0435\u0442",
                TextFixer.fixText("\u00D0\u00BF\u00D1\u20AC\u00D0\u00B8\u00D0\u00B2\u00D0\u00B5\u00D1\u201A"));
    }

    @Test
    void characterFixes() {
        assertEquals("LOUD NOISES", TextFixer.fixText("\uFF2C\uFF2F\uFF35\uFF24\u3000\uFF2E\uFF2F\uFF29\uFF33\uFF25\uFF33"));
        assertEquals("U\u30BF\u30FC\u30F3", TextFixer.fixText("\uFF35\uFF80\uFF70\uFF9D"));
        assertEquals("fluffiest", TextFixer.fixText("\uFB02u\uFB03e\uFB06"));
        assertEquals("\"here's a test\"", TextFixer.fixText("\u201Chere\u2019s a test\u201D"));
        assertEquals("a\nb\nc\nd\ne", TextFixer.fixText("a\r\nb\rc\u2028d\u2029e"));
        assertEquals("I'm blue", TextFixer.fixText("\u001B[36;44mI'm blue\u001B[0m"));
        assertEquals("abc", TextFixer.fixText("\uFEFFa\u0000b\u007Fc"));
        assertEquals("x\u2026y", TextFixer.fixText("x\u0085y"), "C1 controls are read as Windows-1252 first");
        assertEquals("\uFFFDa", TextFixer.fixText("\uD800a"));
    }

    @Test
    void pythonWhitespaceAndCase() {
        assertEquals("a b", ClipTextCleaner.clean("\u00A0 A\u2003\u3000B\u205F"));
        assertEquals("zero\u200Bwidth", ClipTextCleaner.clean("ZERO\u200BWIDTH"));
        assertEquals("i\u0307stanbul \u03BF\u03B4\u03BF\u03C2", ClipTextCleaner.clean("\u0130STANBUL \u039F\u0394\u039F\u03A3"));
    }

    @Test
    void pythonUtf8Replacement() {
        // expected values from CPython 3.11: bytes.decode('utf-8', 'replace')
        String[][] cases = {
            {"e381", "\uFFFD"}, {"f09f98", "\uFFFD"}, {"8080", "\uFFFD\uFFFD"}, {"c3", "\uFFFD"},
            {"e38141", "\uFFFDA"}, {"eda080", "\uFFFD\uFFFD\uFFFD"}, {"f4908080", "\uFFFD\uFFFD\uFFFD\uFFFD"},
            {"c0af", "\uFFFD\uFFFD"}, {"61f09f62", "a\uFFFDb"}, {"f09f9880", "\uD83D\uDE00"}, {"c3a9", "\u00E9"},
        };
        for (String[] c : cases) {
            byte[] b = new byte[c[0].length() / 2];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) Integer.parseInt(c[0].substring(2 * i, 2 * i + 2), 16);
            }
            assertEquals(c[1], PythonUtf8.decodeReplacing(b), c[0]);
        }
    }
}
