package apprentice.train.data;

import java.util.List;

/**
 * One training image: a vendor's 64×64 rendering of one emoji (skin-tone variants are separate
 * records) and the captions that describe it.
 *
 * @param vendor "google" or "twitter"
 * @param unified the image's code points, upper-case hex joined by '-', without FE0F
 * @param base the code points of the emoji without skin tone; the train/validation split hashes this
 * @param imageFile file name under {@code img/<vendor>/64/}
 * @param captions English label first, then label+tags, label+vendor style, Japanese label, Japanese label+tags
 * @param validation true when held out for validation
 */
public record EmojiRecord(String vendor, String unified, String base, String imageFile, List<String> captions,
        boolean validation) {

    /** The first caption: the CLDR label (used for zero-shot classification). */
    public String label() {
        return captions.get(0);
    }
}
