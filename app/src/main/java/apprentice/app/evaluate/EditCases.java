package apprentice.app.evaluate;

import apprentice.app.BadInputException;
import apprentice.core.eval.ValidationSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The default prompt set and the edit cases, from the family's held-out validation set. */
final class EditCases {
    private EditCases() {
    }

    /**
     * The English and the Japanese CLDR label of each held-out emoji, alternating (emoji in atlas order, each once
     * whatever its vendors), so any first N prompts hold both languages about equally.
     */
    static List<String> validationCaptions(ValidationSet v) {
        Map<String, ValidationSet.Entry> byEmoji = new LinkedHashMap<>();
        for (ValidationSet.Entry e : v.entries()) {
            byEmoji.putIfAbsent(e.unified(), e);
        }
        List<String> out = new ArrayList<>();
        for (ValidationSet.Entry e : byEmoji.values()) {
            out.add(e.label());
            if (e.labelJa() != null && !e.labelJa().isBlank()) {
                out.add(e.labelJa());
            }
        }
        return out;
    }

    /**
     * Edit case i: validation image i (atlas order) with the English label of the next image showing another emoji as
     * the edit prompt, so every edit asks for a real change.
     */
    static List<SampleGenerator.EditCase> from(ValidationSet v, int count, int size) {
        if (v.imageSize() != size) {
            throw new BadInputException("the validation images are " + v.imageSize() + " px but the student draws " + size
                    + " px: editing needs images of the model's size");
        }
        List<SampleGenerator.EditCase> out = new ArrayList<>();
        int n = Math.min(count, v.size());
        for (int i = 0; i < n; i++) {
            ValidationSet.Entry src = v.entry(i);
            int j = (i + 1) % v.size();
            while (v.entry(j).unified().equals(src.unified()) && j != i) {
                j = (j + 1) % v.size();
            }
            out.add(new SampleGenerator.EditCase(v.images(i, i + 1), v.entry(j).label(), src.label()));
        }
        return out;
    }
}
