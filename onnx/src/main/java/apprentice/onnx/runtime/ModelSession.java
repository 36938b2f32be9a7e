package apprentice.onnx.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One ONNX Runtime session over one {@code model.onnx}, with its signature read from the session's metadata
 * and a clock of the time spent inside {@link OrtSession#run}. Errors name the file.
 */
final class ModelSession implements AutoCloseable {
    private final Path file;
    private final String role;
    private final OrtSession session;
    private final Map<String, TensorInfo> inputs;
    private final Map<String, TensorInfo> outputs;
    private final AtomicLong runtimeNanos = new AtomicLong();

    private ModelSession(Path file, String role, OrtSession session) throws OrtException {
        this.file = file;
        this.role = role;
        this.session = session;
        this.inputs = tensorInfos(session.getInputInfo(), file, "input");
        this.outputs = tensorInfos(session.getOutputInfo(), file, "output");
    }

    /**
     * @param role what the file should be ("text encoder", "UNet", ...), used in error messages
     * @param pinnedDims symbolic dimensions to fix for this session
     */
    static ModelSession open(Path file, String role, RuntimeOptions options, Map<String, Long> pinnedDims) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("the " + role + " model " + file + " does not exist");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (SessionOptions so = options.toSessionOptions(pinnedDims)) {
            OrtSession s = env.createSession(file.toString(), so);
            try {
                return new ModelSession(file, role, s);
            } catch (OrtException | RuntimeException e) {
                s.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime cannot load the " + role + " model " + file + ": "
                    + e.getMessage(), e);
        }
    }

    private static Map<String, TensorInfo> tensorInfos(Map<String, NodeInfo> nodes, Path file, String kind) {
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        for (NodeInfo n : nodes.values()) {
            if (!(n.getInfo() instanceof TensorInfo ti)) {
                throw new IllegalArgumentException(file + ": " + kind + " '" + n.getName() + "' is not a tensor (" + n.getInfo()
                        + "); apprentice expects a diffusers/Optimum ONNX export");
            }
            out.put(n.getName(), ti);
        }
        return out;
    }

    Path file() {
        return file;
    }

    Map<String, TensorInfo> inputs() {
        return inputs;
    }

    Map<String, TensorInfo> outputs() {
        return outputs;
    }

    /** The session's input, or null. */
    TensorInfo input(String name) {
        return inputs.get(name);
    }

    long runtimeNanos() {
        return runtimeNanos.get();
    }

    /** Runs and times the session; the caller closes the result. */
    OrtSession.Result run(Map<String, ? extends OnnxTensorLike> feeds, Set<String> wanted) {
        long t0 = System.nanoTime();
        try {
            return session.run(feeds, wanted);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed running the " + role + " " + file + " with "
                    + describe(feeds) + ": " + e.getMessage(), e);
        } finally {
            runtimeNanos.addAndGet(System.nanoTime() - t0);
        }
    }

    /** Runs into caller-owned output tensors (no output allocation, no copy by ONNX Runtime). */
    OrtSession.Result runInto(Map<String, ? extends OnnxTensorLike> feeds, Map<String, ? extends OnnxValue> pinnedOutputs) {
        long t0 = System.nanoTime();
        try {
            return session.run(feeds, pinnedOutputs);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed running the " + role + " " + file + " with "
                    + describe(feeds) + ": " + e.getMessage(), e);
        } finally {
            runtimeNanos.addAndGet(System.nanoTime() - t0);
        }
    }

    /** An error saying the file does not have the inputs/outputs of its role. */
    IllegalArgumentException mismatch(String expected, String problem) {
        return new IllegalArgumentException(file + " does not fit the " + role + " role: " + problem + ". Expected "
                + expected + "; the model has inputs " + signature(inputs) + " and outputs " + signature(outputs));
    }

    static String signature(Map<String, TensorInfo> infos) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        infos.forEach((name, ti) -> j.add(name + ": " + typeName(ti) + shapeText(ti)));
        return j.toString();
    }

    static String typeName(TensorInfo ti) {
        return ti.type.name().toLowerCase(Locale.ROOT);
    }

    /** Shape with symbolic names where the model has them, e.g. [batch_size, 4, height, width]. */
    static String shapeText(TensorInfo ti) {
        long[] shape = ti.getShape();
        String[] names = ti.getDimensionNames();
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] >= 0) {
                j.add(Long.toString(shape[i]));
            } else {
                j.add(names != null && i < names.length && names[i] != null && !names[i].isEmpty() ? names[i] : "?");
            }
        }
        return j.toString();
    }

    private static String describe(Map<String, ? extends OnnxTensorLike> feeds) {
        StringJoiner j = new StringJoiner(", ", "{", "}");
        feeds.forEach((k, v) -> {
            try {
                TensorInfo ti = (TensorInfo) v.getInfo();
                j.add(k + ": " + typeName(ti) + Arrays.toString(ti.getShape()));
            } catch (RuntimeException e) {
                j.add(k);
            }
        });
        return j.toString();
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the ONNX Runtime session of " + file + ": " + e.getMessage(), e);
        }
    }
}
