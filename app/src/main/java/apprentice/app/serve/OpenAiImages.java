package apprentice.app.serve;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI's Images API shape ({@code POST /v1/images/generations}), so existing clients work: {@code prompt},
 * {@code n}, {@code size} ("WxH"), {@code response_format} ({@code b64_json} only: the service stores no files
 * to link to). Extensions: {@code seed} and every native field (steps, mode, k, ...). Each image's adaptive
 * route, score, τ, seed and NFE are in an extra {@code apprentice} object.
 */
final class OpenAiImages {
    /** OpenAI fields accepted and ignored: they choose among OpenAI's own models and styles. */
    private static final Set<String> IGNORED = Set.of("model", "quality", "style", "user", "background", "moderation",
            "output_compression");
    private static final Set<String> EXTENSIONS = Set.of("seed", "negative_prompt", "steps", "guidance", "mode", "k",
            "teacher_steps", "teacher_guidance", "refine_strength", "teacher_mode");

    private OpenAiImages() {
    }

    /** The request in the native API's fields. */
    static Map<String, Object> toNative(Map<String, Object> body) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : body.entrySet()) {
            String name = e.getKey();
            Object v = e.getValue();
            if (IGNORED.contains(name)) {
                if (v != null && !(v instanceof String)) {
                    throw ApiException.badField(name, name + " is a " + Json.kind(v) + ": send a string (it is accepted and ignored)");
                }
                continue;
            }
            switch (name) {
                case "prompt", "n" -> out.put(name, v);
                case "size" -> size(v, out);
                case "response_format" -> {
                    if (v != null && !"b64_json".equals(v)) {
                        throw ApiException.badField(name, "response_format " + Json.string(v)
                                + " is not supported: use b64_json (this server keeps no image files to link to)");
                    }
                }
                case "output_format" -> {
                    if (v != null && !"png".equals(v)) {
                        throw ApiException.badField(name, "output_format " + Json.string(v) + " is not supported: use png");
                    }
                }
                default -> {
                    if (!EXTENSIONS.contains(name)) {
                        throw ApiException.badField(name, "unknown field '" + name + "': OpenAI fields are prompt, n, size, "
                                + "response_format; extensions are " + String.join(", ", new java.util.TreeSet<>(EXTENSIONS)));
                    }
                    out.put(name, v);
                }
            }
        }
        return out;
    }

    private static void size(Object v, Map<String, Object> out) {
        if (v == null || "auto".equals(v)) {
            return;
        }
        if (v instanceof String s) {
            String[] parts = s.toLowerCase(java.util.Locale.ROOT).split("x");
            if (parts.length == 2) {
                try {
                    out.put("width", Integer.parseInt(parts[0].trim()));
                    out.put("height", Integer.parseInt(parts[1].trim()));
                    return;
                } catch (NumberFormatException ignored) {
                    // fall through to the message
                }
            }
        }
        throw ApiException.badField("size", "size is " + Json.string(v) + ": use \"WIDTHxHEIGHT\" (e.g. \"64x64\") or \"auto\"");
    }

    static Map<String, Object> response(List<Job> jobs) {
        List<Map<String, Object>> data = new ArrayList<>();
        for (Job j : jobs) {
            Map<String, Object> r = j.result();
            Map<String, Object> extra = new LinkedHashMap<>(r);
            extra.remove("image");
            extra.put("id", j.id);
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("b64_json", r.get("image"));
            item.put("revised_prompt", j.spec.prompt());
            item.put("apprentice", extra);
            data.add(item);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("created", Instant.now().getEpochSecond());
        out.put("data", data);
        return out;
    }

    /** OpenAI's error shape: {@code {"error": {"message", "type", "param", "code"}}}. */
    static Map<String, Object> error(ApiException e) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("message", e.getMessage());
        err.put("type", e.status() < 500 ? "invalid_request_error" : "server_error");
        err.put("param", e.field());
        err.put("code", e.code());
        return Map.of("error", err);
    }
}
