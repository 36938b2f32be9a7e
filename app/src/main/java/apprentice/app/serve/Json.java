package apprentice.app.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The service's JSON reading and writing (one configured mapper). */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {
    }

    static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a response: " + e.getOriginalMessage(), e);
        }
    }

    static String string(Object value) {
        return new String(bytes(value), StandardCharsets.UTF_8);
    }

    /** A JSON object body; anything else (array, number, malformed text) is a 400 saying so. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty: send a JSON object, e.g. {\"prompt\": \"a red apple\"}");
        }
        Object parsed;
        try {
            parsed = MAPPER.readValue(body, Object.class);
        } catch (java.io.IOException e) {
            String why = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            throw ApiException.badRequest("the request body is not valid JSON (" + why + "): send a JSON object");
        }
        if (!(parsed instanceof Map)) {
            throw ApiException.badRequest("the request body is a JSON " + kind(parsed) + ": send a JSON object");
        }
        return new LinkedHashMap<>((Map<String, Object>) parsed);
    }

    static String kind(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Number) {
            return "number";
        }
        if (v instanceof Boolean) {
            return "boolean";
        }
        if (v instanceof java.util.List) {
            return "array";
        }
        return "object";
    }
}
