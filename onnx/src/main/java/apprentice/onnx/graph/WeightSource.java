package apprentice.onnx.graph;

/**
 * Supplies the values of a named parameter to the layer helpers.
 * <p>Names follow PyTorch {@code state_dict} keys of the equivalent diffusers / transformers
 * module (for example {@code down_blocks.0.resnets.0.conv1.weight}); layouts are PyTorch's:
 * Linear weight {@code [out, in]}, Conv2d weight {@code [out, in, kh, kw]}, biases and norm
 * parameters {@code [channels]}, embeddings {@code [rows, dim]}. Data is row-major float32.
 * The helper states the shape it needs; a source must return exactly that many values or throw.
 */
@FunctionalInterface
public interface WeightSource {
    float[] get(String name, WeightInit init, int... shape);

    /** Number of elements of a shape, checked for overflow. */
    static int numel(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("parameter dims must be positive, got " + java.util.Arrays.toString(shape));
            }
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("parameter too large for a float[]: " + java.util.Arrays.toString(shape));
        }
        return (int) n;
    }
}
