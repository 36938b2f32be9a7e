package apprentice.app;

import apprentice.onnx.synth.SyntheticModelFolder;
import apprentice.onnx.synth.SyntheticSpec;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * Synthesised model folders (random weights, real shapes) kept in the cache under
 * {@code synthetic/<spec-hash>/}: the default model until the built-in family is installed, and the
 * realistic-shape model {@code apprentice bench} measures. Written once, into a temporary sibling
 * that is renamed into place, so a concurrent or interrupted run never sees half a folder.
 */
public final class SyntheticStandIn {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SyntheticStandIn() {
    }

    /** The default model's stand-in: the built-in family's shape. Prints one line saying so. */
    static Path folder(AppEnvironment env, PrintWriter err) {
        Path dir = folder(SyntheticSpec.builtInFamilyShape(), env);
        err.println("apprentice: no built-in model under " + env.home().resolve(ModelLocator.BUILT_IN_DIR)
                + " yet, so using a synthetic stand-in with random weights (its images are structured noise): " + dir);
        err.flush();
        return dir;
    }

    /** The cached folder of {@code spec}, synthesised on first use. */
    public static Path folder(SyntheticSpec spec, AppEnvironment env) {
        Path root = env.cacheDir().resolve("synthetic");
        Path dir = root.resolve(hash(spec));
        if (ModelLocator.isModelFolder(dir)) {
            return dir;
        }
        try {
            Files.createDirectories(root);
            Path tmp = Files.createTempDirectory(root, ".partial-");
            try {
                SyntheticModelFolder.write(tmp, spec);
                try {
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
                    // another process finished first (or a leftover without model_index.json): keep theirs / retry once
                    if (!ModelLocator.isModelFolder(dir)) {
                        deleteTree(dir);
                        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            } finally {
                deleteTree(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the synthetic model into " + dir + " (" + e.getMessage()
                    + "): make the cache folder writable or give a model with --model", e);
        }
        return dir;
    }

    /** 16 hex digits of SHA-256 over the spec's JSON form (records and arrays serialise by value). */
    static String hash(SyntheticSpec spec) {
        try {
            byte[] json = JSON.writeValueAsString(spec).getBytes(StandardCharsets.UTF_8);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint synthetic spec " + spec, e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
