package apprentice.onnx.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import apprentice.core.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Conversions between apprentice's float32 {@link Tensor}s and ONNX Runtime tensors of whatever element type
 * a session declares. Tensors are built on direct buffers, which ONNX Runtime uses in place (no copy of its own).
 */
final class OrtTensors {
    /** Element types a float tensor (latents, images, hidden states) may have in an export. */
    static final Set<OnnxJavaType> FLOAT_TYPES = EnumSet.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16, OnnxJavaType.DOUBLE);
    /** Element types token ids may have. */
    static final Set<OnnxJavaType> ID_TYPES = EnumSet.of(OnnxJavaType.INT32, OnnxJavaType.INT64);
    /** Element types a timestep may have. */
    static final Set<OnnxJavaType> TIMESTEP_TYPES = EnumSet.of(OnnxJavaType.INT64, OnnxJavaType.INT32,
            OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16, OnnxJavaType.DOUBLE);

    private OrtTensors() {
    }

    static OrtEnvironment env() {
        return OrtEnvironment.getEnvironment();
    }

    static ByteBuffer direct(long bytes) {
        return ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
    }

    static long[] longShape(int[] shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = shape[i];
        }
        return s;
    }

    /** A fresh tensor of {@code type} holding {@code t}'s values. */
    static OnnxTensor of(Tensor t, OnnxJavaType type) {
        ReusableInput in = new ReusableInput(type);
        return in.fill(t.data(), longShape(t.shape()));
    }

    /** Token ids as int32 or int64, {@code [B, L]}. */
    static OnnxTensor ids(int[][] ids, OnnxJavaType type) {
        int rows = ids.length;
        int cols = rows == 0 ? 0 : ids[0].length;
        long[] shape = {rows, cols};
        try {
            if (type == OnnxJavaType.INT32) {
                IntBuffer b = direct((long) rows * cols * 4).asIntBuffer();
                for (int[] row : ids) {
                    b.put(row);
                }
                b.rewind();
                return OnnxTensor.createTensor(env(), b, shape);
            }
            LongBuffer b = direct((long) rows * cols * 8).asLongBuffer();
            for (int[] row : ids) {
                for (int id : row) {
                    b.put(id);
                }
            }
            b.rewind();
            return OnnxTensor.createTensor(env(), b, shape);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot build the input_ids tensor: " + e.getMessage(), e);
        }
    }

    /**
     * A tensor of the given shape (empty shape: a scalar) filled with one number converted to {@code type}.
     * Integer types truncate toward zero, as numpy's {@code np.array([t], dtype=int64)} does in diffusers'
     * ONNX pipelines for the Euler family's fractional timesteps.
     */
    static OnnxTensor filled(double value, OnnxJavaType type, long[] shape) {
        int n = Math.toIntExact(TensorShape.numel(shape));
        try {
            switch (type) {
                case INT64: {
                    LongBuffer b = direct(8L * n).asLongBuffer();
                    for (int i = 0; i < n; i++) {
                        b.put(i, (long) value);
                    }
                    return OnnxTensor.createTensor(env(), b, shape);
                }
                case INT32: {
                    IntBuffer b = direct(4L * n).asIntBuffer();
                    for (int i = 0; i < n; i++) {
                        b.put(i, (int) value);
                    }
                    return OnnxTensor.createTensor(env(), b, shape);
                }
                default: {
                    float[] f = new float[n];
                    Arrays.fill(f, (float) value);
                    if (type == OnnxJavaType.DOUBLE) {
                        java.nio.DoubleBuffer b = direct(8L * n).asDoubleBuffer();
                        for (int i = 0; i < n; i++) {
                            b.put(i, value);
                        }
                        return OnnxTensor.createTensor(env(), b, shape);
                    }
                    return new ReusableInput(type).fill(f, shape);
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("cannot build a " + type + " tensor: " + e.getMessage(), e);
        }
    }

    /** Reads a float-like output (float32, float16, bfloat16, double) as float32. */
    static Tensor read(OnnxValue value, String what) {
        if (!(value instanceof OnnxTensor t)) {
            throw new IllegalStateException(what + " is not a tensor: " + value);
        }
        TensorInfo info = t.getInfo();
        int[] shape = intShape(info.getShape(), what);
        float[] out = new float[Math.toIntExact(info.getNumElements())];
        switch (info.type) {
            case FLOAT, FLOAT16, BFLOAT16 -> t.getFloatBuffer().get(out);
            case DOUBLE -> {
                java.nio.DoubleBuffer d = t.getDoubleBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) d.get(i);
                }
            }
            default -> throw new IllegalStateException(what + " has element type " + info.type + "; a float type was expected");
        }
        return new Tensor(shape, out);
    }

    static int[] intShape(long[] shape, String what) {
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) {
            if (shape[i] < 0 || shape[i] > Integer.MAX_VALUE) {
                throw new IllegalStateException(what + " has an unusable shape " + Arrays.toString(shape));
            }
            s[i] = (int) shape[i];
        }
        return s;
    }

    /**
     * A float input whose direct buffer and tensor are kept between runs of the same shape: the next
     * {@link #fill} only writes the values. Not thread-safe; the owning component serialises its runs.
     */
    static final class ReusableInput implements AutoCloseable {
        private final OnnxJavaType type;
        private long[] shape;
        private ByteBuffer bytes;
        private OnnxTensor tensor;

        ReusableInput(OnnxJavaType type) {
            if (!FLOAT_TYPES.contains(type)) {
                throw new IllegalArgumentException("cannot feed float values to a " + type + " input");
            }
            this.type = type;
        }

        OnnxTensor fill(float[] values, long[] newShape) {
            if (tensor == null || !Arrays.equals(shape, newShape)) {
                close();
                int elem = type == OnnxJavaType.FLOAT16 ? 2 : type == OnnxJavaType.DOUBLE ? 8 : 4;
                bytes = direct((long) values.length * elem);
                shape = newShape.clone();
                tensor = create();
            }
            switch (type) {
                case FLOAT -> {
                    FloatBuffer fb = bytes.asFloatBuffer();
                    fb.put(values);
                }
                case FLOAT16 -> {
                    ShortBuffer sb = bytes.asShortBuffer();
                    for (int i = 0; i < values.length; i++) {
                        sb.put(i, Fp16Conversions.floatToFp16(values[i]));
                    }
                }
                default -> {
                    java.nio.DoubleBuffer db = bytes.asDoubleBuffer();
                    for (int i = 0; i < values.length; i++) {
                        db.put(i, values[i]);
                    }
                }
            }
            return tensor;
        }

        /** The tensor of the last {@link #fill}. */
        OnnxTensor current() {
            if (tensor == null) {
                throw new IllegalStateException("no values filled yet");
            }
            return tensor;
        }

        private OnnxTensor create() {
            try {
                return switch (type) {
                    case FLOAT -> OnnxTensor.createTensor(env(), bytes.asFloatBuffer(), shape);
                    case FLOAT16 -> OnnxTensor.createTensor(env(), bytes.asShortBuffer(), shape, OnnxJavaType.FLOAT16);
                    default -> OnnxTensor.createTensor(env(), bytes.asDoubleBuffer(), shape);
                };
            } catch (OrtException e) {
                throw new IllegalStateException("cannot build a " + type + " tensor of shape " + Arrays.toString(shape)
                        + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            if (tensor != null) {
                tensor.close();
                tensor = null;
            }
        }
    }

    /** A float32 output buffer kept between runs of the same shape, for {@code run} with pinned outputs. */
    static final class ReusableOutput implements AutoCloseable {
        private long[] shape;
        private FloatBuffer buffer;
        private OnnxTensor tensor;

        OnnxTensor tensor(long[] newShape) {
            if (tensor == null || !Arrays.equals(shape, newShape)) {
                close();
                shape = newShape.clone();
                buffer = direct(4L * TensorShape.numel(newShape)).asFloatBuffer();
                try {
                    tensor = OnnxTensor.createTensor(env(), buffer, shape);
                } catch (OrtException e) {
                    throw new IllegalStateException("cannot build an output tensor: " + e.getMessage(), e);
                }
            }
            return tensor;
        }

        /** Copies the last run's values out (one copy, into a fresh array the caller owns). */
        Tensor read(int[] tensorShape) {
            float[] out = new float[buffer.capacity()];
            buffer.get(0, out);
            return new Tensor(tensorShape, out);
        }

        @Override
        public void close() {
            if (tensor != null) {
                tensor.close();
                tensor = null;
            }
        }
    }
}
