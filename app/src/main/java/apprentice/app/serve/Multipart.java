package apprentice.app.serve;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal {@code multipart/form-data} reader (RFC 7578) for {@code /api/edit}: text fields and one file
 * field. File names and part content types are ignored — the image's type comes from its bytes, and no
 * request value is ever used as a path.
 */
final class Multipart {
    final Map<String, String> fields = new LinkedHashMap<>();
    final Map<String, byte[]> files = new LinkedHashMap<>();

    private Multipart() {
    }

    static Multipart parse(String contentType, byte[] body) {
        String boundary = boundary(contentType);
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        Multipart out = new Multipart();
        int pos = indexOf(body, delimiter, 0);
        if (pos < 0) {
            throw ApiException.badRequest("the multipart body has no part delimited by its boundary: send multipart/form-data as browsers and curl -F do");
        }
        while (true) {
            pos += delimiter.length;
            if (pos + 1 < body.length && body[pos] == '-' && body[pos + 1] == '-') {
                return out; // closing delimiter
            }
            pos = skipLineEnd(body, pos);
            int headerEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), pos);
            if (headerEnd < 0) {
                throw ApiException.badRequest("a multipart part has no blank line after its headers: the body is truncated or malformed");
            }
            String headers = new String(body, pos, headerEnd - pos, StandardCharsets.UTF_8);
            int dataStart = headerEnd + 4;
            int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1), dataStart);
            if (next < 0) {
                throw ApiException.badRequest("the multipart body ends inside a part: the upload is truncated");
            }
            byte[] data = java.util.Arrays.copyOfRange(body, dataStart, next);
            String disposition = header(headers, "content-disposition");
            String name = param(disposition, "name");
            if (name == null) {
                throw ApiException.badRequest("a multipart part has no name in its Content-Disposition header");
            }
            if (out.fields.containsKey(name) || out.files.containsKey(name)) {
                throw ApiException.badField(name, "field '" + name + "' appears twice in the form: send it once");
            }
            if (param(disposition, "filename") != null) {
                out.files.put(name, data);
            } else {
                out.fields.put(name, new String(data, StandardCharsets.UTF_8));
            }
            pos = next + 2;
        }
    }

    private static String boundary(String contentType) {
        String b = contentType == null ? null : param(contentType, "boundary");
        if (b == null || b.isEmpty() || b.length() > 200) {
            throw ApiException.badRequest("the Content-Type has no multipart boundary: send multipart/form-data (e.g. curl -F image=@in.png -F prompt=...)");
        }
        return b;
    }

    private static String header(String headers, String name) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }

    /** A parameter of a header value such as {@code form-data; name="prompt"}. */
    static String param(String value, String name) {
        for (String part : value.split(";")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase(name)) {
                String v = p.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return v;
            }
        }
        return null;
    }

    private static int skipLineEnd(byte[] b, int pos) {
        if (pos + 1 < b.length && b[pos] == '\r' && b[pos + 1] == '\n') {
            return pos + 2;
        }
        throw ApiException.badRequest("a multipart boundary is not followed by CRLF: the body is malformed");
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
