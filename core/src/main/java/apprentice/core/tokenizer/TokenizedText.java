package apprentice.core.tokenizer;

import java.util.Arrays;

/**
 * A prompt ready for a text encoder.
 *
 * @param ids exactly {@code maxLength} ids: start token, the prompt's tokens, end token; if that
 *     is too long it is cut to {@code maxLength} keeping the end token last; if shorter it is
 *     padded with the pad id
 * @param tokenCount start + prompt tokens + end before truncation
 * @param truncated whether {@code tokenCount > maxLength}, i.e. prompt tokens were dropped
 */
public record TokenizedText(int[] ids, int tokenCount, boolean truncated) {

    public TokenizedText {
        ids = ids.clone();
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenizedText t && tokenCount == t.tokenCount && truncated == t.truncated
                && Arrays.equals(ids, t.ids);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + tokenCount;
    }

    @Override
    public String toString() {
        return "TokenizedText[ids=" + Arrays.toString(ids) + ", tokenCount=" + tokenCount + ", truncated="
                + truncated + "]";
    }
}
