package apprentice.train.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Writes the training images of chosen trained emoji (every vendor's rendering of each label) as a folder in the
 * validation set's format: the shipped reference that {@code apprentice metrics} compares generated images of trained
 * labels with. Skin-tone variants carry their own labels ("thumbs up: light skin tone"), so a base label picks only
 * the base emoji.
 */
public final class ReferenceSetWriter {
    private ReferenceSetWriter() {
    }

    /**
     * Writes the folder and returns the number of images written.
     *
     * @param labels English CLDR labels of trained emoji (duplicates count once)
     * @param command the command line that wrote it, recorded in the README
     * @throws IllegalArgumentException naming every label that is not a trained emoji's label
     */
    public static int write(EmojiDataset data, List<String> labels, Path out, String command) throws IOException {
        Set<String> wanted = new LinkedHashSet<>(labels);
        if (wanted.isEmpty()) {
            throw new IllegalArgumentException("no labels given: list trained emoji's English labels, one per line");
        }
        int[] picked = IntStream.of(data.indices(false)).filter(i -> wanted.contains(data.record(i).label())).toArray();
        Set<String> found = new LinkedHashSet<>();
        for (int i : picked) {
            found.add(data.record(i).label());
        }
        List<String> missing = new ArrayList<>(wanted);
        missing.removeAll(found);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(missing.size() + " label(s) name no training image: " + missing
                    + " (a held-out emoji, a typo, or a label with a skin tone): give the English CLDR label of a trained emoji");
        }
        ValidationSetWriter.writeAtlas(data, picked, out, layout -> ValidationSetReadme.reference(layout, wanted.size(), command));
        return picked.length;
    }
}
