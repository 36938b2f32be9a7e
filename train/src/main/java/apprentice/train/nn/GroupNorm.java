package apprentice.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** torch.nn.GroupNorm over [N, C, H, W] (DJL has no GroupNorm block: mean/var over each group). */
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
        NDArray mean = g.mean(new int[] {2}, true);
        NDArray centered = g.sub(mean);
        NDArray var = centered.square().mean(new int[] {2}, true);
        NDArray normed = centered.div(var.add(eps).sqrt()).reshape(s);
        // views of parameters are created in the parameters' manager: move them to the step's manager
        NDArray g4 = gamma.reshape(1, channels, 1, 1);
        g4.attach(x.getManager());
        NDArray b4 = beta.reshape(1, channels, 1, 1);
        b4.attach(x.getManager());
        return normed.mul(g4).add(b4);
    }
}
