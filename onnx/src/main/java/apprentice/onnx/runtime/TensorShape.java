package apprentice.onnx.runtime;

/** Small helpers for ONNX shapes, where a negative dimension is symbolic (unknown until run time). */
final class TensorShape {
    private TensorShape() {
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** The static size of {@code axis}, or {@code fallback} when it is symbolic or the rank is too small. */
    static long dimOr(long[] shape, int axis, long fallback) {
        return axis < shape.length && shape[axis] > 0 ? shape[axis] : fallback;
    }
}
