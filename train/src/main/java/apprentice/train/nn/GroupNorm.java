package apprentice.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * torch.nn.GroupNorm over [N, C, H, W]. DJL has no GroupNorm: the input is reshaped to [N, G, C/G·H·W] and
 * normalised by libtorch's layer norm (unit scale, zero shift), then the per-channel affine is applied. A
 * hand-written mean/variance version trained, but its runs skipped many updates for non-finite gradients.
 */
public final class GroupNorm {
    public final String prefix;
    public final int groups;
    public final int channels;
    public final float eps;
    private final NDArray gamma;
    private final NDArray beta;

    public GroupNorm(ParamStore ps, String prefix, int groups, int channels, float eps) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException(prefix + ": " + channels + " channels do not split into " + groups + " groups");
        }
        this.prefix = prefix;
        this.groups = groups;
        this.channels = channels;
        this.eps = eps;
        this.gamma = ps.constant(prefix + ".weight", new Shape(channels), 1f);
        this.beta = ps.constant(prefix + ".bias", new Shape(channels), 0f);
    }

    public NDArray forward(NDArray x) {
        Shape s = x.getShape();
        NDArray g = x.reshape(s.get(0), groups, -1);
        long len = g.getShape().get(2);
        NDArray ones = x.getManager().ones(new Shape(len));
        NDArray zeros = x.getManager().zeros(new Shape(len));
        NDArray normed = ai.djl.nn.norm.LayerNorm.layerNorm(g, new Shape(len), ones, zeros, eps).singletonOrThrow().reshape(s);
        // views of parameters are created in the parameters' manager: move them to the step's manager
        NDArray g4 = gamma.reshape(1, channels, 1, 1);
        g4.attach(x.getManager());
        NDArray b4 = beta.reshape(1, channels, 1, 1);
        b4.attach(x.getManager());
        return normed.mul(g4).add(b4);
    }
}
