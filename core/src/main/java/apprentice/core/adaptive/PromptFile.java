package apprentice.core.adaptive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Reads a prompt set for calibration or batch generation. The format follows the file name:
 * <ul>
 *   <li>{@code .csv}: a header row with a {@code caption} column (any case; {@code prompt} is accepted
 *       too), RFC 4180 quoting ({@code "a, b"}, {@code ""} for a quote); a field may not span lines;</li>
 *   <li>{@code .jsonl} / {@code .ndjson}: one JSON object per line with a string {@code caption} or
 *       {@code prompt} field (caption wins when both are present);</li>
 *   <li>anything else: one prompt per line.</li>
 * </ul>
 * Blank lines are ignored everywhere. A malformed line (unbalanced quote, wrong field count, bad JSON, no
 * caption) is skipped and reported with its 1-based line number; the rest is read. A file without any usable
 * prompt is an error.
 */
public final class PromptFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One skipped line. */
    public record Problem(int line, String reason) {
        @Override
        public String toString() {
            return "line " + line + ": " + reason;
        }
    }

    /**
     * @param prompts the usable prompts, in file order
     * @param skipped the malformed lines, in file order
     * @param format "lines", "csv" or "jsonl"
     */
    public record Contents(List<String> prompts, List<Problem> skipped, String format) {
        public Contents {
            prompts = List.copyOf(prompts);
            skipped = List.copyOf(skipped);
        }

        /** SHA-256 of the prompts (UTF-8, each followed by a newline): identifies the prompt set in calibration files. */
        public String sha256() {
            return hashPrompts(prompts);
        }
    }

    private PromptFile() {
    }

    public static Contents read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("prompt file " + file + " does not exist: give a text, CSV or JSONL file");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("prompt file " + file + " is not UTF-8 text: save it as UTF-8", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read prompt file " + file + ": " + e.getMessage(), e);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // byte-order mark written by some editors
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        Contents c = name.endsWith(".csv") ? parseCsv(text)
                : name.endsWith(".jsonl") || name.endsWith(".ndjson") ? parseJsonl(text) : parseLines(text);
        if (c.prompts().isEmpty()) {
            throw new IllegalArgumentException("prompt file " + file + " holds no usable prompt ("
                    + (c.skipped().isEmpty() ? "it is empty" : c.skipped().size() + " malformed lines, first " + c.skipped().get(0))
                    + "): expected " + expectation(c.format()));
        }
        return c;
    }

    private static String expectation(String format) {
        return switch (format) {
            case "csv" -> "a header with a 'caption' column and one row per prompt";
            case "jsonl" -> "one JSON object per line with a \"caption\" or \"prompt\" string";
            default -> "one prompt per line";
        };
    }

    static Contents parseLines(String text) {
        List<String> prompts = new ArrayList<>();
        for (String line : text.split("\r?\n", -1)) {
            if (!line.isBlank()) {
                prompts.add(line.strip());
            }
        }
        return new Contents(prompts, List.of(), "lines");
    }

    static Contents parseJsonl(String text) {
        List<String> prompts = new ArrayList<>();
        List<Problem> skipped = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                skipped.add(new Problem(i + 1, "not valid JSON (" + firstLine(e.getMessage()) + ")"));
                continue;
            }
            if (node == null || !node.isObject()) {
                skipped.add(new Problem(i + 1, "not a JSON object"));
                continue;
            }
            JsonNode caption = node.hasNonNull("caption") ? node.get("caption") : node.get("prompt");
            if (caption == null || caption.isNull()) {
                skipped.add(new Problem(i + 1, "no \"caption\" or \"prompt\" field"));
            } else if (!caption.isTextual()) {
                skipped.add(new Problem(i + 1, "the caption is not a string"));
            } else if (caption.asText().isBlank()) {
                skipped.add(new Problem(i + 1, "the caption is empty"));
            } else {
                prompts.add(caption.asText().strip());
            }
        }
        return new Contents(prompts, skipped, "jsonl");
    }

    static Contents parseCsv(String text) {
        List<String> prompts = new ArrayList<>();
        List<Problem> skipped = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        int headerLine = -1;
        List<String> header = null;
        for (int i = 0; i < lines.length && header == null; i++) {
            if (!lines[i].isBlank()) {
                header = splitCsvLine(lines[i]);
                headerLine = i;
                if (header == null) {
                    throw new IllegalArgumentException("the CSV header (line " + (i + 1) + ") has an unbalanced quote");
                }
            }
        }
        if (header == null) {
            return new Contents(prompts, skipped, "csv");
        }
        int column = indexOf(header, "caption");
        if (column < 0) {
            column = indexOf(header, "prompt");
        }
        if (column < 0) {
            throw new IllegalArgumentException("the CSV header has no 'caption' column (columns: " + header
                    + "): name the prompt column 'caption'");
        }
        for (int i = headerLine + 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            List<String> fields = splitCsvLine(lines[i]);
            if (fields == null) {
                skipped.add(new Problem(i + 1, "unbalanced quote (fields may not span lines)"));
            } else if (fields.size() != header.size()) {
                skipped.add(new Problem(i + 1, fields.size() + " fields where the header has " + header.size()));
            } else if (fields.get(column).isBlank()) {
                skipped.add(new Problem(i + 1, "the caption is empty"));
            } else {
                prompts.add(fields.get(column).strip());
            }
        }
        return new Contents(prompts, skipped, "csv");
    }

    private static int indexOf(List<String> header, String name) {
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).strip().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** RFC 4180 fields of one line, or null when a quote is not closed (or text follows a closing quote). */
    static List<String> splitCsvLine(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int i = 0;
        int n = line.length();
        while (true) {
            cur.setLength(0);
            if (i < n && line.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            cur.append('"');
                            i++;
                        } else {
                            closed = true;
                            break;
                        }
                    } else {
                        cur.append(c);
                    }
                }
                if (!closed || (i < n && line.charAt(i) != ',')) {
                    return null;
                }
            } else {
                while (i < n && line.charAt(i) != ',') {
                    char c = line.charAt(i++);
                    if (c == '"') {
                        return null; // a quote inside an unquoted field
                    }
                    cur.append(c);
                }
            }
            fields.add(cur.toString());
            if (i >= n) {
                return fields;
            }
            i++; // the comma
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "parse error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static String hashPrompts(List<String> prompts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String p : prompts) {
                md.update(p.getBytes(StandardCharsets.UTF_8));
                md.update((byte) '\n');
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** SHA-256 of a prompt list as {@link Contents#sha256()} computes it. */
    public static String sha256(List<String> prompts) {
        return hashPrompts(prompts);
    }
}
