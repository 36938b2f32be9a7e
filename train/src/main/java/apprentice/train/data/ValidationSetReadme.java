package apprentice.train.data;

import apprentice.core.eval.ValidationSet;

/** The provenance notes written beside the shipped image folders (validation set and reference set). */
final class ValidationSetReadme {
    private ValidationSetReadme() {
    }

    static String text(ValidationSet.Layout layout) {
        return """
                # emoji validation set

                The %d held-out images of the built-in emoji dataset with their captions, shipped so that
                `apprentice metrics` (and `apprentice evaluate`) can compare generated images with real ones in any
                clone, without downloading or building the training dataset. No model saw these images in training.

                """.formatted(layout.count()) + files(layout) + provenance() + """
                * Split: an emoji is held out when the SHA-256 of its base code points (skin tone removed) falls in the
                  first 5 of 100 buckets (`HoldOutSplit`), so both vendors and every skin tone of an emoji are held
                  out together; the rows are in the dataset's order (vendor, then code points).

                ## Regenerate

                ```
                ./mvnw -q -B -o -pl train -am package -DskipTests
                train/run.sh dataset            # fetches the three npm packages (npm pack) and builds ~/.cache/apprentice/dataset/emoji64
                train/run.sh validation-set     # writes this folder (models/emoji/validation)
                ```

                The output is byte-for-byte the same on every run from the same packages.
                """;
    }

    /**
     * @param labels how many labels were asked for
     * @param command the command line that wrote the folder, for the Regenerate section
     */
    static String reference(ValidationSet.Layout layout, int labels, String command) {
        return """
                # emoji reference set

                %d training images (every vendor's rendering of %d trained emoji, skin-tone variants left out) with
                their captions, shipped so that `apprentice metrics` can show what a trained prompt should look like
                in the sample grid's real column, and measure *nearest-real recognition*: is the real image closest to
                a generated one (in the oracle's image embedding) a rendering of the prompted emoji? Unlike the
                validation set, the family **was** trained on these images: they are a reference for what it was
                taught, not a test of generalisation.

                """.formatted(layout.count(), labels) + files(layout) + provenance() + """
                * Selection: the training-split images whose English CLDR label is one of the labels asked for, in
                  the dataset's order (vendor, then code points).

                ## Regenerate

                ```
                ./mvnw -q -B -o -pl train -am package -DskipTests
                train/run.sh dataset            # fetches the three npm packages (npm pack) and builds ~/.cache/apprentice/dataset/emoji64
                %s
                ```

                The output is byte-for-byte the same on every run from the same packages and labels.
                """.formatted(command);
    }

    private static String files(ValidationSet.Layout layout) {
        return """
                | file | content |
                |---|---|
                | `images.png` | every image, 64×64 RGB composited on white, as %d×%d tiles in row-major order, %d per row (%d×%d px; unused cells are white) |
                | `captions.jsonl` | one JSON row per image in atlas order: `index`, `vendor` (`google` = Noto Emoji, `twitter` = Twemoji), `unified` (code points), `label` (English CLDR label), `labelJa` (Japanese CLDR label or null), `captions` (every training caption: label; label + tags; label + vendor style; Japanese label; Japanese label + tags) |
                | `atlas.json` | the atlas layout: `tile`, `columns`, `count` |

                Read it with `apprentice.core.eval.ValidationSet.load(folder)`.

                """.formatted(layout.tile(), layout.tile(), layout.columns(), layout.width(), layout.height());
    }

    private static String provenance() {
        return """
                ## Provenance

                * Images: npm packages `%s@%s` (Noto Color Emoji graphics, © Google, **Apache License 2.0**,
                  https://github.com/googlefonts/noto-emoji) and `%s@%s` (Twemoji graphics, © Twitter, Inc and other
                  contributors, **CC-BY 4.0**, https://github.com/twitter/twemoji,
                  https://creativecommons.org/licenses/by/4.0/ — attribution: "Twemoji by Twitter, Inc and other
                  contributors, licensed under CC-BY 4.0"), as packaged by iamcal's emoji-data (MIT). The 64×64 RGBA
                  PNGs (`img/<vendor>/64/`) were alpha-composited on white; nothing else was changed.
                * Captions: `%s@%s` (MIT), Unicode CLDR labels and tags in English and Japanese (Unicode licence).
                  Emoji without a CLDR entry carry their Unicode name.
                * Tarball integrity: the sha512 of every package is pinned in `apprentice.train.data.NpmPackage` and
                  checked when the dataset is built.
                """.formatted(NpmPackage.GOOGLE.name(), NpmPackage.GOOGLE.version(), NpmPackage.TWITTER.name(),
                NpmPackage.TWITTER.version(), NpmPackage.EMOJIBASE.name(), NpmPackage.EMOJIBASE.version());
    }
}
