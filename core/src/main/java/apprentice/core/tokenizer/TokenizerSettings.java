package apprentice.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sequence length and pad token from a Hugging Face tokenizer folder's optional
 * {@code tokenizer_config.json} ({@code model_max_length}, {@code pad_token}) and
 * {@code special_tokens_map.json} ({@code pad_token}, which takes precedence, as in
 * transformers). A token may be written as a string or as an AddedToken object with
 * {@code content}. Absent files or keys fall back to CLIP's defaults: 77 and the end-of-text
 * token. transformers writes {@code model_max_length} as about 1e30 to mean "no limit"; any value
 * above {@link #UNLIMITED_THRESHOLD} is treated as absent.
 */
record TokenizerSettings(int maxLength, String padToken) {

    static final int DEFAULT_MAX_LENGTH = 77;
    static final long UNLIMITED_THRESHOLD = 1_000_000L;
    static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";

    static TokenizerSettings defaults() {
        return new TokenizerSettings(DEFAULT_MAX_LENGTH, ClipVocabulary.END_OF_TEXT);
    }

    static TokenizerSettings read(Path tokenizerDir) {
        int maxLength = DEFAULT_MAX_LENGTH;
        String pad = ClipVocabulary.END_OF_TEXT;
        Path configFile = tokenizerDir.resolve(TOKENIZER_CONFIG);
        JsonNode config = readJson(configFile);
        if (config != null) {
            JsonNode max = config.get("model_max_length");
            if (max != null && !max.isNull()) {
                if (!max.isNumber()) {
                    throw new TokenizerFileException(configFile, "model_max_length is not a number: " + max + ".",
                            "Set it to the text encoder's sequence length (77 for CLIP) or remove it.");
                }
                double value = max.asDouble();
                if (value <= UNLIMITED_THRESHOLD) {
                    if (value < 2 || value != Math.rint(value)) {
                        throw new TokenizerFileException(configFile, "model_max_length " + max
                                + " leaves no room for the start and end tokens.",
                                "Set it to the text encoder's sequence length (77 for CLIP).");
                    }
                    maxLength = (int) value;
                }
            }
            String configPad = tokenText(configFile, config.get("pad_token"));
            if (configPad != null) {
                pad = configPad;
            }
        }
        Path mapFile = tokenizerDir.resolve(SPECIAL_TOKENS_MAP);
        JsonNode map = readJson(mapFile);
        if (map != null) {
            String mapPad = tokenText(mapFile, map.get("pad_token"));
            if (mapPad != null) {
                pad = mapPad;
            }
        }
        return new TokenizerSettings(maxLength, pad);
    }

    private static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode node = new ObjectMapper().readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new TokenizerFileException(file, "not a JSON object.",
                        "Fix or delete the file; it is optional (defaults: 77 tokens, pad with <|endoftext|>).");
            }
            return node;
        } catch (IOException e) {
            throw new TokenizerFileException(file, "not valid JSON (" + e.getMessage() + ").",
                    "Fix or delete the file; it is optional (defaults: 77 tokens, pad with <|endoftext|>).", e);
        }
    }

    private static String tokenText(Path file, JsonNode token) {
        if (token == null || token.isNull()) {
            return null;
        }
        if (token.isTextual()) {
            return token.asText();
        }
        if (token.isObject() && token.path("content").isTextual()) {
            return token.get("content").asText();
        }
        throw new TokenizerFileException(file, "pad_token is neither a string nor an object with \"content\": "
                + token + ".", "Write it as \"pad_token\": \"<|endoftext|>\" (SD 1.x) or \"!\" (SD 2.x).");
    }
}
