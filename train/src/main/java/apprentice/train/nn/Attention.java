package apprentice.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Multi-head scaled dot-product attention with q/k/v/out projections, the same computation and
 * parameter names as the graph writer's {@code DiffusionBlocks.attention}: diffusers' to_q/to_k/to_v
 * (no bias) + to_out.0, or CLIP's q_proj/k_proj/v_proj/out_proj (biases).
 */
public final class Attention {
    public final Linear q;
    public final Linear k;
    public final Linear v;
    public final Linear out;
    public final int heads;
    public final int headDim;

    public Attention(ParamStore ps, String prefix, int queryDim, int contextDim, int heads, boolean clipNames) {
        this.heads = heads;
        this.headDim = queryDim / heads;
        int inner = heads * headDim;
        String qn = clipNames ? "q_proj" : "to_q";
        String kn = clipNames ? "k_proj" : "to_k";
        String vn = clipNames ? "v_proj" : "to_v";
        String on = clipNames ? "out_proj" : "to_out.0";
        q = new Linear(ps, prefix + "." + qn, queryDim, inner, clipNames);
        k = new Linear(ps, prefix + "." + kn, contextDim, inner, clipNames);
        v = new Linear(ps, prefix + "." + vn, contextDim, inner, clipNames);
        out = new Linear(ps, prefix + "." + on, inner, queryDim, true);
    }

    /**
     * @param x [B, L, queryDim]
     * @param context [B, S, contextDim] or null for self-attention
     * @param mask additive [L, S] mask or null
     */
    public NDArray forward(NDArray x, NDArray context, NDArray mask) {
        NDArray kv = context == null ? x : context;
        long b = x.getShape().get(0);
        long l = x.getShape().get(1);
        long s = kv.getShape().get(1);
        NDArray qh = q.forward(x).reshape(b, l, heads, headDim).transpose(0, 2, 1, 3);
        NDArray kh = k.forward(kv).reshape(b, s, heads, headDim).transpose(0, 2, 3, 1);
        NDArray vh = v.forward(kv).reshape(b, s, heads, headDim).transpose(0, 2, 1, 3);
        NDArray scores = qh.matMul(kh).mul((float) (1.0 / Math.sqrt(headDim)));
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray probs = scores.softmax(-1);
        NDArray merged = probs.matMul(vh).transpose(0, 2, 1, 3).reshape(new Shape(b, l, (long) heads * headDim));
        return out.forward(merged);
    }
}
