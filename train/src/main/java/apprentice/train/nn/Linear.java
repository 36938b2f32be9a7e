package apprentice.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** torch.nn.Linear: y = x·Wᵀ + b with W [out, in]; applies to the last axis of any rank. */
public final class Linear {
    public final String prefix;
    public final int in;
    public final int out;
    public final boolean bias;
    private final NDArray w;
    private final NDArray b;

    public Linear(ParamStore ps, String prefix, int in, int out, boolean bias) {
        this.prefix = prefix;
        this.in = in;
        this.out = out;
        this.bias = bias;
        double bound = 1.0 / Math.sqrt(in);
        this.w = ps.uniform(prefix + ".weight", new Shape(out, in), bound);
        this.b = bias ? ps.uniform(prefix + ".bias", new Shape(out), bound) : null;
    }

    public NDArray forward(NDArray x) {
        return ai.djl.nn.core.Linear.linear(x, w, b).singletonOrThrow();
    }
}
