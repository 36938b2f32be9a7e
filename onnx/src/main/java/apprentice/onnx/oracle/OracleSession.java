package apprentice.onnx.oracle;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import apprentice.onnx.runtime.RuntimeOptions;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** One ONNX Runtime session of an oracle model, with its signature and errors that name the file. */
final class OracleSession implements AutoCloseable {
    private final Path file;
    private final OrtSession session;
    private final Map<String, TensorInfo> inputs = new LinkedHashMap<>();
    private final Map<String, TensorInfo> outputs = new LinkedHashMap<>();

    private OracleSession(Path file, OrtSession session) throws OrtException {
        this.file = file;
        this.session = session;
        for (NodeInfo n : session.getInputInfo().values()) {
            inputs.put(n.getName(), n.getInfo() instanceof TensorInfo ti ? ti : null);
        }
        for (NodeInfo n : session.getOutputInfo().values()) {
            outputs.put(n.getName(), n.getInfo() instanceof TensorInfo ti ? ti : null);
        }
    }

    static OracleSession open(Path file, RuntimeOptions options) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("the oracle model " + file + " does not exist: pass a folder with model.onnx "
                    + "(an Optimum `clip` export, or a reward model with reward_config.json)");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = options.toSessionOptions(Map.of())) { // the same settings as the model folders'
            OrtSession s = env.createSession(file.toString(), so);
            try {
                return new OracleSession(file, s);
            } catch (OrtException | RuntimeException e) {
                s.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime cannot load the oracle model " + file + ": " + e.getMessage(), e);
        }
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

    /** "[name: type[dims], ...]" of the inputs or outputs, for error messages. */
    static String signature(Map<String, TensorInfo> infos) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        infos.forEach((name, ti) -> j.add(ti == null ? name + ": not a tensor" : name + ": " + ti.type.name().toLowerCase(java.util.Locale.ROOT)
                + java.util.Arrays.toString(ti.getShape()).replace("-1", "?")));
        return j.toString();
    }

    /** The error for a model that does not fit: names what was expected and what the model has. */
    IllegalArgumentException mismatch(String role, String expected) {
        return new IllegalArgumentException(file + " does not fit the " + role + " interface: expected " + expected
                + "; the model has inputs " + signature(inputs) + " and outputs " + signature(outputs));
    }

    /** Fixed size of axis {@code axis} of an input, or -1 when it is dynamic (or the input is unknown). */
    int fixedDim(String input, int axis) {
        TensorInfo ti = inputs.get(input);
        if (ti == null || ti.getShape().length <= axis) {
            return -1;
        }
        long d = ti.getShape()[axis];
        return d > 0 ? (int) d : -1;
    }

    /** Runs with the given feeds (closed afterwards) and returns the wanted outputs as float arrays with their shapes. */
    Map<String, float[]> run(Map<String, OnnxTensor> feeds, List<String> wanted, Map<String, long[]> shapesOut) {
        try (OrtSession.Result r = session.run(feeds, new java.util.HashSet<>(wanted))) {
            Map<String, float[]> out = new LinkedHashMap<>();
            for (String name : wanted) {
                OnnxValue v = r.get(name).orElseThrow(() -> new IllegalStateException(file + " gave no output " + name));
                if (!(v instanceof OnnxTensor t)) {
                    throw new IllegalStateException(file + ": output " + name + " is not a tensor");
                }
                long[] shape = t.getInfo().getShape();
                float[] data = new float[Math.toIntExact(t.getInfo().getNumElements())];
                switch (t.getInfo().type) {
                    case FLOAT, FLOAT16, BFLOAT16 -> t.getFloatBuffer().get(data);
                    case DOUBLE -> {
                        java.nio.DoubleBuffer d = t.getDoubleBuffer();
                        for (int i = 0; i < data.length; i++) {
                            data[i] = (float) d.get(i);
                        }
                    }
                    default -> throw new IllegalStateException(file + ": output " + name + " has element type " + t.getInfo().type
                            + "; a float score was expected");
                }
                out.put(name, data);
                if (shapesOut != null) {
                    shapesOut.put(name, shape);
                }
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed running the oracle " + file + ": " + e.getMessage(), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    static OnnxTensor floats(float[] data, long... shape) {
        try {
            return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(data), shape);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot build a float tensor: " + e.getMessage(), e);
        }
    }

    /** int64 (or int32 when the input says so) id rows. */
    OnnxTensor ids(String input, int[][] rows) {
        TensorInfo ti = inputs.get(input);
        int n = rows.length;
        int len = n == 0 ? 0 : rows[0].length;
        try {
            if (ti != null && ti.type == ai.onnxruntime.OnnxJavaType.INT32) {
                int[] flat = new int[n * len];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(rows[i], 0, flat, i * len, len);
                }
                return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), java.nio.IntBuffer.wrap(flat), new long[] {n, len});
            }
            long[] flat = new long[n * len];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < len; k++) {
                    flat[i * len + k] = rows[i][k];
                }
            }
            return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), LongBuffer.wrap(flat), new long[] {n, len});
        } catch (OrtException e) {
            throw new IllegalStateException("cannot build the " + input + " tensor: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the oracle session " + file + ": " + e.getMessage(), e);
        }
    }
}
