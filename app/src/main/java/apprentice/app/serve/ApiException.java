package apprentice.app.serve;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the service answers with an error status. The JSON body names the problem, the field at
 * fault (when one is) and how to fix it: {@code {"error": {"status", "code", "field", "message"}}}.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String field;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public ApiException(int status, String code, String field, String message) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    /** 400 for one field: the message says what was wrong and what to send instead. */
    public static ApiException badField(String field, String message) {
        return new ApiException(400, "invalid_field", field, message);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "invalid_request", null, message);
    }

    public ApiException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The body sent to the client. */
    public Map<String, Object> body() {
        return errorBody(status, code, field, getMessage());
    }

    static Map<String, Object> errorBody(int status, String code, String field, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("status", status);
        error.put("code", code);
        if (field != null) {
            error.put("field", field);
        }
        error.put("message", message);
        return Map.of("error", error);
    }
}
