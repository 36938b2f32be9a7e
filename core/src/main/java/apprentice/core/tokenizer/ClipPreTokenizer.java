package apprentice.core.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's pre-tokenizing regex: the two special-token strings, English contractions, runs of
 * letters, single digits, and runs of anything else that is neither space, letter nor digit.
 * The reference compiles it with IGNORECASE; on lower-cased text that only matters for the
 * literal alternatives (e.g. {@code 'ſ} matches {@code 's}), so the flag is scoped to them —
 * Java's case-insensitive matching of property classes differs from the {@code regex}
 * module's. {@code \s} is the {@code regex} module's Unicode White_Space set.
 *
 * <p>One character is affected by IGNORECASE in the reference: U+0345 COMBINING GREEK
 * YPOGEGRAMMENI (a mark that case-folds to the letter ι) is matched by neither the letter class
 * nor the negated class there, so the reference silently drops it; the negated class here
 * excludes it too. (Found by scanning every code point with the {@code regex} module: no other
 * character matches differently with and without IGNORECASE.)
 */
final class ClipPreTokenizer {

    static final Pattern PATTERN = Pattern.compile(
            "(?iu:<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d)"
                    + "|\\p{L}+|\\p{N}|[^" + PythonText.REGEX_SPACE_CLASS + "\\p{L}\\p{N}\\u0345]+");

    private ClipPreTokenizer() {
    }

    static List<String> split(String cleaned) {
        List<String> pieces = new ArrayList<>();
        Matcher m = PATTERN.matcher(cleaned);
        while (m.find()) {
            pieces.add(m.group());
        }
        return pieces;
    }
}
