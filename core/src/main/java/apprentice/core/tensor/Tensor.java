package apprentice.core.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major (C) order: a flat array plus a shape.
 *
 * <p>Everything in {@code core} exchanges tensors in this form so that the pipeline logic has no
 * dependency on a runtime. The array is not copied on construction; treat tensors as values and
 * copy before mutating one you did not create.
 */
public final class Tensor {
    private final float[] data;
    private final int[] shape;

    public Tensor(int[] shape, float[] data) {
        long n = numel(shape);
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " holds " + n + " values but data has " + data.length);
        }
        this.shape = shape.clone();
        this.data = data;
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(shape, new float[Math.toIntExact(numel(shape))]);
    }

    public static long numel(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        return n;
    }

    /** The backing array (not a copy). */
    public float[] data() {
        return data;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int axis) {
        return shape[axis < 0 ? shape.length + axis : axis];
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return data.length;
    }

    public Tensor copy() {
        return new Tensor(shape, data.clone());
    }

    public Tensor reshape(int... newShape) {
        return new Tensor(newShape, data);
    }

    /** Items {@code [from, to)} along axis 0, copied. */
    public Tensor slice(int from, int to) {
        int per = data.length / shape[0];
        int[] s = shape.clone();
        s[0] = to - from;
        return new Tensor(s, Arrays.copyOfRange(data, from * per, to * per));
    }

    /** Concatenates tensors of equal trailing shape along axis 0. */
    public static Tensor concat(Tensor... parts) {
        int[] s = parts[0].shape();
        int total = 0;
        int len = 0;
        for (Tensor p : parts) {
            if (p.rank() != s.length || !Arrays.equals(Arrays.copyOfRange(p.shape, 1, s.length), Arrays.copyOfRange(s, 1, s.length))) {
                throw new IllegalArgumentException("cannot concat " + Arrays.toString(p.shape) + " with " + Arrays.toString(s));
            }
            total += p.shape[0];
            len += p.data.length;
        }
        float[] out = new float[len];
        int off = 0;
        for (Tensor p : parts) {
            System.arraycopy(p.data, 0, out, off, p.data.length);
            off += p.data.length;
        }
        s[0] = total;
        return new Tensor(s, out);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
