package apprentice.core.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * Repairs UTF-8 text that was decoded as Latin-1 or Windows-1252 (mojibake such as
 * {@code cafÃ©} for {@code café}, {@code â€œ…â€\u009d} for {@code “…”}), including text
 * garbled twice. This is our own, narrower stand-in for ftfy's {@code fix_encoding}.
 *
 * <p>Each character is mapped back to the byte it came from (Latin-1 for U+0080–U+00FF,
 * Windows-1252 for €‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ; unassigned Windows-1252 bytes pass through as
 * C1 controls, like ftfy's "sloppy" codec). A <em>run</em> is a maximal stretch of consecutive
 * characters whose bytes form well-formed multi-byte UTF-8 sequences. A run is replaced by its
 * UTF-8 decoding when it is convincing: it holds two or more sequences, or a 3- or 4-byte
 * sequence, or a 2-byte sequence led by {@code Â}/{@code Ã} (the mojibake of U+0080–U+00FF).
 * A lone 2-byte sequence such as {@code É”} (in {@code “CAFÉ”}) is legitimate text far more
 * often than mojibake, so it is left alone. Repeats until nothing changes (double mojibake).
 *
 * <p>Not covered, unlike ftfy: the other single-byte encodings it tries (Windows-1250/1251/
 * 1253/1254/1257, ISO-8859-2, MacRoman, CP437), a space standing for byte A0, lossy sequences
 * with U+FFFD, and CESU-8. ftfy's own "badness" heuristic is not ported; the convincing-run
 * rule above plays its part.
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
                return text;
            }
            text = fixed;
        }
        return text;
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
        StringBuilder out = null;
        int copiedUpTo = 0;
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (text.charAt(i) < 0x80) {
                i++;
                continue;
            }
            int runEnd = i;
            int sequences = 0;
            boolean convincing = false;
            int len;
            while ((len = sequenceLength(text, runEnd)) > 0) {
                int lead = byteOf(text.charAt(runEnd));
                convincing |= len >= 3 || lead == 0xC2 || lead == 0xC3;
                sequences++;
                runEnd += len;
            }
            if (sequences == 0) {
                i++;
                continue;
            }
            if (convincing || sequences >= 2) {
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

    /** Length in characters of a well-formed multi-byte UTF-8 sequence starting at i, or 0. */
    private static int sequenceLength(String text, int i) {
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
        for (int k = 1; k <= continuation; k++) {
            int b = byteOf(text.charAt(i + k));
            int min = k == 1 ? secondMin : 0x80;
            int max = k == 1 ? secondMax : 0xBF;
            if (b < min || b > max) {
                return 0;
            }
        }
        return continuation + 1;
    }

    private static String decode(String text, int from, int to) {
        byte[] bytes = new byte[to - from];
        for (int k = from; k < to; k++) {
            bytes[k - from] = (byte) byteOf(text.charAt(k));
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
