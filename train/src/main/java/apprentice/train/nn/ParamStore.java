package apprentice.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Named trainable tensors with PyTorch state-dict names and layouts ("down.0.conv.weight",
 * [out, in, kh, kw]). Layers register their parameters here; the optimizer, EMA, checkpoints and
 * the ONNX export all address them by name, so the exported graph reads the same tensors.
 */
public final class ParamStore {
    private final NDManager manager;
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private final Random init;

    public ParamStore(NDManager manager, long seed) {
        this.manager = manager;
        this.init = new Random(seed);
    }

    public NDManager manager() {
        return manager;
    }

    /** Uniform(-bound, bound) init, PyTorch's default for Linear/Conv (bound = 1/sqrt(fan_in)). */
    public NDArray uniform(String name, Shape shape, double bound) {
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((init.nextDouble() * 2 - 1) * bound);
        }
        return register(name, manager.create(v, shape));
    }

    public NDArray normal(String name, Shape shape, double std) {
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (init.nextGaussian() * std);
        }
        return register(name, manager.create(v, shape));
    }

    public NDArray constant(String name, Shape shape, float value) {
        return register(name, manager.full(shape, value, DataType.FLOAT32));
    }

    private NDArray register(String name, NDArray a) {
        if (params.containsKey(name)) {
            throw new IllegalArgumentException("parameter '" + name + "' registered twice: give each layer a unique prefix");
        }
        a.setName(name);
        a.setRequiresGradient(true);
        params.put(name, a);
        return a;
    }

    public NDArray get(String name) {
        NDArray a = params.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter '" + name + "'");
        }
        return a;
    }

    public Map<String, NDArray> all() {
        return Collections.unmodifiableMap(params);
    }

    public long count() {
        return params.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    /** Parameter values as float arrays (for export and tests). */
    public float[] values(String name) {
        return get(name).toFloatArray();
    }

    /** Overwrites a parameter's values in place (keeps its gradient attachment). */
    public void set(String name, float[] values) {
        NDArray a = get(name);
        if (values.length != a.getShape().size()) {
            throw new IllegalArgumentException("parameter '" + name + "' has " + a.getShape() + " but " + values.length + " values given");
        }
        FloatBuffers.copyInto(a, values);
    }

    /** Writes name, shape and float32 values of every tensor in the map. */
    public static void write(Map<String, NDArray> tensors, OutputStream os) throws IOException {
        DataOutputStream out = new DataOutputStream(os);
        out.writeInt(tensors.size());
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            out.writeUTF(e.getKey());
            long[] shape = e.getValue().getShape().getShape();
            out.writeInt(shape.length);
            for (long d : shape) {
                out.writeLong(d);
            }
            float[] v = e.getValue().toFloatArray();
            ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            bb.asFloatBuffer().put(v);
            out.write(bb.array());
        }
        out.flush();
    }

    /** Reads what {@link #write} wrote: name → (shape, values). */
    public static Map<String, float[]> read(InputStream is, Map<String, long[]> shapes) throws IOException {
        DataInputStream in = new DataInputStream(is);
        int n = in.readInt();
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            int rank = in.readInt();
            long[] shape = new long[rank];
            long size = 1;
            for (int d = 0; d < rank; d++) {
                shape[d] = in.readLong();
                size *= shape[d];
            }
            byte[] b = new byte[Math.toIntExact(size * 4)];
            in.readFully(b);
            float[] v = new float[(int) size];
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            out.put(name, v);
            if (shapes != null) {
                shapes.put(name, shape);
            }
        }
        return out;
    }
}
