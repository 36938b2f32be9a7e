package apprentice.onnx.oracle;

import apprentice.core.tokenizer.ClipTokenizer;
import apprentice.core.tokenizer.TokenizedText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reading an oracle folder's side files: JSON configs and the CLIP BPE tokenizer. */
final class OracleFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OracleFiles() {
    }

    static JsonNode json(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("the oracle folder has no " + file.getFileName() + " (" + what + "): expected "
                    + file);
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException(file + " is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The CLIP BPE tokenizer in the folder itself (Optimum's layout) or in its {@code tokenizer/} sub-folder. */
    static ClipTokenizer tokenizer(Path dir) {
        if (Files.isRegularFile(dir.resolve("vocab.json"))) {
            return ClipTokenizer.load(dir);
        }
        if (Files.isRegularFile(dir.resolve("tokenizer/vocab.json"))) {
            return ClipTokenizer.load(dir.resolve("tokenizer"));
        }
        throw new IllegalArgumentException(dir + " has no CLIP tokenizer: expected vocab.json and merges.txt in the folder or in "
                + "tokenizer/ (only CLIP BPE tokenizers are supported)");
    }

    /** Padded id rows and their attention masks (1 for the start token, the prompt's tokens and the end token). */
    static int[][][] tokenize(ClipTokenizer tokenizer, List<String> prompts) {
        int[][] ids = new int[prompts.size()][];
        int[][] mask = new int[prompts.size()][];
        for (int i = 0; i < ids.length; i++) {
            TokenizedText t = tokenizer.tokenize(prompts.get(i));
            ids[i] = t.ids();
            mask[i] = new int[ids[i].length];
            int real = Math.min(t.tokenCount(), ids[i].length);
            for (int k = 0; k < real; k++) {
                mask[i][k] = 1;
            }
        }
        return new int[][][] {ids, mask};
    }

    static String folderName(Path dir) {
        Path n = dir.toAbsolutePath().normalize().getFileName();
        return n == null ? dir.toString() : n.toString();
    }
}
