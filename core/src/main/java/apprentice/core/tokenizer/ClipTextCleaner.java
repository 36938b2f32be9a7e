package apprentice.core.tokenizer;

/**
 * Everything the reference {@code SimpleTokenizer.encode} does to a prompt before the
 * pre-tokenizing regex: ftfy's {@code fix_text} ({@link TextFixer}), Python's
 * {@code html.unescape} twice, {@code strip}, collapse of whitespace runs to one space,
 * {@code strip}, lower-casing.
 */
final class ClipTextCleaner {

    private ClipTextCleaner() {
    }

    static String clean(String text) {
        String s = TextFixer.fixText(text);
        s = PythonHtmlUnescaper.unescape(PythonHtmlUnescaper.unescape(s));
        s = PythonText.strip(s);
        s = PythonText.collapseWhitespace(s);
        s = PythonText.strip(s);
        return PythonText.lower(s);
    }
}
