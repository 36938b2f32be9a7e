package apprentice.core.tokenizer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Repairs UTF-8 text that was decoded as Latin-1 or Windows-1252 (mojibake such as
 * {@code cafÃ©} for {@code café}, {@code â€œ…â€\u009d} for {@code “…”}), including text
 * garbled twice. This is our own, narrower stand-in for ftfy's {@code fix_encoding}.
 *
 * <p>Each character is mapped back to the byte it came from (Latin-1 for U+0080–U+00FF,
 * Windows-1252 for €‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ; unassigned Windows-1252 bytes pass through as
 * C1 controls, like ftfy's "sloppy" codec). A <em>run</em> is a maximal stretch of consecutive
 * characters whose bytes form well-formed multi-byte UTF-8 sequences. A run is replaced by its
 * UTF-8 decoding when it is convincing: it holds two or more sequences, or one sequence that is
 * evidence on its own ({@link #isConvincingSequence}). A lone look-alike made of a letter and
 * punctuation that normally follows words, such as {@code É”} in {@code “CAFÉ”} or
 * {@code ë…”} in {@code Brontë…”}, is legitimate text far more often than mojibake, so it is
 * left alone. A line with at least one convincing run ({@link #looksGarbled}) that consists of
 * nothing but ASCII and sequences is re-decoded as a whole, as ftfy does ({@link #decodeWholeLine});
 * otherwise only its convincing runs are. Repeats until nothing changes (double mojibake).
 *
 * <p>A space that stood for byte A0 is restored in {@code Ã }/{@code Â } (see
 * {@link #spaceForNoBreakSpace}) and, in garbled lines, inside sequences
 * ({@link #spaceCanBeA0}). Whole lines of UTF-8 read as Windows-1251 are repaired too
 * ({@link #decodeWindows1251WholeLine}). Not covered, unlike ftfy: Windows-1251 mojibake mixed
 * with other text, the other single-byte encodings it tries (Windows-1250/1253/1254/1257,
 * ISO-8859-2, MacRoman, CP437), lossy sequences with U+FFFD or '?', and CESU-8. ftfy's
 * "badness" heuristic is not ported; the convincing-run rule plays its part (see
 * {@link #looksGarbled}).
 */
final class MojibakeRepair {

    private static final int MAX_ROUNDS = 8;
    private static final String WINDOWS_1252_80_9F =
            "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F"
            + "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    private MojibakeRepair() {
    }

    static String repair(String text) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            String fixed = repairOnce(text);
            if (fixed == text) {
                fixed = decodeWindows1251WholeLine(text);
                if (fixed == null) {
                    return text;
                }
            }
            text = fixed;
        }
        return text;
    }

    /** Windows-1251 character → byte, for bytes 0x80–0xFF (0x98, unassigned, as U+0098). */
    private static final Map<Character, Integer> WINDOWS_1251_BYTES = windows1251Bytes();

    private static Map<Character, Integer> windows1251Bytes() {
        Map<Character, Integer> map = new HashMap<>();
        if (!Charset.isSupported("windows-1251")) {
            return map;
        }
        Charset cs = Charset.forName("windows-1251");
        for (int b = 0x80; b <= 0xFF; b++) {
            String c = new String(new byte[] {(byte) b}, cs);
            map.put(c.length() == 1 && c.charAt(0) != '\uFFFD' ? c.charAt(0) : (char) b, b);
        }
        return map;
    }

    /**
     * UTF-8 read as Windows-1251 (Cyrillic), e.g. {@code РїСЂРёРІРµС‚} for {@code привет}, or
     * {@code вЂ™} for {@code ’}. Only whole lines: every non-ASCII character must map to a
     * Windows-1251 byte, the bytes must be well-formed UTF-8 and hold at least three multi-byte
     * sequences. Real Cyrillic text practically never passes that test, because its letters are
     * lead bytes that are not followed by continuation bytes. Returns null if the line does not
     * qualify.
     */
    static String decodeWindows1251WholeLine(String text) {
        byte[] bytes = new byte[text.length()];
        int leads = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes[i] = (byte) c;
                continue;
            }
            Integer b = WINDOWS_1251_BYTES.get(c);
            if (b == null) {
                return null;
            }
            bytes[i] = (byte) (int) b;
            leads += b >= 0xC2 ? 1 : 0;
        }
        if (leads < 3) {
            return null; // a two-letter fragment such as "РїСЂ" is too little evidence (ftfy agrees)
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The Windows-1252 reading of a C1 control (U+0080–U+009F), as ftfy's fix_c1_controls. */
    static char windows1252ForC1(char c) {
        return WINDOWS_1252_80_9F.charAt(c - 0x80);
    }

    /** The byte a character would have come from in Latin-1 or Windows-1252, or -1. */
    private static int byteOf(char c) {
        if (c <= 0xFF) {
            return c;
        }
        int i = WINDOWS_1252_80_9F.indexOf(c);
        return i < 0 ? -1 : 0x80 + i;
    }

    private static String repairOnce(String text) {
        if (!looksGarbled(text)) {
            return text;
        }
        String wholeLine = decodeWholeLine(text);
        if (wholeLine != null) {
            return wholeLine;
        }
        StringBuilder out = null;
        int copiedUpTo = 0;
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (text.charAt(i) < 0x80) {
                i++;
                continue;
            }
            int spaceFixEnd = spaceForNoBreakSpace(text, i, false);
            if (spaceFixEnd > 0) {
                if (out == null) {
                    out = new StringBuilder(n);
                }
                out.append(text, copiedUpTo, i).append(spaceFixReplacement(text, i, spaceFixEnd));
                copiedUpTo = spaceFixEnd;
                i = spaceFixEnd;
                continue;
            }
            int runEnd = i;
            int sequences = 0;
            boolean convincing = false;
            int plainSequences = 0;
            int len;
            while ((len = sequenceLength(text, runEnd, true)) > 0) {
                boolean hasSpace = text.substring(runEnd, runEnd + len).indexOf(' ') >= 0;
                convincing |= !hasSpace && isConvincingSequence(text, runEnd, len);
                plainSequences += hasSpace ? 0 : 1;
                sequences++;
                runEnd += len;
            }
            if (sequences == 0) {
                i++;
                continue;
            }
            if (isConvincing(convincing, plainSequences) && !followsStrayContinuation(text, i)) {
                if (out == null) {
                    out = new StringBuilder(n);
                }
                out.append(text, copiedUpTo, i).append(decode(text, i, runEnd));
                copiedUpTo = runEnd;
            }
            i = runEnd;
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copiedUpTo, n).toString();
    }

    /**
     * ftfy's main repair: when a garbled line consists of nothing but ASCII and well-formed
     * sequences, the whole line is re-decoded, look-alikes included (as in {@code Ä“ and ×²},
     * where {@code ×²} is the evidence). Returns null when some character does not fit.
     */
    private static String decodeWholeLine(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c < 0x80) {
                out.append(c);
                i++;
                continue;
            }
            int spaceFixEnd = spaceForNoBreakSpace(text, i, false);
            if (spaceFixEnd > 0) {
                out.append(spaceFixReplacement(text, i, spaceFixEnd));
                i = spaceFixEnd;
                continue;
            }
            int len = sequenceLength(text, i, true);
            if (len == 0) {
                return null;
            }
            out.append(decode(text, i, i + len));
            i += len;
        }
        return out.toString();
    }

    /**
     * Whether the character before a run could itself be a continuation byte (U+0080–U+00BF, or
     * a Windows-1252 or Windows-1251 character for 0x80–0xBF such as {@code Š} or {@code Ђ}, but
     * not the quotes, dashes, bullet and ellipsis): then the run is the tail of a larger garble that cannot be decoded,
     * and decoding only the tail would make matters worse, so it is left alone (as ftfy does).
     */
    private static boolean followsStrayContinuation(String text, int runStart) {
        if (runStart == 0) {
            return false;
        }
        char c = text.charAt(runStart - 1);
        if (c >= 0x80 && c <= 0xBF) {
            return true;
        }
        if ("\u2013\u2014\u2018\u2019\u201A\u201C\u201D\u201E\u2022\u2026".indexOf(c) >= 0) {
            return false;
        }
        if (c > 0xFF && byteOf(c) >= 0) {
            return true;
        }
        Integer cyrillic = WINDOWS_1251_BYTES.get(c);
        return cyrillic != null && cyrillic <= 0xBF;
    }

    private static boolean isConvincing(boolean anyConvincingSequence, int sequences) {
        return anyConvincingSequence || sequences >= 2;
    }

    /**
     * Punctuation and signs that legitimately follow a word ({@code Brontë…”}, {@code lá´´},
     * {@code NESTLÉ®}, {@code Ã’s}): as continuation characters they are no evidence of mojibake.
     */
    private static final String FOLLOWS_WORDS =
            " \u00A0\u00A9\u00AE\u00B4\u00B7\u00BB\u2013\u2014\u2018\u2019\u201C\u201D\u2022\u2026\u2122";

    /**
     * For a lone two-character look-alike, also signs seen after a letter in shouted or numeric
     * text ({@code QUEM É¿}, {@code SÉ¡}, {@code 5×£35}, {@code 1ª}).
     */
    private static final String FOLLOWS_WORDS_OR_LETTER = FOLLOWS_WORDS + "\u00A1\u00A3\u00AA\u00BA\u00BF";

    /**
     * Whether one multi-byte sequence alone is evidence of mojibake. {@code Â}/{@code Ã} + any
     * continuation except {@code ’} and {@code …} (the mojibake of U+0080–U+00FF, e.g.
     * {@code Ã©}); any other sequence needs at least one continuation character that does not
     * normally follow a word ({@link #FOLLOWS_WORDS}; for 2-byte sequences
     * {@link #FOLLOWS_WORDS_OR_LETTER}), such as a C1 control, {@code €‚ƒ„†‡ˆ‰Š‹ŒŽ˜š›œžŸ} or
     * {@code ¢¤¥¦§¨«¬­¯°±²³µ¶¸¹¼½¾} (and {@code ¡ª¿º} in 3- and 4-byte sequences, as in the
     * Vietnamese {@code áº¿} for {@code ế}). A space standing for byte A0 is no evidence either.
     */
    private static boolean isConvincingSequence(String text, int start, int length) {
        int lead = byteOf(text.charAt(start));
        if (length == 2 && (lead == 0xC2 || lead == 0xC3)) {
            char c = text.charAt(start + 1);
            return c != '\u2019' && c != '\u2026';
        }
        String weak = length == 2 ? FOLLOWS_WORDS_OR_LETTER : FOLLOWS_WORDS;
        for (int k = 1; k < length; k++) {
            if (weak.indexOf(text.charAt(start + k)) < 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the line holds at least one convincing run or a {@code Ã}/{@code Â} + space pair in
     * a mojibake context. Like ftfy, which re-decodes a whole line once its heuristic finds it
     * bad, every {@code Ã}/{@code Â} + space pair of such a line is then repaired, whatever
     * precedes it.
     */
    private static boolean looksGarbled(String text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            if (text.charAt(i) < 0x80) {
                continue;
            }
            if (spaceForNoBreakSpace(text, i, true) > 0) {
                return true;
            }
            int runEnd = i;
            int sequences = 0;
            boolean anyConvincing = false;
            int len;
            while ((len = sequenceLength(text, runEnd, false)) > 0) {
                anyConvincing |= isConvincingSequence(text, runEnd, len);
                sequences++;
                runEnd += len;
            }
            if (sequences > 0 && isConvincing(anyConvincing, sequences)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Mojibake whose byte A0 (no-break space) was turned into an ordinary space: {@code Ã} +
     * space for {@code à} (the space usually also separated words, so it is kept, except before
     * another space or the Portuguese contractions {@code às}, {@code àquele}, {@code àquela},
     * {@code àquilo}) and {@code Â} + space for a no-break space. Only where such a pair follows
     * a lower-case ASCII letter (optionally with one space between) or starts the line, the
     * contexts in which ftfy deems it mojibake, so an upper-case word ending in {@code Ã} (as in
     * Portuguese {@code IRMÃ}) is left alone — unless the line shows other mojibake
     * ({@code requireContext} false). Returns the end of the pair, or 0.
     */
    private static int spaceForNoBreakSpace(String text, int i, boolean requireContext) {
        char c = text.charAt(i);
        if ((c != '\u00C3' && c != '\u00C2') || i + 1 >= text.length() || text.charAt(i + 1) != ' ') {
            return 0;
        }
        boolean context = !requireContext || i == 0 || isAsciiLower(text.charAt(i - 1))
                || (i >= 2 && PythonText.isRegexSpace(text.charAt(i - 1)) && isAsciiLower(text.charAt(i - 2)));
        return context ? i + 2 : 0;
    }

    private static boolean isAsciiLower(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static String spaceFixReplacement(String text, int i, int end) {
        if (text.charAt(i) == '\u00C2') {
            return "\u00A0";
        }
        String rest = text.substring(end);
        boolean joined = rest.startsWith(" ") || rest.startsWith("quele") || rest.startsWith("quela")
                || rest.startsWith("quilo") || rest.startsWith("s ");
        return joined ? "\u00E0" : "\u00E0 ";
    }

    /** Length in characters of a well-formed multi-byte UTF-8 sequence starting at i, or 0. */
    private static int sequenceLength(String text, int i, boolean spaceMayBeA0) {
        if (i >= text.length()) {
            return 0;
        }
        int lead = byteOf(text.charAt(i));
        int continuation;
        int secondMin = 0x80;
        int secondMax = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            continuation = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            continuation = 2;
            if (lead == 0xE0) {
                secondMin = 0xA0; // shorter forms are overlong
            } else if (lead == 0xED) {
                secondMax = 0x9F; // above would be surrogates
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            continuation = 3;
            if (lead == 0xF0) {
                secondMin = 0x90;
            } else if (lead == 0xF4) {
                secondMax = 0x8F; // beyond U+10FFFF
            }
        } else {
            return 0;
        }
        if (i + continuation >= text.length()) {
            return 0;
        }
        int spaces = 0;
        for (int k = 1; k <= continuation; k++) {
            char c = text.charAt(i + k);
            int b = byteOf(c);
            if (c == ' ' && spaceMayBeA0 && spaces == 0 && spaceCanBeA0(text, i, lead, k, continuation)) {
                b = 0xA0;
                spaces++;
            }
            int min = k == 1 ? secondMin : 0x80;
            int max = k == 1 ? secondMax : 0xBF;
            if (b < min || b > max) {
                return 0;
            }
        }
        return continuation + 1;
    }

    /**
     * In a line that already looks garbled, whether the space at {@code lead + k} may be a byte A0
     * that some program turned into a space. As in ftfy, only where the result is a likely
     * character: after the 2-byte leads of U+00A0, U+00E0, U+0160, U+03A0, U+0420, U+0660
     * (bytes C2 C3 C5 CE D0 D9); last in a 3-byte sequence led by E0–E3, or second if led by E2/E3,
     * when the other continuation byte is not 85 or A0; one of the three continuations after F0.
     */
    private static boolean spaceCanBeA0(String text, int i, int lead, int k, int continuation) {
        if (continuation == 1) {
            return lead == 0xC2 || lead == 0xC3 || lead == 0xC5 || lead == 0xCE || lead == 0xD0 || lead == 0xD9;
        }
        if (continuation == 2) {
            int other = byteOf(text.charAt(i + (k == 1 ? 2 : 1)));
            boolean plausibleOther = other >= 0x80 && other <= 0xBF && other != 0x85 && other != 0xA0;
            return plausibleOther && (k == 2 ? lead >= 0xE0 && lead <= 0xE3 : lead == 0xE2 || lead == 0xE3);
        }
        return lead == 0xF0;
    }

    private static String decode(String text, int from, int to) {
        byte[] bytes = new byte[to - from];
        for (int k = from; k < to; k++) {
            char c = text.charAt(k);
            // inside a recognised sequence a space can only stand for byte A0
            bytes[k - from] = (byte) (c == ' ' ? 0xA0 : byteOf(c));
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
