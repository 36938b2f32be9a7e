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
        this(ps, prefix, in, out, bias, false);
    }

    private Linear(ParamStore ps, String prefix, int in, int out, boolean bias, boolean zero) {
        this.prefix = prefix;
        this.in = in;
        this.out = out;
        this.bias = bias;
        double bound = 1.0 / Math.sqrt(in);
        this.w = zero ? ps.constant(prefix + ".weight", new Shape(out, in), 0f)
                : ps.uniform(prefix + ".weight", new Shape(out, in), bound);
        this.b = !bias ? null : zero ? ps.constant(prefix + ".bias", new Shape(out), 0f)
                : ps.uniform(prefix + ".bias", new Shape(out), bound);
    }

    /**
     * A layer that starts as the zero map: a branch added to a trained network leaves its outputs unchanged
     * until training moves it (and draws nothing from the store's random stream, so the other parameters keep
     * their seeded initial values).
     */
    public static Linear zeros(ParamStore ps, String prefix, int in, int out, boolean bias) {
        return new Linear(ps, prefix, in, out, bias, true);
    }

    public NDArray forward(NDArray x) {
        return ai.djl.nn.core.Linear.linear(x, w, b).singletonOrThrow();
    }
}
