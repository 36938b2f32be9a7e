package apprentice.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmojiCatalogTest {
    static final String EMOJI_JSON = """
            [
              {"unified": "1F431", "name": "CAT FACE", "image": "1f431.png", "has_img_google": true, "has_img_twitter": true},
              {"unified": "2764-FE0F", "name": "HEAVY BLACK HEART", "image": "2764-fe0f.png", "has_img_google": true, "has_img_twitter": false},
              {"unified": "1F44B", "name": "WAVING HAND SIGN", "image": "1f44b.png", "has_img_google": true, "has_img_twitter": true,
               "skin_variations": {"1F3FB": {"unified": "1F44B-1F3FB", "image": "1f44b-1f3fb.png", "has_img_google": true, "has_img_twitter": true}}},
              {"unified": "1FAE8", "name": "SHAKING FACE", "image": "1fae8.png", "has_img_google": true, "has_img_twitter": true}
            ]""";
    static final String EN_JSON = """
            [
              {"label": "cat face", "hexcode": "1F431", "tags": ["cat", "face", "pet"]},
              {"label": "red heart", "hexcode": "2764", "tags": ["heart"]},
              {"label": "waving hand", "hexcode": "1F44B", "tags": ["hello", "wave"],
               "skins": [{"label": "waving hand: light skin tone", "hexcode": "1F44B-1F3FB"}]}
            ]""";
    static final String JA_JSON = """
            [
              {"label": "猫の顔", "hexcode": "1F431", "tags": ["ネコ", "顔"]},
              {"label": "手を振る", "hexcode": "1F44B", "tags": ["バイバイ"],
               "skins": [{"label": "手を振る: 薄い肌色", "hexcode": "1F44B-1F3FB"}]}
            ]""";

    static List<EmojiRecord> build(String vendor) throws IOException {
        return EmojiCatalog.build(bytes(EMOJI_JSON), bytes(EN_JSON), bytes(JA_JSON), vendor, new HoldOutSplit(5));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void captionsCombineLabelTagsVendorAndJapanese() throws IOException {
        EmojiRecord cat = build("google").stream().filter(r -> r.unified().equals("1F431")).findFirst().orElseThrow();
        assertEquals(List.of("cat face", "cat face, cat, face, pet", "cat face, google style", "猫の顔", "猫の顔、ネコ、顔"),
                cat.captions());
        assertEquals("1f431.png", cat.imageFile());
    }

    @Test
    void skinVariantsAreSeparateImagesWithBaseTagsAndTheBaseSplit() throws IOException {
        List<EmojiRecord> twitter = build("twitter");
        EmojiRecord light = twitter.stream().filter(r -> r.unified().equals("1F44B-1F3FB")).findFirst().orElseThrow();
        assertEquals("waving hand: light skin tone", light.label());
        assertEquals("waving hand: light skin tone, hello, wave", light.captions().get(1));
        assertEquals("手を振る: 薄い肌色、バイバイ", light.captions().get(4));
        assertEquals("1F44B", light.base());
        EmojiRecord base = twitter.stream().filter(r -> r.unified().equals("1F44B")).findFirst().orElseThrow();
        assertEquals(base.validation(), light.validation());
    }

    @Test
    void variationSelectorIsIgnoredWhenJoiningAndVendorFlagsFilter() throws IOException {
        List<EmojiRecord> google = build("google");
        EmojiRecord heart = google.stream().filter(r -> r.unified().equals("2764")).findFirst().orElseThrow();
        assertEquals("red heart", heart.label());
        assertEquals(3, heart.captions().size(), "no Japanese entry: three English captions only");
        assertTrue(build("twitter").stream().noneMatch(r -> r.unified().equals("2764")));
    }

    @Test
    void emojiWithoutCldrEntryFallsBackToItsUnicodeName() throws IOException {
        EmojiRecord shaking = build("google").stream().filter(r -> r.unified().equals("1FAE8")).findFirst().orElseThrow();
        assertEquals("shaking face", shaking.label());
    }

    @Test
    void splitIsDeterministicAndNearTheRequestedShare() {
        HoldOutSplit split = new HoldOutSplit(5);
        int held = 0;
        for (int i = 0; i < 4000; i++) {
            String key = Integer.toHexString(0x1F300 + i).toUpperCase();
            boolean v = split.isValidation(key);
            assertEquals(v, new HoldOutSplit(5).isValidation(key));
            held += v ? 1 : 0;
        }
        assertTrue(held > 120 && held < 280, "about 5% of 4000 held out, got " + held);
        assertFalse(new HoldOutSplit(0).isValidation("1F431"));
    }

    @Test
    void notAnArrayIsAClearError() {
        IOException e = assertThrows(IOException.class,
                () -> EmojiCatalog.build(bytes("{}"), bytes(EN_JSON), bytes(JA_JSON), "google", new HoldOutSplit(5)));
        assertTrue(e.getMessage().contains("emoji.json"));
    }
}
