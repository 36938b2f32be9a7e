package apprentice.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** torch.nn.Conv2d with square kernel, weight [out, in, k, k] and bias [out]. */
public final class Conv2d {
    public final String prefix;
    public final int in;
    public final int out;
    public final int kernel;
    public final int stride;
    public final int padding;
    private final NDArray w;
    private final NDArray b;

    public Conv2d(ParamStore ps, String prefix, int in, int out, int kernel, int stride, int padding) {
        this.prefix = prefix;
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        double bound = 1.0 / Math.sqrt((double) in * kernel * kernel);
        this.w = ps.uniform(prefix + ".weight", new Shape(out, in, kernel, kernel), bound);
        this.b = ps.uniform(prefix + ".bias", new Shape(out), bound);
    }

    /** 3×3, stride 1, padding 1. */
    public static Conv2d same3(ParamStore ps, String prefix, int in, int out) {
        return new Conv2d(ps, prefix, in, out, 3, 1, 1);
    }

    public NDArray forward(NDArray x) {
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(padding, padding),
                new Shape(1, 1), 1).singletonOrThrow();
    }
}
