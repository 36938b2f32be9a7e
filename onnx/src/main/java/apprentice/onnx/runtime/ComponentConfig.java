package apprentice.onnx.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A component's diffusers {@code config.json} (e.g. {@code unet/config.json}, {@code vae_decoder/config.json}).
 * Optional: exports without one fall back to Stable Diffusion's values, and sizes fixed in the ONNX graph
 * take precedence over it.
 */
final class ComponentConfig {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final JsonNode root;

    private ComponentConfig(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    static ComponentConfig empty() {
        return new ComponentConfig(null, JSON.createObjectNode());
    }

    /** Reads {@code dir/config.json}; an absent file gives an empty config. */
    static ComponentConfig read(Path dir) {
        Path f = dir.resolve("config.json");
        if (!Files.isRegularFile(f)) {
            return new ComponentConfig(null, JSON.createObjectNode());
        }
        try {
            JsonNode n = JSON.readTree(f.toFile());
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException(f + " is not a JSON object");
            }
            return new ComponentConfig(f, n);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    boolean present() {
        return file != null;
    }

    boolean has(String key) {
        JsonNode v = root.get(key);
        return v != null && !v.isNull();
    }

    int getInt(String key, int dflt) {
        JsonNode v = root.get(key);
        return v != null && v.isNumber() ? v.intValue() : dflt;
    }

    double getDouble(String key, double dflt) {
        JsonNode v = root.get(key);
        return v != null && v.isNumber() ? v.doubleValue() : dflt;
    }

    /** Length of an array value, or -1. */
    int arrayLength(String key) {
        JsonNode v = root.get(key);
        return v != null && v.isArray() ? v.size() : -1;
    }
}
