package apprentice.core.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Map;

/** The one JSON configuration used for image metadata: key order kept, pretty for files. */
final class MetadataJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private MetadataJson() {
    }

    static String compact(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metadata cannot be written as JSON: " + e.getOriginalMessage()
                    + " (use strings, numbers, booleans, lists and maps)", e);
        }
    }

    static String pretty(Object value) {
        try {
            return MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metadata cannot be written as JSON: " + e.getOriginalMessage()
                    + " (use strings, numbers, booleans, lists and maps)", e);
        }
    }

    static Map<String, Object> parseObject(String json, String source) {
        try {
            return MAPPER.readValue(json, new TypeReference<java.util.LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + " does not hold a JSON object: " + e.getOriginalMessage(), e);
        }
    }
}
