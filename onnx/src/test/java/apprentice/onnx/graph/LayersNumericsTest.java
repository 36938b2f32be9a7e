package apprentice.onnx.graph;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static apprentice.onnx.graph.ElementType.FLOAT;
import static apprentice.onnx.graph.ElementType.INT32;
import static apprentice.onnx.graph.ElementType.INT64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each layer helper's ONNX Runtime output against the plain-Java reference, to 1e-5. */
class LayersNumericsTest {
    private static final float TOL = 1e-5f;
    private final SeededWeights weights = new SeededWeights(42);

    private DiffusionBlocks blocks(String name) {
        return new DiffusionBlocks(new GraphBuilder(name), weights);
    }

    private float[] w(String name, WeightInit init, int... shape) {
        return weights.get(name, init, shape);
    }

    private static OrtHarness.Result run(GraphBuilder g, String out, long[] outShape, Object... namedInputs) throws OrtException {
        Object[] dims = new Object[outShape.length];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = "d" + i;
        }
        g.output(out, "y", FLOAT, dims);
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        for (int i = 0; i < namedInputs.length; i += 2) {
            in.put((String) namedInputs[i], (OnnxTensor) namedInputs[i + 1]);
        }
        OrtHarness.Result r;
        try (var session = OrtHarness.session(g.build())) {
            r = OrtHarness.run(session, in).get("y");
        }
        assertArrayEquals(outShape, r.shape(), "output shape");
        return r;
    }

    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, "element count");
        for (int i = 0; i < expected.length; i++) {
            float tol = TOL * Math.max(1f, Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], tol, "element " + i);
        }
    }

    @Test
    void linearOnRank3InputMatchesReference() throws OrtException {
        DiffusionBlocks b = blocks("linear");
        String x = b.graph().input("x", FLOAT, "batch_size", "sequence_length", 6);
        String y = b.linear("proj", x, 6, 5, true);
        float[] xs = Reference.random(1, 2 * 3 * 6, 1);
        OrtHarness.Result r = run(b.graph(), y, new long[] {2, 3, 5}, "x", OrtHarness.floats(xs, 2, 3, 6));
        assertClose(Reference.linear(xs, 6, w("proj.weight", WeightInit.FAN_IN_UNIFORM, 5, 6),
                w("proj.bias", WeightInit.BIAS, 5), 5), r.data());
    }

    @Test
    void gemmMatchesReference() throws OrtException {
        DiffusionBlocks b = blocks("gemm");
        String x = b.graph().input("x", FLOAT, "batch_size", 7);
        String y = b.gemm("fc", x, 7, 3);
        float[] xs = Reference.random(2, 4 * 7, 1);
        OrtHarness.Result r = run(b.graph(), y, new long[] {4, 3}, "x", OrtHarness.floats(xs, 4, 7));
        assertClose(Reference.linear(xs, 7, w("fc.weight", WeightInit.FAN_IN_UNIFORM, 3, 7),
                w("fc.bias", WeightInit.BIAS, 3), 3), r.data());
    }

    @Test
    void convolutionsMatchReference() throws OrtException {
        DiffusionBlocks b = blocks("conv");
        String x = b.graph().input("x", FLOAT, "batch_size", 3, "height", "width");
        String same = b.conv2d("same", x, 3, 4, 3, 1, 1);
        String down = b.downsample("down", same, 4);
        String vaeDown = b.conv2d("vae", down, 4, 2, 3, 2, new long[] {0, 0, 1, 1});
        float[] xs = Reference.random(3, 2 * 3 * 8 * 6, 1);
        OrtHarness.Result r = run(b.graph(), vaeDown, new long[] {2, 2, 2, 1}, "x", OrtHarness.floats(xs, 2, 3, 8, 6));
        float[] h = Reference.conv2d(xs, 2, 3, 8, 6, w("same.weight", WeightInit.FAN_IN_UNIFORM, 4, 3, 3, 3),
                w("same.bias", WeightInit.BIAS, 4), 4, 3, 1, new int[] {1, 1, 1, 1});
        h = Reference.conv2d(h, 2, 4, 8, 6, w("down.conv.weight", WeightInit.FAN_IN_UNIFORM, 4, 4, 3, 3),
                w("down.conv.bias", WeightInit.BIAS, 4), 4, 3, 2, new int[] {1, 1, 1, 1});
        h = Reference.conv2d(h, 2, 4, 4, 3, w("vae.weight", WeightInit.FAN_IN_UNIFORM, 2, 4, 3, 3),
                w("vae.bias", WeightInit.BIAS, 2), 2, 3, 2, new int[] {0, 0, 1, 1});
        assertClose(h, r.data());
    }

    @Test
    void groupNormMatchesTorchSemantics() throws OrtException {
        DiffusionBlocks b = blocks("gn");
        String x = b.graph().input("x", FLOAT, "batch_size", 8, "height", "width");
        String y = b.groupNorm("norm", x, 4, 8, 1e-5f);
        float[] xs = Reference.random(4, 2 * 8 * 5 * 3, 3);
        for (int i = 0; i < xs.length; i++) {
            xs[i] += 2f; // a mean offset, so a missing mean subtraction would show
        }
        OrtHarness.Result r = run(b.graph(), y, new long[] {2, 8, 5, 3}, "x", OrtHarness.floats(xs, 2, 8, 5, 3));
        assertClose(Reference.groupNorm(xs, 2, 8, 15, 4, w("norm.weight", WeightInit.NORM_SCALE, 8),
                w("norm.bias", WeightInit.NORM_SHIFT, 8), 1e-5), r.data());
    }

    @Test
    void layerNormMatchesReference() throws OrtException {
        DiffusionBlocks b = blocks("ln");
        String x = b.graph().input("x", FLOAT, "batch_size", "sequence_length", 12);
        String y = b.layerNorm("ln", x, 12, 1e-5f);
        float[] xs = Reference.random(5, 2 * 3 * 12, 2);
        OrtHarness.Result r = run(b.graph(), y, new long[] {2, 3, 12}, "x", OrtHarness.floats(xs, 2, 3, 12));
        assertClose(Reference.layerNorm(xs, 12, w("ln.weight", WeightInit.NORM_SCALE, 12),
                w("ln.bias", WeightInit.NORM_SHIFT, 12), 1e-5), r.data());
    }

    @Test
    void siluAndExactGeluMatchReference() throws OrtException {
        DiffusionBlocks b = blocks("act");
        String x = b.graph().input("x", FLOAT, "n");
        String s = b.silu(x);
        String ge = b.gelu(x);
        b.graph().output(s, "silu", FLOAT, "n");
        float[] xs = Reference.random(6, 257, 6);
        OrtHarness.Result r = run(b.graph(), ge, new long[] {257}, "x", OrtHarness.floats(xs, 257));
        float[] expected = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            expected[i] = (float) Reference.gelu(xs[i]);
        }
        assertClose(expected, r.data());
        try (var session = OrtHarness.session(b.graph().build())) {
            float[] got = OrtHarness.run(session, Map.of("x", OrtHarness.floats(xs, 257))).get("silu").data();
            for (int i = 0; i < xs.length; i++) {
                expected[i] = (float) Reference.silu(xs[i]);
            }
            assertClose(expected, got);
        }
    }

    @Test
    void nearestUpsamplingRepeatsPixels() throws OrtException {
        DiffusionBlocks b = blocks("up");
        String x = b.graph().input("x", FLOAT, "batch_size", 2, "height", "width");
        String y = b.upsampleNearest2x(x);
        float[] xs = Reference.random(7, 2 * 2 * 3 * 5, 1);
        OrtHarness.Result r = run(b.graph(), y, new long[] {2, 2, 6, 10}, "x", OrtHarness.floats(xs, 2, 2, 3, 5));
        assertArrayEquals(Reference.upsample2x(xs, 4, 3, 5), r.data());
    }

    @Test
    void causalSelfAttentionMatchesReference() throws OrtException {
        DiffusionBlocks b = blocks("selfattn");
        String ids = b.graph().input("input_ids", INT64, "batch_size", "sequence_length");
        String x = b.graph().input("x", FLOAT, "batch_size", "sequence_length", 8);
        String mask = b.causalMask(ids);
        String y = b.attention("attn", x, null, mask, 8, 8, 2, 4, DiffusionBlocks.AttentionNames.CLIP);
        int bs = 2;
        int l = 5;
        float[] xs = Reference.random(8, bs * l * 8, 1.5);
        OrtHarness.Result r = run(b.graph(), y, new long[] {bs, l, 8}, "x", OrtHarness.floats(xs, bs, l, 8),
                "input_ids", OrtHarness.longs(new long[bs * l], bs, l));
        float[] m = new float[l * l];
        for (int i = 0; i < l; i++) {
            for (int j = i + 1; j < l; j++) {
                m[i * l + j] = -Float.MAX_VALUE;
            }
        }
        float[] expected = Reference.attention(xs, bs, l, 8, xs, l, 8, 2, 4,
                w("attn.q_proj.weight", WeightInit.FAN_IN_UNIFORM, 8, 8), w("attn.q_proj.bias", WeightInit.BIAS, 8),
                w("attn.k_proj.weight", WeightInit.FAN_IN_UNIFORM, 8, 8), w("attn.k_proj.bias", WeightInit.BIAS, 8),
                w("attn.v_proj.weight", WeightInit.FAN_IN_UNIFORM, 8, 8), w("attn.v_proj.bias", WeightInit.BIAS, 8),
                w("attn.out_proj.weight", WeightInit.FAN_IN_UNIFORM, 8, 8), w("attn.out_proj.bias", WeightInit.BIAS, 8), m);
        assertClose(expected, r.data());
    }

    @Test
    void crossAttentionMatchesReference() throws OrtException {
        DiffusionBlocks b = blocks("crossattn");
        String x = b.graph().input("x", FLOAT, "batch_size", "tokens", 6);
        String ctx = b.graph().input("ctx", FLOAT, "batch_size", "sequence_length", 10);
        String y = b.attention("attn2", x, ctx, null, 6, 10, 3, 2, DiffusionBlocks.AttentionNames.DIFFUSERS);
        float[] xs = Reference.random(9, 2 * 4 * 6, 1);
        float[] cs = Reference.random(10, 2 * 7 * 10, 1);
        OrtHarness.Result r = run(b.graph(), y, new long[] {2, 4, 6},
                "x", OrtHarness.floats(xs, 2, 4, 6), "ctx", OrtHarness.floats(cs, 2, 7, 10));
        float[] expected = Reference.attention(xs, 2, 4, 6, cs, 7, 10, 3, 2,
                w("attn2.to_q.weight", WeightInit.FAN_IN_UNIFORM, 6, 6), null,
                w("attn2.to_k.weight", WeightInit.FAN_IN_UNIFORM, 6, 10), null,
                w("attn2.to_v.weight", WeightInit.FAN_IN_UNIFORM, 6, 10), null,
                w("attn2.to_out.0.weight", WeightInit.FAN_IN_UNIFORM, 6, 6), w("attn2.to_out.0.bias", WeightInit.BIAS, 6), null);
        assertClose(expected, r.data());
    }

    @Test
    void timestepEmbeddingMatchesDiffusersFormulaForEveryInputForm() throws OrtException {
        float[] t = {0f, 1f, 261f, 999f};
        float[] expected = Reference.timestepEmbedding(t, 32, true, 0f, 10000f);
        // hand-checked anchors: t=0 gives cos=1, sin=0; frequency 0 is 1, so sin half starts with sin(t)
        assertEquals(1f, expected[0]);
        assertEquals(0f, expected[16]);
        assertEquals((float) Math.sin(261.0), expected[2 * 32 + 16], 1e-6f);

        for (ElementType type : List.of(FLOAT, INT64, INT32)) {
            DiffusionBlocks b = blocks("temb_" + type);
            String ts = b.graph().input("timestep", type, "batch_size");
            String sample = b.graph().input("sample", FLOAT, "batch_size", 1);
            String emb = b.timestepEmbedding(b.timestepsToBatch(ts, type, sample), 32, true, 0f, 10000f);
            OnnxTensor tin = switch (type) {
                case FLOAT -> OrtHarness.floats(t, 4);
                case INT64 -> OrtHarness.longs(new long[] {0, 1, 261, 999}, 4);
                case INT32 -> OnnxTensor.createTensor(OrtHarness.ENV, java.nio.IntBuffer.wrap(new int[] {0, 1, 261, 999}), new long[] {4});
            };
            OrtHarness.Result r = run(b.graph(), emb, new long[] {4, 32}, "timestep", tin,
                    "sample", OrtHarness.floats(new float[4], 4, 1));
            assertClose(expected, r.data());
        }
    }

    @Test
    void scalarTimestepIsExpandedToTheBatch() throws OrtException {
        DiffusionBlocks b = blocks("texpand");
        String ts = b.graph().input("timestep", INT64);
        String sample = b.graph().input("sample", FLOAT, "batch_size", 1);
        String y = b.timestepEmbedding(b.timestepsToBatch(ts, INT64, sample), 8, false, 1f, 10000f);
        OrtHarness.Result r = run(b.graph(), y, new long[] {3, 8}, "timestep", OrtHarness.longs(new long[] {500}),
                "sample", OrtHarness.floats(new float[3], 3, 1));
        float[] one = Reference.timestepEmbedding(new float[] {500f}, 8, false, 1f, 10000f);
        assertClose(concat(one, one, one), r.data());
    }

    @Test
    void tokenEmbeddingAndPoolingPickTheRightRows() throws OrtException {
        DiffusionBlocks b = blocks("embed");
        String ids = b.graph().input("input_ids", INT64, "batch_size", "sequence_length");
        String h = b.tokenAndPositionEmbedding("emb", ids, 20, 6, 4);
        String pooled = b.poolAtMaxToken(h, ids);
        b.graph().output(h, "hidden", FLOAT, "batch_size", "sequence_length", 4);
        long[] tokens = {3, 19, 5, 19, 7, 2, 11, 0}; // batch 0: max 19 first at position 1; batch 1: max 11 at position 2
        OrtHarness.Result r = run(b.graph(), pooled, new long[] {2, 4}, "input_ids", OrtHarness.longs(tokens, 2, 4));
        float[] tok = w("emb.token_embedding.weight", WeightInit.EMBEDDING, 20, 4);
        float[] pos = w("emb.position_embedding.weight", WeightInit.EMBEDDING, 6, 4);
        float[] expected = new float[8];
        for (int d = 0; d < 4; d++) {
            expected[d] = tok[19 * 4 + d] + pos[4 + d];
            expected[4 + d] = tok[11 * 4 + d] + pos[2 * 4 + d];
        }
        assertClose(expected, r.data());
    }

    @Test
    void resnetBlockWithTimeEmbeddingMatchesReference() throws OrtException {
        DiffusionBlocks b = blocks("resnet");
        String x = b.graph().input("x", FLOAT, "batch_size", 4, "height", "width");
        String temb = b.graph().input("temb", FLOAT, "batch_size", 6);
        String y = b.resnetBlock("res", x, temb, 4, 8, 6, 2, 1e-5f);
        int n = 2;
        int hw = 3 * 4;
        float[] xs = Reference.random(11, n * 4 * hw, 1);
        float[] ts = Reference.random(12, n * 6, 1);
        OrtHarness.Result r = run(b.graph(), y, new long[] {n, 8, 3, 4},
                "x", OrtHarness.floats(xs, n, 4, 3, 4), "temb", OrtHarness.floats(ts, n, 6));

        float[] h = siluAll(Reference.groupNorm(xs, n, 4, hw, 2, w("res.norm1.weight", WeightInit.NORM_SCALE, 4),
                w("res.norm1.bias", WeightInit.NORM_SHIFT, 4), 1e-5));
        h = Reference.conv2d(h, n, 4, 3, 4, w("res.conv1.weight", WeightInit.FAN_IN_UNIFORM, 8, 4, 3, 3),
                w("res.conv1.bias", WeightInit.BIAS, 8), 8, 3, 1, new int[] {1, 1, 1, 1});
        float[] tp = Reference.linear(siluAll(ts), 6, w("res.time_emb_proj.weight", WeightInit.FAN_IN_UNIFORM, 8, 6),
                w("res.time_emb_proj.bias", WeightInit.BIAS, 8), 8);
        for (int i = 0; i < h.length; i++) {
            h[i] += tp[(i / (8 * hw)) * 8 + (i / hw) % 8];
        }
        h = siluAll(Reference.groupNorm(h, n, 8, hw, 2, w("res.norm2.weight", WeightInit.NORM_SCALE, 8),
                w("res.norm2.bias", WeightInit.NORM_SHIFT, 8), 1e-5));
        h = Reference.conv2d(h, n, 8, 3, 4, w("res.conv2.weight", WeightInit.FAN_IN_UNIFORM, 8, 8, 3, 3),
                w("res.conv2.bias", WeightInit.BIAS, 8), 8, 3, 1, new int[] {1, 1, 1, 1});
        float[] sc = Reference.conv2d(xs, n, 4, 3, 4, w("res.conv_shortcut.weight", WeightInit.FAN_IN_UNIFORM, 8, 4, 1, 1),
                w("res.conv_shortcut.bias", WeightInit.BIAS, 8), 8, 1, 1, new int[] {0, 0, 0, 0});
        for (int i = 0; i < h.length; i++) {
            h[i] += sc[i];
        }
        assertClose(h, r.data());
    }

    /** Exercises the NCHW <-> token layout code: x + attn(groupnorm(x)) with one head over H·W tokens. */
    @Test
    void vaeMidAttentionMatchesReference() throws OrtException {
        DiffusionBlocks b = blocks("vaeattn");
        String x = b.graph().input("x", FLOAT, "batch_size", 4, "height", "width");
        String y = b.vaeAttention("attn", x, 4, 2);
        int n = 2;
        int h = 3;
        int wd = 5;
        int p = h * wd;
        float[] xs = Reference.random(13, n * 4 * p, 1);
        OrtHarness.Result r = run(b.graph(), y, new long[] {n, 4, h, wd}, "x", OrtHarness.floats(xs, n, 4, h, wd));
        float[] gn = Reference.groupNorm(xs, n, 4, p, 2, w("attn.group_norm.weight", WeightInit.NORM_SCALE, 4),
                w("attn.group_norm.bias", WeightInit.NORM_SHIFT, 4), 1e-6);
        float[] tokens = new float[gn.length];
        for (int bi = 0; bi < n; bi++) {
            for (int c = 0; c < 4; c++) {
                for (int q = 0; q < p; q++) {
                    tokens[(bi * p + q) * 4 + c] = gn[(bi * 4 + c) * p + q];
                }
            }
        }
        float[] att = Reference.attention(tokens, n, p, 4, tokens, p, 4, 1, 4,
                w("attn.to_q.weight", WeightInit.FAN_IN_UNIFORM, 4, 4), w("attn.to_q.bias", WeightInit.BIAS, 4),
                w("attn.to_k.weight", WeightInit.FAN_IN_UNIFORM, 4, 4), w("attn.to_k.bias", WeightInit.BIAS, 4),
                w("attn.to_v.weight", WeightInit.FAN_IN_UNIFORM, 4, 4), w("attn.to_v.bias", WeightInit.BIAS, 4),
                w("attn.to_out.0.weight", WeightInit.FAN_IN_UNIFORM, 4, 4), w("attn.to_out.0.bias", WeightInit.BIAS, 4), null);
        float[] expected = new float[xs.length];
        for (int bi = 0; bi < n; bi++) {
            for (int c = 0; c < 4; c++) {
                for (int q = 0; q < p; q++) {
                    expected[(bi * 4 + c) * p + q] = xs[(bi * 4 + c) * p + q] + att[(bi * p + q) * 4 + c];
                }
            }
        }
        assertClose(expected, r.data());
    }

    /** Transformer2DModel: group norm, proj_in, self/cross attention, GEGLU feed-forward, proj_out, residual. */
    @Test
    void spatialTransformerMatchesReference() throws OrtException {
        DiffusionBlocks b = blocks("st");
        String x = b.graph().input("x", FLOAT, "batch_size", 8, "height", "width");
        String ctx = b.graph().input("ctx", FLOAT, "batch_size", "sequence_length", 6);
        String y = b.spatialTransformer("st", x, ctx, 8, 6, 2, 4);
        int n = 2;
        int p = 2 * 3;
        int s = 5;
        float[] xs = Reference.random(14, n * 8 * p, 1);
        float[] cs = Reference.random(15, n * s * 6, 1);
        OrtHarness.Result r = run(b.graph(), y, new long[] {n, 8, 2, 3},
                "x", OrtHarness.floats(xs, n, 8, 2, 3), "ctx", OrtHarness.floats(cs, n, s, 6));

        float[] h = toTokens(Reference.groupNorm(xs, n, 8, p, 4, w("st.norm.weight", WeightInit.NORM_SCALE, 8),
                w("st.norm.bias", WeightInit.NORM_SHIFT, 8), 1e-6), n, 8, p);
        h = Reference.linear(h, 8, w("st.proj_in.weight", WeightInit.FAN_IN_UNIFORM, 8, 8), w("st.proj_in.bias", WeightInit.BIAS, 8), 8);
        String blk = "st.transformer_blocks.0";
        float[] a1 = attn(blk + ".attn1", ln(blk + ".norm1", h, 8), n, p, null, 0, 8);
        h = add(h, a1);
        float[] a2 = attn(blk + ".attn2", ln(blk + ".norm2", h, 8), n, p, cs, s, 6);
        h = add(h, a2);
        float[] proj = Reference.linear(ln(blk + ".norm3", h, 8), 8, w(blk + ".ff.net.0.proj.weight", WeightInit.FAN_IN_UNIFORM, 64, 8),
                w(blk + ".ff.net.0.proj.bias", WeightInit.BIAS, 64), 64);
        float[] gated = new float[n * p * 32];
        for (int row = 0; row < n * p; row++) {
            for (int i = 0; i < 32; i++) {
                gated[row * 32 + i] = (float) (proj[row * 64 + i] * Reference.gelu(proj[row * 64 + 32 + i]));
            }
        }
        h = add(h, Reference.linear(gated, 32, w(blk + ".ff.net.2.weight", WeightInit.FAN_IN_UNIFORM, 8, 32),
                w(blk + ".ff.net.2.bias", WeightInit.BIAS, 8), 8));
        h = Reference.linear(h, 8, w("st.proj_out.weight", WeightInit.FAN_IN_UNIFORM, 8, 8), w("st.proj_out.bias", WeightInit.BIAS, 8), 8);
        assertClose(add(xs, toImage(h, n, 8, p)), r.data());
    }

    /** A CLIP encoder layer with the causal mask, and the time-embedding MLP with LCM's cond_proj. */
    @Test
    void clipLayerAndTimestepMlpMatchReference() throws OrtException {
        DiffusionBlocks b = blocks("clip");
        String ids = b.graph().input("input_ids", INT64, "batch_size", "sequence_length");
        String x = b.graph().input("x", FLOAT, "batch_size", "sequence_length", 8);
        String t = b.graph().input("t", FLOAT, "batch_size", 8);
        String c = b.graph().input("c", FLOAT, "batch_size", 3);
        String layer = b.clipEncoderLayer("layer", x, b.causalMask(ids), 8, 2, 16);
        b.graph().output(b.timestepMlp("time", t, 8, 12, c, 3), "temb", FLOAT, "batch_size", 12);
        int n = 2;
        int l = 4;
        float[] xs = Reference.random(16, n * l * 8, 1);
        float[] ts = Reference.random(17, n * 8, 1);
        float[] cs = Reference.random(18, n * 3, 1);
        Map<String, OrtHarness.Result> out;
        b.graph().output(layer, "y", FLOAT, "batch_size", "sequence_length", 8);
        try (var session = OrtHarness.session(b.graph().build())) {
            out = OrtHarness.run(session, Map.of("input_ids", OrtHarness.longs(new long[n * l], n, l),
                    "x", OrtHarness.floats(xs, n, l, 8), "t", OrtHarness.floats(ts, n, 8), "c", OrtHarness.floats(cs, n, 3)));
        }
        float[] mask = new float[l * l];
        for (int i = 0; i < l; i++) {
            for (int j = i + 1; j < l; j++) {
                mask[i * l + j] = -Float.MAX_VALUE;
            }
        }
        float[] normed = ln("layer.layer_norm1", xs, 8);
        float[] h = add(xs, Reference.attention(normed, n, l, 8, normed, l, 8, 2, 4,
                w("layer.self_attn.q_proj.weight", WeightInit.FAN_IN_UNIFORM, 8, 8), w("layer.self_attn.q_proj.bias", WeightInit.BIAS, 8),
                w("layer.self_attn.k_proj.weight", WeightInit.FAN_IN_UNIFORM, 8, 8), w("layer.self_attn.k_proj.bias", WeightInit.BIAS, 8),
                w("layer.self_attn.v_proj.weight", WeightInit.FAN_IN_UNIFORM, 8, 8), w("layer.self_attn.v_proj.bias", WeightInit.BIAS, 8),
                w("layer.self_attn.out_proj.weight", WeightInit.FAN_IN_UNIFORM, 8, 8), w("layer.self_attn.out_proj.bias", WeightInit.BIAS, 8),
                mask));
        float[] m = Reference.linear(ln("layer.layer_norm2", h, 8), 8, w("layer.mlp.fc1.weight", WeightInit.FAN_IN_UNIFORM, 16, 8),
                w("layer.mlp.fc1.bias", WeightInit.BIAS, 16), 16);
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) Reference.gelu(m[i]);
        }
        h = add(h, Reference.linear(m, 16, w("layer.mlp.fc2.weight", WeightInit.FAN_IN_UNIFORM, 8, 16),
                w("layer.mlp.fc2.bias", WeightInit.BIAS, 8), 8));
        assertClose(h, out.get("y").data());

        float[] e = add(ts, Reference.linear(cs, 3, w("time.cond_proj.weight", WeightInit.FAN_IN_UNIFORM, 8, 3), null, 8));
        e = siluAll(Reference.linear(e, 8, w("time.linear_1.weight", WeightInit.FAN_IN_UNIFORM, 12, 8),
                w("time.linear_1.bias", WeightInit.BIAS, 12), 12));
        e = Reference.linear(e, 12, w("time.linear_2.weight", WeightInit.FAN_IN_UNIFORM, 12, 12),
                w("time.linear_2.bias", WeightInit.BIAS, 12), 12);
        assertClose(e, out.get("temb").data());
    }

    private float[] ln(String prefix, float[] x, int dim) {
        return Reference.layerNorm(x, dim, w(prefix + ".weight", WeightInit.NORM_SCALE, dim), w(prefix + ".bias", WeightInit.NORM_SHIFT, dim), 1e-5);
    }

    /** diffusers attention (no q/k/v bias); self-attention when ctx is null. */
    private float[] attn(String prefix, float[] x, int n, int l, float[] ctx, int s, int ctxDim) {
        float[] kv = ctx == null ? x : ctx;
        int kvLen = ctx == null ? l : s;
        int kvDim = ctx == null ? 8 : ctxDim;
        return Reference.attention(x, n, l, 8, kv, kvLen, kvDim, 2, 4,
                w(prefix + ".to_q.weight", WeightInit.FAN_IN_UNIFORM, 8, 8), null,
                w(prefix + ".to_k.weight", WeightInit.FAN_IN_UNIFORM, 8, kvDim), null,
                w(prefix + ".to_v.weight", WeightInit.FAN_IN_UNIFORM, 8, kvDim), null,
                w(prefix + ".to_out.0.weight", WeightInit.FAN_IN_UNIFORM, 8, 8), w(prefix + ".to_out.0.bias", WeightInit.BIAS, 8), null);
    }

    private static float[] add(float[] a, float[] b) {
        float[] y = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            y[i] = a[i] + b[i];
        }
        return y;
    }

    /** [n, c, p] -> [n, p, c]. */
    private static float[] toTokens(float[] x, int n, int c, int p) {
        float[] y = new float[x.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int q = 0; q < p; q++) {
                    y[(b * p + q) * c + ch] = x[(b * c + ch) * p + q];
                }
            }
        }
        return y;
    }

    /** [n, p, c] -> [n, c, p]. */
    private static float[] toImage(float[] x, int n, int c, int p) {
        float[] y = new float[x.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int q = 0; q < p; q++) {
                    y[(b * c + ch) * p + q] = x[(b * p + q) * c + ch];
                }
            }
        }
        return y;
    }

    private static float[] siluAll(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) Reference.silu(x[i]);
        }
        return y;
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
