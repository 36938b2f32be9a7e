package apprentice.train.diffusion;

import ai.djl.ndarray.NDArray;
import apprentice.train.nn.Attention;
import apprentice.train.nn.GroupNorm;
import apprentice.train.nn.LayerNorm;
import apprentice.train.nn.Linear;
import apprentice.train.nn.Ops;
import apprentice.train.nn.ParamStore;

/**
 * diffusers' Transformer2DModel with linear projections and one BasicTransformerBlock (self-attn,
 * cross-attn, GEGLU feed-forward), mirroring the graph writer's {@code DiffusionBlocks.spatialTransformer}.
 */
public final class SpatialTransformer {
    private final GroupNorm norm;
    private final Linear projIn;
    private final LayerNorm norm1;
    private final Attention attn1;
    private final LayerNorm norm2;
    private final Attention attn2;
    private final LayerNorm norm3;
    private final Linear ffIn;
    private final Linear ffOut;
    private final Linear projOut;
    private final int channels;

    public SpatialTransformer(ParamStore ps, String prefix, int channels, int contextDim, int heads, int groups) {
        this.channels = channels;
        norm = new GroupNorm(ps, prefix + ".norm", groups, channels, 1e-6f);
        projIn = new Linear(ps, prefix + ".proj_in", channels, channels, true);
        String b = prefix + ".transformer_blocks.0";
        norm1 = new LayerNorm(ps, b + ".norm1", channels, 1e-5f);
        attn1 = new Attention(ps, b + ".attn1", channels, channels, heads, false);
        norm2 = new LayerNorm(ps, b + ".norm2", channels, 1e-5f);
        attn2 = new Attention(ps, b + ".attn2", channels, contextDim, heads, false);
        norm3 = new LayerNorm(ps, b + ".norm3", channels, 1e-5f);
        ffIn = new Linear(ps, b + ".ff.net.0.proj", channels, 2 * 4 * channels, true);
        ffOut = new Linear(ps, b + ".ff.net.2", 4 * channels, channels, true);
        projOut = new Linear(ps, prefix + ".proj_out", channels, channels, true);
    }

    public NDArray forward(NDArray x, NDArray context) {
        long n = x.getShape().get(0);
        long hgt = x.getShape().get(2);
        long wid = x.getShape().get(3);
        NDArray h = norm.forward(x).reshape(n, channels, hgt * wid).transpose(0, 2, 1);
        h = projIn.forward(h);
        h = h.add(attn1.forward(norm1.forward(h), null, null));
        h = h.add(attn2.forward(norm2.forward(h), context, null));
        NDArray proj = ffIn.forward(norm3.forward(h));
        int inner = 4 * channels;
        NDArray a = proj.get(":, :, 0:" + inner);
        NDArray gate = proj.get(":, :, " + inner + ":" + 2 * inner);
        h = h.add(ffOut.forward(a.mul(Ops.gelu(gate))));
        h = projOut.forward(h);
        return h.transpose(0, 2, 1).reshape(n, channels, hgt, wid).add(x);
    }
}
