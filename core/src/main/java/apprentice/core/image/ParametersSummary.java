package apprentice.core.image;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The human-readable {@code parameters} text that AUTOMATIC1111's web UI writes into PNGs (and
 * that many image viewers and sites show), built from the generation metadata:
 *
 * <pre>
 * a red fox, watercolour
 * Negative prompt: blurry
 * Steps: 4, Sampler: lcm, CFG scale: 1.5, Seed: 42, Size: 512x512, Model: emoji-student
 * </pre>
 *
 * Line 1 is {@code prompt}, line 2 {@code negative_prompt} (only when non-empty), the last line
 * every other scalar entry as {@code Label: value}; {@code width} and {@code height} become
 * {@code Size: WxH}. Well-known keys get A1111's labels ({@code steps} Steps,
 * {@code scheduler} Sampler, {@code guidance_scale} CFG scale, {@code seed} Seed, {@code model}
 * Model); other keys are shown with underscores as spaces and a capital first letter. Lists,
 * maps and nulls are left out here (the full JSON is in its own chunk). Values containing a comma,
 * colon or line break are JSON-quoted, as A1111 does, so the line stays parseable.
 */
public final class ParametersSummary {
    private static final Map<String, String> LABELS = Map.of(
            "steps", "Steps",
            "scheduler", "Sampler",
            "guidance_scale", "CFG scale",
            "seed", "Seed",
            "model", "Model");

    private ParametersSummary() {
    }

    public static String format(Map<String, ?> metadata) {
        StringBuilder sb = new StringBuilder();
        Object prompt = metadata.get("prompt");
        if (prompt != null) {
            sb.append(prompt).append('\n');
        }
        Object negative = metadata.get("negative_prompt");
        if (negative != null && !negative.toString().isEmpty()) {
            sb.append("Negative prompt: ").append(negative).append('\n');
        }
        List<String> fields = new ArrayList<>();
        boolean sizeDone = false;
        for (Map.Entry<String, ?> e : metadata.entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            if (key.equals("prompt") || key.equals("negative_prompt") || value == null
                    || value instanceof Map || value instanceof Collection || value.getClass().isArray()) {
                continue;
            }
            if ((key.equals("width") || key.equals("height")) && metadata.get("width") != null
                    && metadata.get("height") != null) {
                if (!sizeDone) {
                    fields.add("Size: " + metadata.get("width") + "x" + metadata.get("height"));
                    sizeDone = true;
                }
                continue;
            }
            fields.add(label(key) + ": " + quote(value.toString()));
        }
        sb.append(String.join(", ", fields));
        return sb.toString().stripTrailing();
    }

    private static String label(String key) {
        String known = LABELS.get(key);
        if (known != null) {
            return known;
        }
        String spaced = key.replace('_', ' ');
        return spaced.isEmpty() ? spaced : Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
    }

    private static String quote(String text) {
        if (text.indexOf(',') < 0 && text.indexOf(':') < 0 && text.indexOf('\n') < 0) {
            return text;
        }
        return MetadataJson.compact(text);
    }
}
