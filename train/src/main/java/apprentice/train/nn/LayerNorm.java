package apprentice.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** torch.nn.LayerNorm over the last axis. */
public final class LayerNorm {
    public final String prefix;
    public final int dim;
    public final float eps;
    private final NDArray gamma;
    private final NDArray beta;

    public LayerNorm(ParamStore ps, String prefix, int dim, float eps) {
        this.prefix = prefix;
        this.dim = dim;
        this.eps = eps;
        this.gamma = ps.constant(prefix + ".weight", new Shape(dim), 1f);
        this.beta = ps.constant(prefix + ".bias", new Shape(dim), 0f);
    }

    public NDArray forward(NDArray x) {
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(dim), gamma, beta, eps).singletonOrThrow();
    }
}
