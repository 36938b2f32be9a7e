package apprentice.core.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a model folder recommends when the user does not say: an optional {@value #FILE} beside
 * {@code model_index.json}, named after transformers' file of the same job (diffusers keeps such advice in
 * model cards only). A small model can want far less classifier-free guidance than Stable Diffusion's 7.5 —
 * the built-in emoji teacher is closest to the real images at 3 — and every command that samples a folder
 * should then agree on it without each user finding the model card.
 *
 * <p>Only {@code guidance_scale} is read; other keys are ignored so that the file can grow.
 *
 * @param guidanceScale the recommended guidance scale, or null when the folder gives none
 */
public record GenerationDefaults(Double guidanceScale) {
    public static final String FILE = "generation_config.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GenerationDefaults NONE = new GenerationDefaults(null);

    public GenerationDefaults {
        if (guidanceScale != null && !Double.isFinite(guidanceScale)) {
            throw new IllegalArgumentException("guidance_scale " + guidanceScale + " is not a finite number");
        }
    }

    /** The folder's recommendations; none when {@code folder} is null or has no {@value #FILE}. */
    public static GenerationDefaults read(Path folder) {
        Path file = folder == null ? null : folder.resolve(FILE);
        if (file == null || !Files.isRegularFile(file)) {
            return NONE;
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage()
                    + " (fix its JSON, or delete the file to use the usual defaults)", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + " is not a JSON object: write e.g. {\"guidance_scale\": 3.0}");
        }
        JsonNode g = root.get("guidance_scale");
        if (g == null || g.isNull()) {
            return NONE;
        }
        if (!g.isNumber() || !Double.isFinite(g.asDouble())) {
            throw new IllegalArgumentException(file + ": guidance_scale is " + g + ", not a number: write e.g. 3.0, or remove the key");
        }
        return new GenerationDefaults(g.asDouble());
    }

    /** The recommended guidance, else diffusers' {@value GenerationRequest#DEFAULT_GUIDANCE}. */
    public double guidance() {
        return guidanceOr(GenerationRequest.DEFAULT_GUIDANCE);
    }

    /** The recommended guidance, else {@code fallback} (e.g. a server's own default). */
    public double guidanceOr(double fallback) {
        return guidanceScale != null ? guidanceScale : fallback;
    }

    /** {@code given} when the user set it, else what {@code folder} recommends, else 7.5. */
    public static double guidance(Double given, Path folder) {
        return given != null ? given : read(folder).guidance();
    }
}
