package apprentice.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Joins emoji-datasource's image list ({@code emoji.json}) with emojibase's CLDR labels and tags
 * (English and Japanese {@code data.json}) into captioned {@link EmojiRecord}s for one vendor.
 */
public final class EmojiCatalog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> TONE_NAMES = Map.of(
            "1F3FB", "light skin tone", "1F3FC", "medium-light skin tone", "1F3FD", "medium skin tone",
            "1F3FE", "medium-dark skin tone", "1F3FF", "dark skin tone");

    /** CLDR label and tags of one code-point sequence in one language. */
    record Annotation(String label, List<String> tags) {
    }

    private EmojiCatalog() {
    }

    /**
     * @param emojiJson emoji-datasource's {@code emoji.json}
     * @param englishJson emojibase-data's {@code en/data.json}
     * @param japaneseJson emojibase-data's {@code ja/data.json}
     * @param vendor "google" or "twitter": selects {@code has_img_<vendor>}
     */
    public static List<EmojiRecord> build(byte[] emojiJson, byte[] englishJson, byte[] japaneseJson, String vendor,
            HoldOutSplit split) throws IOException {
        Map<String, Annotation> en = annotations(JSON.readTree(englishJson));
        Map<String, Annotation> ja = annotations(JSON.readTree(japaneseJson));
        JsonNode list = JSON.readTree(emojiJson);
        if (!list.isArray()) {
            throw new IOException("emoji.json is not a JSON array: is this emoji-datasource's emoji.json?");
        }
        String flag = "has_img_" + vendor;
        List<EmojiRecord> out = new ArrayList<>();
        for (JsonNode e : list) {
            String base = normalize(e.path("unified").asText());
            String name = e.path("name").asText(e.path("short_name").asText(base)).toLowerCase(Locale.ROOT);
            if (e.path(flag).asBoolean(false)) {
                out.add(record(vendor, base, base, e.path("image").asText(), name, en, ja, split));
            }
            JsonNode skins = e.path("skin_variations");
            for (Iterator<Map.Entry<String, JsonNode>> it = skins.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> s = it.next();
                JsonNode v = s.getValue();
                if (!v.path(flag).asBoolean(false)) {
                    continue;
                }
                String unified = normalize(v.path("unified").asText());
                String fallback = name + ": " + toneNames(s.getKey());
                out.add(record(vendor, unified, base, v.path("image").asText(), fallback, en, ja, split));
            }
        }
        out.sort(Comparator.comparing(EmojiRecord::unified));
        return out;
    }

    private static EmojiRecord record(String vendor, String unified, String base, String image, String fallbackName,
            Map<String, Annotation> en, Map<String, Annotation> ja, HoldOutSplit split) {
        Annotation a = en.get(unified);
        Annotation baseEn = en.get(base);
        String label = a != null ? a.label() : fallbackName;
        // emojibase keeps tags on the base emoji only; skin variants share them
        List<String> tags = a != null && !a.tags().isEmpty() ? a.tags() : baseEn != null ? baseEn.tags() : List.of();
        List<String> captions = new ArrayList<>();
        captions.add(label);
        captions.add(tags.isEmpty() ? label : label + ", " + String.join(", ", tags));
        captions.add(label + ", " + vendor + " style");
        Annotation j = ja.get(unified);
        Annotation baseJa = ja.get(base);
        if (j != null) {
            List<String> jaTags = !j.tags().isEmpty() ? j.tags() : baseJa != null ? baseJa.tags() : List.of();
            captions.add(j.label());
            captions.add(jaTags.isEmpty() ? j.label() : j.label() + "、" + String.join("、", jaTags));
        }
        return new EmojiRecord(vendor, unified, base, image, List.copyOf(captions), split.isValidation(base));
    }

    private static Map<String, Annotation> annotations(JsonNode list) throws IOException {
        if (!list.isArray()) {
            throw new IOException("emojibase data.json is not a JSON array: is this emojibase-data's <lang>/data.json?");
        }
        Map<String, Annotation> out = new HashMap<>();
        for (JsonNode e : list) {
            put(out, e);
            for (JsonNode s : e.path("skins")) {
                put(out, s);
            }
        }
        return out;
    }

    private static void put(Map<String, Annotation> out, JsonNode e) {
        String label = e.path("label").asText("");
        if (label.isEmpty()) {
            return;
        }
        List<String> tags = new ArrayList<>();
        for (JsonNode t : e.path("tags")) {
            tags.add(t.asText());
        }
        out.putIfAbsent(normalize(e.path("hexcode").asText()), new Annotation(label, List.copyOf(tags)));
    }

    /** Upper-case hex joined by '-', with the FE0F variation selector dropped (the two sources disagree on it). */
    static String normalize(String hex) {
        StringBuilder sb = new StringBuilder();
        for (String part : hex.toUpperCase(Locale.ROOT).split("-")) {
            if (part.isEmpty() || part.equals("FE0F")) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append('-');
            }
            sb.append(part);
        }
        return sb.toString();
    }

    private static String toneNames(String key) {
        List<String> names = new ArrayList<>();
        for (String k : key.toUpperCase(Locale.ROOT).split("-")) {
            names.add(TONE_NAMES.getOrDefault(k, k));
        }
        return String.join(", ", names);
    }
}
