package apprentice.train.nn;

import ai.djl.ndarray.NDArray;

/**
 * diffusers-style ResnetBlock2D: GN → SiLU → conv → [+ time embedding] → GN → SiLU → conv, plus a
 * 1×1 shortcut when the channel count changes. The time projection is optional (absent in the VAE).
 */
public final class ResBlock {
    public final String prefix;
    public final GroupNorm norm1;
    public final Conv2d conv1;
    public final Linear timeEmb;
    public final GroupNorm norm2;
    public final Conv2d conv2;
    public final Conv2d shortcut;
    public final float eps;

    public ResBlock(ParamStore ps, String prefix, int in, int out, int groups, int timeDim) {
        this(ps, prefix, in, out, groups, timeDim, 1e-5f);
    }

    public ResBlock(ParamStore ps, String prefix, int in, int out, int groups, int timeDim, float eps) {
        this.prefix = prefix;
        this.eps = eps;
        this.norm1 = new GroupNorm(ps, prefix + ".norm1", groups, in, eps);
        this.conv1 = Conv2d.same3(ps, prefix + ".conv1", in, out);
        this.timeEmb = timeDim > 0 ? new Linear(ps, prefix + ".time_emb_proj", timeDim, out, true) : null;
        this.norm2 = new GroupNorm(ps, prefix + ".norm2", groups, out, eps);
        this.conv2 = Conv2d.same3(ps, prefix + ".conv2", out, out);
        this.shortcut = in != out ? new Conv2d(ps, prefix + ".conv_shortcut", in, out, 1, 1, 0) : null;
    }

    /** @param temb [N, timeDim] already passed through SiLU (the graph applies SiLU inside each block; same values), or null when the block has no time input */
    public NDArray forward(NDArray x, NDArray temb) {
        NDArray h = conv1.forward(Ops.silu(norm1.forward(x)));
        if (timeEmb != null) {
            NDArray t = timeEmb.forward(temb);
            h = h.add(t.reshape(t.getShape().get(0), t.getShape().get(1), 1, 1));
        }
        h = conv2.forward(Ops.silu(norm2.forward(h)));
        NDArray skip = shortcut != null ? shortcut.forward(x) : x;
        return skip.add(h);
    }
}
