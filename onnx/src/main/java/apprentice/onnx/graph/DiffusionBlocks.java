package apprentice.onnx.graph;

import java.util.List;

import static apprentice.onnx.graph.GraphBuilder.attrs;

/**
 * The composite blocks of a latent-diffusion UNet, its VAE and a CLIP-style text transformer,
 * built from {@link Layers}. Parameter names are those of the diffusers / transformers modules
 * named in each method, below the {@code prefix} given (see {@link WeightSource} for layouts), so
 * weights trained elsewhere can be exported through the same code.
 */
public class DiffusionBlocks extends Layers {
    /** The value CLIP adds to masked attention scores ({@code torch.finfo(float32).min}). */
    public static final float MASK_VALUE = -Float.MAX_VALUE;

    public DiffusionBlocks(GraphBuilder g, WeightSource weights) {
        super(g, weights);
    }

    // ---- attention ----

    /**
     * Parameter names of an attention module's projections, and whether q/k/v have biases.
     *
     * @param outBias whether the output projection has a bias (it has in all three families)
     */
    public record AttentionNames(String q, String k, String v, String out, boolean qkvBias, boolean outBias) {
        /** diffusers {@code Attention} in UNet transformer blocks: to_q/to_k/to_v without bias, to_out.0 with. */
        public static final AttentionNames DIFFUSERS = new AttentionNames("to_q", "to_k", "to_v", "to_out.0", false, true);
        /** diffusers {@code Attention} in the VAE mid block: biases everywhere. */
        public static final AttentionNames DIFFUSERS_VAE = new AttentionNames("to_q", "to_k", "to_v", "to_out.0", true, true);
        /** transformers {@code CLIPAttention}: q_proj/k_proj/v_proj/out_proj, all with biases. */
        public static final AttentionNames CLIP = new AttentionNames("q_proj", "k_proj", "v_proj", "out_proj", true, true);
    }

    /**
     * Multi-head scaled dot-product attention: {@code softmax(q·kᵀ/√d_head + mask)·v}, then the
     * output projection. {@code x} is {@code [B, L, queryDim]}; {@code context} is
     * {@code [B, S, contextDim]} for cross-attention, or {@code null} for self-attention;
     * {@code mask} (nullable) is added to the {@code [B, heads, L, S]} scores and must broadcast.
     * Projections: q {@code [heads·headDim, queryDim]}, k and v {@code [heads·headDim, contextDim]},
     * out {@code [queryDim, heads·headDim]}.
     */
    public String attention(String prefix, String x, String context, String mask, int queryDim, int contextDim,
                            int heads, int headDim, AttentionNames names) {
        int inner = heads * headDim;
        String kv = context == null ? x : context;
        int kvDim = context == null ? queryDim : contextDim;
        String q = linear(prefix + "." + names.q(), x, queryDim, inner, names.qkvBias());
        String k = linear(prefix + "." + names.k(), kv, kvDim, inner, names.qkvBias());
        String v = linear(prefix + "." + names.v(), kv, kvDim, inner, names.qkvBias());
        String headsShape = g.constInt64(0, 0, heads, headDim);
        String qh = g.op("Transpose", List.of(g.op("Reshape", q, headsShape)), attrs("perm", new long[] {0, 2, 1, 3}));
        String kh = g.op("Transpose", List.of(g.op("Reshape", k, headsShape)), attrs("perm", new long[] {0, 2, 3, 1}));
        String vh = g.op("Transpose", List.of(g.op("Reshape", v, headsShape)), attrs("perm", new long[] {0, 2, 1, 3}));
        String scores = g.op("Mul", g.op("MatMul", qh, kh), g.scalar((float) (1.0 / Math.sqrt(headDim))));
        if (mask != null) {
            scores = g.op("Add", scores, mask);
        }
        String probs = g.op("Softmax", List.of(scores), attrs("axis", -1L));
        String merged = g.op("Transpose", List.of(g.op("MatMul", probs, vh)), attrs("perm", new long[] {0, 2, 1, 3}));
        String flat = g.op("Reshape", merged, g.constInt64(0, 0, inner));
        return linear(prefix + "." + names.out(), flat, inner, queryDim, names.outBias());
    }

    /**
     * Additive causal mask {@code [S, S]} for token sequence {@code ids [B, S]}: 0 on and below the
     * diagonal, {@link #MASK_VALUE} above it (a token never attends to later tokens).
     */
    public String causalMask(String ids) {
        String s = dim(ids, 1);
        String square = g.op("Concat", List.of(s, s), attrs("axis", 0L));
        String ones = g.op("Expand", g.scalar(1f), square);
        String k = g.scalarInt64(1);
        String upper = g.op("Trilu", List.of(ones, k), attrs("upper", 1L));
        return g.op("Mul", upper, g.scalar(MASK_VALUE));
    }

    // ---- timesteps ----

    /**
     * Turns a {@code timestep} input of any of the exported forms (int64, int32 or float; scalar
     * {@code []} or {@code [B]}/{@code [1]}) into a float vector {@code [B]} with B taken from
     * {@code batchLike} (any tensor whose axis 0 is the batch), as the UNet's forward does.
     */
    public String timestepsToBatch(String timestep, ElementType type, String batchLike) {
        String t = type == ElementType.FLOAT ? timestep
                : g.op("Cast", List.of(timestep), attrs("to", (long) ElementType.FLOAT.onnxCode()));
        return g.op("Expand", t, dim(batchLike, 0));
    }

    /**
     * Sinusoidal timestep embedding {@code [B, dim]} of float timesteps {@code [B]}, as diffusers'
     * {@code get_timestep_embedding}: {@code freq_i = exp(-ln(maxPeriod)·i/(half − shift))} for
     * {@code i < half = dim/2}, {@code arg = t·freq}, output {@code [sin(arg), cos(arg)]}, or
     * {@code [cos, sin]} when {@code flipSinToCos} (SD's UNet: flip=true, shift=0). The
     * frequencies are computed in float32 in the same order as the PyTorch code and stored as a
     * constant; the products and sin/cos are computed in the graph.
     */
    public String timestepEmbedding(String t, int dim, boolean flipSinToCos, float downscaleFreqShift, float maxPeriod) {
        if (dim <= 0 || dim % 2 != 0) {
            throw new IllegalArgumentException("timestep embedding dim must be a positive even number, got " + dim);
        }
        float[] freq = sinusoidalFrequencies(dim / 2, downscaleFreqShift, maxPeriod);
        String arg = g.op("Mul", g.op("Unsqueeze", t, g.constInt64(1)), g.constFloat(freq, 1, freq.length));
        String sin = g.op("Sin", arg);
        String cos = g.op("Cos", arg);
        return g.op("Concat", flipSinToCos ? List.of(cos, sin) : List.of(sin, cos), attrs("axis", 1L));
    }

    /** The {@code half} frequencies of {@link #timestepEmbedding}, float32 step by step like torch. */
    public static float[] sinusoidalFrequencies(int half, float downscaleFreqShift, float maxPeriod) {
        float[] freq = new float[half];
        float negLog = (float) -Math.log(maxPeriod);
        for (int i = 0; i < half; i++) {
            float exponent = negLog * (float) i;
            exponent = exponent / (half - downscaleFreqShift);
            freq[i] = (float) Math.exp(exponent);
        }
        return freq;
    }

    /**
     * diffusers {@code TimestepEmbedding}: {@code linear_2(silu(linear_1(emb [+ cond_proj(cond)])))},
     * {@code [B, inDim] -> [B, outDim]}. With {@code cond} (LCM's {@code timestep_cond}
     * {@code [B, condDim]}), {@code prefix.cond_proj [inDim, condDim]} (no bias) is added first.
     */
    public String timestepMlp(String prefix, String emb, int inDim, int outDim, String cond, int condDim) {
        String x = emb;
        if (cond != null) {
            x = g.op("Add", x, linear(prefix + ".cond_proj", cond, condDim, inDim, false));
        }
        String h = silu(linear(prefix + ".linear_1", x, inDim, outDim, true));
        return linear(prefix + ".linear_2", h, outDim, outDim, true);
    }

    /**
     * The caption as a time-embedding term: {@code prefix.linear(mean over tokens of context)},
     * {@code [B, S, D] -> [B, outDim]}. Padding positions count too: under CLIP's causal mask they
     * summarise the whole caption.
     */
    public String textTimeEmbedding(String prefix, String context, int contextDim, int outDim) {
        String pooled = g.op("ReduceMean", List.of(context), attrs("axes", new long[] {1}, "keepdims", 0L));
        return linear(prefix + ".linear", pooled, contextDim, outDim, true);
    }

    /**
     * Adds the learned position map {@code name [1, C, size, size]} to {@code x [B, C, H, W]}, bilinearly
     * resized to H×W (the identity at the trained size), so other latent sizes still run.
     */
    public String addPositionMap(String name, String x, int channels, int size) {
        String map = param(name, WeightInit.NORM_SHIFT, 1, channels, size, size);
        String sizes = g.op("Concat", List.of(g.constInt64(1, channels), dim(x, 2), dim(x, 3)), attrs("axis", 0L));
        String resized = g.op("Resize", List.of(map, "", "", sizes),
                attrs("mode", "linear", "coordinate_transformation_mode", "half_pixel"));
        return g.op("Add", x, resized);
    }

    // ---- UNet / VAE blocks ----

    /**
     * diffusers {@code ResnetBlock2D}: {@code conv2(silu(norm2(conv1(silu(norm1(x))) + proj(temb))))}
     * plus the (1×1-projected if channels change) input. {@code temb} {@code [B, tembDim]} may be
     * null (VAE). Parameters: norm1, conv1 (3×3), time_emb_proj, norm2, conv2 (3×3), conv_shortcut (1×1).
     */
    public String resnetBlock(String prefix, String x, String temb, int in, int out, int tembDim, int groups, float eps) {
        return g.scoped(prefix, () -> {
            String h = conv2d(prefix + ".conv1", silu(groupNorm(prefix + ".norm1", x, groups, in, eps)), in, out, 3, 1, 1);
            if (temb != null) {
                String t = linear(prefix + ".time_emb_proj", silu(temb), tembDim, out, true);
                h = g.op("Add", h, g.op("Unsqueeze", t, g.constInt64(2, 3)));
            }
            h = conv2d(prefix + ".conv2", silu(groupNorm(prefix + ".norm2", h, groups, out, eps)), out, out, 3, 1, 1);
            String shortcut = in == out ? x : conv2d(prefix + ".conv_shortcut", x, in, out, 1, 1, 0);
            return g.op("Add", shortcut, h);
        });
    }

    /**
     * diffusers {@code BasicTransformerBlock} on tokens {@code [B, L, dim]}: self-attention
     * ({@code attn1}), cross-attention to {@code context [B, S, contextDim]} ({@code attn2}) and a
     * GEGLU feed-forward ({@code ff.net.0.proj [2·4·dim, dim]}, {@code ff.net.2 [dim, 4·dim]}),
     * each pre-normed by LayerNorm (norm1..3, eps 1e-5) and residual.
     */
    public String transformerBlock(String prefix, String x, String context, int dim, int contextDim, int heads) {
        if (dim % heads != 0) {
            throw new IllegalArgumentException("transformer '" + prefix + "': dim " + dim + " is not divisible by heads " + heads);
        }
        int headDim = dim / heads;
        String h = x;
        h = g.op("Add", h, attention(prefix + ".attn1", layerNorm(prefix + ".norm1", h, dim, 1e-5f), null, null,
                dim, dim, heads, headDim, AttentionNames.DIFFUSERS));
        h = g.op("Add", h, attention(prefix + ".attn2", layerNorm(prefix + ".norm2", h, dim, 1e-5f), context, null,
                dim, contextDim, heads, headDim, AttentionNames.DIFFUSERS));
        return g.op("Add", h, geglu(prefix + ".ff", layerNorm(prefix + ".norm3", h, dim, 1e-5f), dim, 4 * dim));
    }

    /** diffusers {@code FeedForward} with GEGLU: {@code net.2(a · gelu(gate))}, where {@code [a, gate] = net.0.proj(x)}. */
    public String geglu(String prefix, String x, int dim, int inner) {
        String proj = linear(prefix + ".net.0.proj", x, dim, 2 * inner, true);
        List<String> halves = g.op("Split", List.of(proj, g.constInt64(inner, inner)), attrs("axis", -1L), 2);
        String h = g.op("Mul", halves.get(0), gelu(halves.get(1)));
        return linear(prefix + ".net.2", h, inner, dim, true);
    }

    /**
     * diffusers {@code Transformer2DModel} with {@code use_linear_projection=True} (SD 2.x style),
     * one transformer block: GroupNorm (eps 1e-6), {@code proj_in}, the block, {@code proj_out},
     * plus the input. {@code x} is {@code [B, C, H, W]}, {@code context} {@code [B, S, contextDim]}.
     */
    public String spatialTransformer(String prefix, String x, String context, int channels, int contextDim,
                                     int heads, int groups) {
        return g.scoped(prefix, () -> {
            String h = imageToTokens(groupNorm(prefix + ".norm", x, groups, channels, 1e-6f));
            h = linear(prefix + ".proj_in", h, channels, channels, true);
            h = transformerBlock(prefix + ".transformer_blocks.0", h, context, channels, contextDim, heads);
            h = linear(prefix + ".proj_out", h, channels, channels, true);
            return g.op("Add", tokensToImage(h, x), x);
        });
    }

    /**
     * The VAE mid-block attention (diffusers {@code Attention} with a group norm, one head of
     * {@code channels} dims, biases everywhere, residual): {@code x + attn(groupnorm(x))} on NCHW.
     */
    public String vaeAttention(String prefix, String x, int channels, int groups) {
        return g.scoped(prefix, () -> {
            String tokens = imageToTokens(groupNorm(prefix + ".group_norm", x, groups, channels, 1e-6f));
            String h = attention(prefix, tokens, null, null, channels, channels, 1, channels, AttentionNames.DIFFUSERS_VAE);
            return g.op("Add", tokensToImage(h, x), x);
        });
    }

    // ---- text transformer ----

    /**
     * CLIP text embeddings: {@code token_embedding [vocab, dim]} gathered by {@code ids [B, S]},
     * plus the first S rows of {@code position_embedding [maxPositions, dim]}.
     */
    public String tokenAndPositionEmbedding(String prefix, String ids, int vocab, int maxPositions, int dim) {
        String tokens = g.op("Gather", param(prefix + ".token_embedding.weight", WeightInit.EMBEDDING, vocab, dim), ids);
        String table = param(prefix + ".position_embedding.weight", WeightInit.EMBEDDING, maxPositions, dim);
        String positions = g.op("Slice", table, g.constInt64(0), dim(ids, 1), g.constInt64(0));
        return g.op("Add", tokens, positions);
    }

    /**
     * transformers {@code CLIPEncoderLayer} (pre-LN): {@code x + self_attn(layer_norm1(x), causal)},
     * then {@code + mlp.fc2(gelu(mlp.fc1(layer_norm2(x))))}; mlp width {@code mlpDim}.
     * The activation is exact GELU (OpenCLIP / SD 2.x), not CLIP ViT-L's quick_gelu.
     */
    public String clipEncoderLayer(String prefix, String x, String mask, int dim, int heads, int mlpDim) {
        if (dim % heads != 0) {
            throw new IllegalArgumentException("text layer '" + prefix + "': dim " + dim + " is not divisible by heads " + heads);
        }
        return g.scoped(prefix, () -> {
            String h = g.op("Add", x, attention(prefix + ".self_attn", layerNorm(prefix + ".layer_norm1", x, dim, 1e-5f),
                    null, mask, dim, dim, heads, dim / heads, AttentionNames.CLIP));
            String m = linear(prefix + ".mlp.fc1", layerNorm(prefix + ".layer_norm2", h, dim, 1e-5f), dim, mlpDim, true);
            return g.op("Add", h, linear(prefix + ".mlp.fc2", gelu(m), mlpDim, dim, true));
        });
    }

    /**
     * CLIP's pooled output: for each sequence the hidden state {@code [B, D]} at the position of
     * the largest token id (the end-of-text token in a CLIP vocabulary), first one on ties, as
     * {@code hidden[arange(B), ids.argmax(-1)]}.
     */
    public String poolAtMaxToken(String hidden, String ids) {
        String ids32 = g.op("Cast", List.of(ids), attrs("to", (long) ElementType.INT32.onnxCode()));
        String at = g.op("ArgMax", List.of(ids32), attrs("axis", 1L, "keepdims", 1L));
        return g.op("GatherND", List.of(hidden, at), attrs("batch_dims", 1L));
    }
}
