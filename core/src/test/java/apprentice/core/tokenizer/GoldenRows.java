package apprentice.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The CLIP golden vectors copied into test resources (see golden/clip/PROVENANCE.md). */
final class GoldenRows {

    static final String DIR = "/golden/clip/";

    private GoldenRows() {
    }

    static Path clipDir() {
        try {
            return Path.of(GoldenRows.class.getResource(DIR + "vocab.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ClipTokenizer shared;

    /** One CLIP tokenizer for all tests of a run (it is immutable; loading takes a while). */
    static synchronized ClipTokenizer clipTokenizer() {
        if (shared == null) {
            shared = loadClipTokenizer();
        }
        return shared;
    }

    static ClipTokenizer loadClipTokenizer() {
        Path dir = clipDir();
        return ClipTokenizer.fromFiles(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
    }

    /** golden.jsonl: the shared reference vectors. */
    static List<JsonNode> rows() {
        return rows("golden.jsonl");
    }

    /** One JSON object per line from a file in golden/clip/. */
    static List<JsonNode> rows(String file) {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        try (InputStream in = GoldenRows.class.getResourceAsStream(DIR + file);
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    rows.add(mapper.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>(array.size());
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
