package apprentice.train.nn;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One checkpoint per stage folder: {@code checkpoint.bin} (parameters, optimizer moments, EMA) and
 * {@code checkpoint.json} (step, wall time, last loss). Written to temporary files and renamed, so a
 * run killed mid-write leaves the previous checkpoint intact.
 */
public final class Checkpoint {
    public static final String BIN = "checkpoint.bin";
    public static final String JSON_FILE = "checkpoint.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a resumed run needs. */
    public record Loaded(Map<String, float[]> tensors, ObjectNode state) {
        public long step() {
            return state.path("step").asLong(0);
        }

        public double seconds() {
            return state.path("seconds").asDouble(0);
        }
    }

    private Checkpoint() {
    }

    public static void save(Path dir, Map<String, NDArray> tensors, ObjectNode state) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(BIN + ".tmp");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            ParamStore.write(tensors, out);
        }
        Path tmpJson = dir.resolve(JSON_FILE + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmpJson.toFile(), state);
        Files.move(tmp, dir.resolve(BIN), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmpJson, dir.resolve(JSON_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Returns null when the folder holds no checkpoint (a fresh run). */
    public static Loaded load(Path dir) throws IOException {
        Path bin = dir.resolve(BIN);
        Path json = dir.resolve(JSON_FILE);
        if (!Files.exists(bin) || !Files.exists(json)) {
            return null;
        }
        Map<String, float[]> tensors;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(bin), 1 << 20)) {
            tensors = ParamStore.read(in, null);
        }
        return new Loaded(tensors, (ObjectNode) JSON.readTree(json.toFile()));
    }

    /** Parameters (prefixed "param."), optimizer state and optional EMA ("ema.") in one map. */
    public static Map<String, NDArray> collect(ParamStore ps, Adam adam, Ema ema) {
        Map<String, NDArray> all = new LinkedHashMap<>();
        ps.all().forEach((k, v) -> all.put("param." + k, v));
        if (adam != null) {
            all.putAll(adam.state());
        }
        if (ema != null) {
            ema.tensors().forEach((k, v) -> all.put("ema." + k, v));
        }
        return all;
    }

    /** Restores parameters, optimizer and EMA from a loaded checkpoint. */
    public static void restore(Loaded c, ParamStore ps, Adam adam, Ema ema) {
        for (String name : ps.all().keySet()) {
            float[] v = c.tensors().get("param." + name);
            if (v == null) {
                throw new IllegalStateException("checkpoint lacks parameter '" + name
                        + "': it was written by a different model configuration; delete the stage folder to start over");
            }
            ps.set(name, v);
        }
        if (adam != null) {
            adam.restore(c.tensors(), c.state().path("adamSteps").asLong(c.step()));
        }
        if (ema != null) {
            ema.restore(c.tensors(), "ema.");
        }
    }

    public static ObjectNode newState() {
        return JSON.createObjectNode();
    }

    /** Loads a finished stage's parameters (EMA when present and asked for) into ps. */
    public static void loadWeights(Path dir, ParamStore ps, boolean preferEma) throws IOException {
        loadWeights(require(dir), dir, ps, preferEma);
    }

    /** The state (checkpoint.json) of a stage's checkpoint without reading its tensors; an error when there is none. */
    public static ObjectNode requireState(Path dir) throws IOException {
        Path json = dir.resolve(JSON_FILE);
        if (!Files.exists(json) || !Files.exists(dir.resolve(BIN))) {
            throw new IOException("no checkpoint in " + dir + ": train that stage first");
        }
        return (ObjectNode) JSON.readTree(json.toFile());
    }

    /** Like {@link #load}, but a missing checkpoint is an error naming the stage folder. */
    public static Loaded require(Path dir) throws IOException {
        Loaded c = load(dir);
        if (c == null) {
            throw new IOException("no checkpoint in " + dir + ": train that stage first");
        }
        return c;
    }

    /** Loads parameters from an already-read checkpoint of {@code dir} (for callers that also need its state). */
    public static void loadWeights(Loaded c, Path dir, ParamStore ps, boolean preferEma) throws IOException {
        for (String name : ps.all().keySet()) {
            float[] v = preferEma && c.tensors().containsKey("ema." + name) ? c.tensors().get("ema." + name)
                    : c.tensors().get("param." + name);
            if (v == null) {
                throw new IOException("checkpoint in " + dir + " lacks '" + name + "': model configuration differs");
            }
            ps.set(name, v);
        }
    }

    /**
     * Warm start: copies every parameter of {@code ps} that the checkpoint has (EMA values when present) and
     * returns the names it lacks, which keep their initial values. A parameter of another size is an error.
     */
    public static java.util.List<String> loadMatching(Loaded c, Path dir, ParamStore ps) throws IOException {
        java.util.List<String> missing = new java.util.ArrayList<>();
        for (String name : ps.all().keySet()) {
            float[] v = c.tensors().getOrDefault("ema." + name, c.tensors().get("param." + name));
            if (v == null) {
                missing.add(name);
            } else if (v.length != ps.get(name).getShape().size()) {
                throw new IOException(dir + " has '" + name + "' with " + v.length + " values, this model needs "
                        + ps.get(name).getShape() + ": warm-start from a model of the same sizes");
            } else {
                ps.set(name, v);
            }
        }
        return missing;
    }
}
