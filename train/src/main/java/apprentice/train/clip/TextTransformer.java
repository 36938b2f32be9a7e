package apprentice.train.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import apprentice.onnx.graph.TextEncoderConfig;
import apprentice.train.nn.Attention;
import apprentice.train.nn.LayerNorm;
import apprentice.train.nn.Linear;
import apprentice.train.nn.Ops;
import apprentice.train.nn.ParamStore;
import java.util.ArrayList;
import java.util.List;

/**
 * transformers' CLIPTextModel (pre-LN, causal, exact GELU) with the parameter names the graph
 * writer's {@code TextEncoderGraph} reads ({@code text_model.…}), so its export is that graph fed
 * with these weights.
 */
public final class TextTransformer {
    public final TextEncoderConfig config;
    private final NDArray tokenEmbedding;
    private final NDArray positionEmbedding;
    private final List<Layer> layers = new ArrayList<>();
    private final LayerNorm finalNorm;

    private record Layer(LayerNorm ln1, Attention attn, LayerNorm ln2, Linear fc1, Linear fc2) {
    }

    public TextTransformer(ParamStore ps, TextEncoderConfig c) {
        this.config = c;
        tokenEmbedding = ps.normal("text_model.embeddings.token_embedding.weight", new Shape(c.vocabSize(), c.dim()), 0.02);
        positionEmbedding = ps.normal("text_model.embeddings.position_embedding.weight", new Shape(c.maxPositions(), c.dim()), 0.01);
        for (int i = 0; i < c.layers(); i++) {
            String p = "text_model.encoder.layers." + i;
            layers.add(new Layer(new LayerNorm(ps, p + ".layer_norm1", c.dim(), 1e-5f),
                    new Attention(ps, p + ".self_attn", c.dim(), c.dim(), c.heads(), true),
                    new LayerNorm(ps, p + ".layer_norm2", c.dim(), 1e-5f),
                    new Linear(ps, p + ".mlp.fc1", c.dim(), c.mlpDim(), true),
                    new Linear(ps, p + ".mlp.fc2", c.mlpDim(), c.dim(), true)));
        }
        finalNorm = new LayerNorm(ps, "text_model.final_layer_norm", c.dim(), 1e-5f);
    }

    /** ids [B, S] (int64) → last_hidden_state [B, S, D]. */
    public NDArray forward(NDArray ids) {
        NDManager m = ids.getManager();
        long s = ids.getShape().get(1);
        NDArray tok = ai.djl.nn.core.Embedding.embedding(ids, tokenEmbedding, SparseFormat.DENSE).singletonOrThrow();
        NDArray pos = positionEmbedding.get(new NDIndex("0:" + s));
        pos.attach(m);
        NDArray h = tok.add(pos);
        NDArray mask = causalMask(m, s);
        for (Layer l : layers) {
            h = h.add(l.attn().forward(l.ln1().forward(h), null, mask));
            h = h.add(l.fc2().forward(Ops.gelu(l.fc1().forward(l.ln2().forward(h)))));
        }
        return finalNorm.forward(h);
    }

    /** Hidden state at each row's largest token id (the end-of-text token): [B, D]. */
    public static NDArray pool(NDArray hidden, int[][] ids) {
        NDManager m = hidden.getManager();
        long b = hidden.getShape().get(0);
        long s = hidden.getShape().get(1);
        float[] onehot = new float[(int) (b * s)];
        for (int i = 0; i < b; i++) {
            int best = 0;
            for (int j = 1; j < s; j++) {
                if (ids[i][j] > ids[i][best]) {
                    best = j;
                }
            }
            onehot[(int) (i * s + best)] = 1f;
        }
        NDArray sel = m.create(onehot, new Shape(b, 1, s));
        return sel.matMul(hidden).reshape(b, hidden.getShape().get(2));
    }

    /** 0 on and below the diagonal, a large negative number above (CLIP's causal mask). */
    static NDArray causalMask(NDManager m, long s) {
        float[] v = new float[(int) (s * s)];
        for (int i = 0; i < s; i++) {
            for (int j = i + 1; j < s; j++) {
                v[(int) (i * s + j)] = -1e9f;
            }
        }
        return m.create(v, new Shape(s, s));
    }

    public static NDArray ids(NDManager m, int[][] ids) {
        long[] flat = new long[ids.length * ids[0].length];
        for (int i = 0; i < ids.length; i++) {
            for (int j = 0; j < ids[i].length; j++) {
                flat[i * ids[i].length + j] = ids[i][j];
            }
        }
        return m.create(flat, new Shape(ids.length, ids[0].length)).toType(DataType.INT64, false);
    }
}
