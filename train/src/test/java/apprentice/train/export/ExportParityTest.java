package apprentice.train.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import apprentice.onnx.graph.ElementType;
import apprentice.onnx.graph.MapWeights;
import apprentice.onnx.graph.TextEncoderConfig;
import apprentice.onnx.graph.TextEncoderGraph;
import apprentice.onnx.graph.UnetConfig;
import apprentice.onnx.graph.UnetGraph;
import apprentice.train.ae.AutoencoderConfig;
import apprentice.train.ae.AutoencoderModel;
import apprentice.train.clip.ClipConfig;
import apprentice.train.clip.ClipModel;
import apprentice.train.clip.TextTransformer;
import apprentice.train.diffusion.GuidanceEmbedding;
import apprentice.train.diffusion.UnetModel;
import apprentice.train.nn.ParamStore;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each exported component, built from small random-initialised DJL blocks, gives the same outputs in
 * ONNX Runtime as in DJL within 1e-4: the export reads the parameters DJL trained, by name and layout.
 */
class ExportParityTest {
    static final float TOL = 1e-4f;
    static NDManager manager;
    static OrtEnvironment env = OrtEnvironment.getEnvironment();

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        env = OrtEnvironment.getEnvironment();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** Perturbs every parameter (norm scales and biases away from 1 and 0) so that none is trivially checked. */
    static void perturb(ParamStore ps, long seed) {
        Random r = new Random(seed);
        for (String name : ps.all().keySet()) {
            float[] v = ps.values(name);
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (r.nextDouble() - 0.5) * 0.1f;
            }
            ps.set(name, v);
        }
    }

    static float[] random(int n, long seed, float scale) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian() * scale;
        }
        return v;
    }

    static Map<String, float[]> run(ModelProto model, Map<String, OnnxTensor> inputs) throws OrtException {
        try (OrtSession s = env.createSession(model.toByteArray(), new OrtSession.SessionOptions());
                OrtSession.Result r = s.run(inputs)) {
            Map<String, float[]> out = new LinkedHashMap<>();
            for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : r) {
                OnnxTensor t = (OnnxTensor) e.getValue();
                FloatBuffer fb = t.getFloatBuffer();
                float[] v = new float[fb.remaining()];
                fb.get(v);
                out.put(e.getKey(), v);
            }
            return out;
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    static OnnxTensor floats(float[] v, long... shape) throws OrtException {
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape);
    }

    static OnnxTensor longs(long[] v, long... shape) throws OrtException {
        return OnnxTensor.createTensor(env, LongBuffer.wrap(v), shape);
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " size");
        float worst = 0;
        float scale = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        assertTrue(worst <= TOL, what + ": max |DJL − ORT| = " + worst + " (max |DJL| " + scale + ", first "
                + expected[0] + " vs " + actual[0] + ")");
    }

    @Test
    void autoencoderEncoderAndDecoder() throws OrtException {
        try (NDManager m = manager.newSubManager()) {
            ParamStore ps = new ParamStore(m, 1);
            AutoencoderConfig c = new AutoencoderConfig(8, 16, 4, 4);
            AutoencoderModel ae = new AutoencoderModel(ps, c);
            perturb(ps, 2);
            float[] x = random(2 * 3 * 16 * 16, 3, 0.5f);
            float[] djl = ae.encode(m.create(x, new Shape(2, 3, 16, 16))).toFloatArray();
            MapWeights enc = Weights.of(ps, "encoder.");
            Map<String, float[]> ort = run(AutoencoderGraphs.encoder(c, enc), Map.of("sample", floats(x, 2, 3, 16, 16)));
            Weights.requireAllUsed(enc, "encoder");
            assertClose(djl, ort.get("latent_parameters"), "vae encoder");

            float[] z = random(2 * 4 * 4 * 4, 4, 1f);
            float[] djlDec = ae.decode(m.create(z, new Shape(2, 4, 4, 4))).toFloatArray();
            MapWeights dec = Weights.of(ps, "decoder.");
            Map<String, float[]> ortDec = run(AutoencoderGraphs.decoder(c, dec), Map.of("latent_sample", floats(z, 2, 4, 4, 4)));
            Weights.requireAllUsed(dec, "decoder");
            assertClose(djlDec, ortDec.get("sample"), "vae decoder");
        }
    }

    static int[][] tokenRows(int vocab) {
        // start token, a few words, end token (the largest id) then padding with the end token
        int[][] ids = new int[2][77];
        for (int b = 0; b < 2; b++) {
            int len = 5 + 3 * b;
            ids[b][0] = vocab - 2;
            for (int j = 1; j < len; j++) {
                ids[b][j] = (7 * j + 3 * b) % (vocab - 2);
            }
            for (int j = len; j < 77; j++) {
                ids[b][j] = vocab - 1;
            }
        }
        return ids;
    }

    static long[] flat(int[][] ids) {
        long[] v = new long[ids.length * ids[0].length];
        for (int i = 0; i < ids.length; i++) {
            for (int j = 0; j < ids[i].length; j++) {
                v[i * ids[i].length + j] = ids[i][j];
            }
        }
        return v;
    }

    @Test
    void textEncoderMatchesTheGraphWritersClipTextModel() throws OrtException {
        try (NDManager m = manager.newSubManager()) {
            ParamStore ps = new ParamStore(m, 5);
            TextEncoderConfig c = new TextEncoderConfig(60, 77, 16, 2, 2, 32);
            TextTransformer text = new TextTransformer(ps, c);
            perturb(ps, 6);
            int[][] ids = tokenRows(60);
            NDArray hidden = text.forward(TextTransformer.ids(m, ids));
            float[] djl = hidden.toFloatArray();
            float[] pooled = TextTransformer.pool(hidden, ids).toFloatArray();
            MapWeights w = Weights.of(ps, null);
            Map<String, float[]> ort = run(TextEncoderGraph.build(c, w), Map.of("input_ids", longs(flat(ids), 2, 77)));
            Weights.requireAllUsed(w, "text encoder");
            assertClose(djl, ort.get("last_hidden_state"), "last_hidden_state");
            assertClose(pooled, ort.get("pooler_output"), "pooler_output");
        }
    }

    @Test
    void unetWithoutAttentionLevels() throws OrtException {
        unetParity(new UnetConfig(4, 4, new int[] {16, 32}, 1, 2, 2, 4, 12, ElementType.INT64, false, 8, 8));
    }

    @Test
    void unetWithGuidanceEmbeddingMatchesTheGraphWritersUnet() throws OrtException {
        unetParity(new UnetConfig(4, 4, new int[] {16, 32}, 1, 1, 2, 4, 12, ElementType.INT64, false, 8, 8));
    }

    @Test
    void unetNoCond() throws OrtException {
        unetParity(new UnetConfig(4, 4, new int[] {16, 32}, 1, 2, 2, 4, 12, ElementType.INT64, false, 0, 8));
    }

    @Test
    void unetOneLevel() throws OrtException {
        unetParity(new UnetConfig(4, 4, new int[] {8}, 1, 2, 2, 4, 12, ElementType.INT64, false, 0, 8));
    }

    @Test
    void unetWithTextTimeEmbeddingAndPositionMap() throws OrtException {
        UnetConfig c = new UnetConfig(4, 4, new int[] {16, 32}, 1, 1, 2, 4, 12, ElementType.INT64, false, 8, 8, true, true);
        // both branches start at zero: give them weights as large as the rest so a wrong graph cannot hide
        float[] out = unetParity(c, ps -> {
            ps.set("add_embedding.linear.weight", random(64 * 12, 11, 0.3f));
            ps.set("conv_in_position", random(16 * 8 * 8, 12, 0.5f));
        });
        float[] plain = unetParity(c, ps -> {
            ps.set("add_embedding.linear.weight", new float[64 * 12]);
            ps.set("add_embedding.linear.bias", new float[64]);
            ps.set("conv_in_position", new float[16 * 8 * 8]);
        });
        double diff = 0;
        for (int i = 0; i < out.length; i++) {
            diff = Math.max(diff, Math.abs(out[i] - plain[i]));
        }
        assertTrue(diff > 1e-2, "the two branches should change the output, max difference " + diff);
    }

    @Test
    void positionMapIsResizedForOtherLatentSizes() throws OrtException {
        UnetConfig c = new UnetConfig(4, 4, new int[] {16, 32}, 1, 1, 2, 4, 12, ElementType.INT64, false, 0, 8, true, true);
        try (NDManager m = manager.newSubManager()) {
            ParamStore ps = new ParamStore(m, 7);
            new UnetModel(ps, c);
            perturb(ps, 8);
            Map<String, OnnxTensor> in = new java.util.HashMap<>(Map.of(
                    "sample", floats(random(4 * 16 * 12, 9, 1f), 1, 4, 16, 12),
                    "timestep", longs(new long[] {500}, 1),
                    "encoder_hidden_states", floats(random(5 * 12, 10, 1f), 1, 5, 12)));
            float[] out = run(UnetGraph.build(c, Weights.of(ps, null)), in).get("out_sample");
            assertEquals(4 * 16 * 12, out.length, "a 16×12 latent through an 8×8 position map");
        }
    }

    void unetParity(UnetConfig c) throws OrtException {
        unetParity(c, ps -> { });
    }

    /** Checks ONNX Runtime against DJL for {@code c} (weights perturbed, then {@code adjust}ed) and returns the output. */
    float[] unetParity(UnetConfig c, java.util.function.Consumer<ParamStore> adjust) throws OrtException {
        try (NDManager m = manager.newSubManager()) {
            ParamStore ps = new ParamStore(m, 7);
            UnetModel unet = new UnetModel(ps, c);
            perturb(ps, 8);
            adjust.accept(ps);
            float[] x = random(2 * 4 * 8 * 8, 9, 1f);
            float[] ctx = random(2 * 5 * 12, 10, 1f);
            float[] cond = new float[2 * 8];
            System.arraycopy(GuidanceEmbedding.embed(3f, 8), 0, cond, 0, 8);
            System.arraycopy(GuidanceEmbedding.embed(0.5f, 8), 0, cond, 8, 8);
            boolean withCond = c.timestepCondDim() > 0;
            float[] djl = unet.forward(m.create(x, new Shape(2, 4, 8, 8)), m.create(new float[] {999f, 19f}),
                    m.create(ctx, new Shape(2, 5, 12)), withCond ? m.create(cond, new Shape(2, 8)) : null).toFloatArray();
            MapWeights w = Weights.of(ps, null);
            Map<String, OnnxTensor> in = new java.util.HashMap<>(Map.of(
                    "sample", floats(x, 2, 4, 8, 8),
                    "timestep", longs(new long[] {999, 19}, 2),
                    "encoder_hidden_states", floats(ctx, 2, 5, 12)));
            if (withCond) {
                in.put("timestep_cond", floats(cond, 2, 8));
            }
            Map<String, float[]> ort = run(UnetGraph.build(c, w), in);
            Weights.requireAllUsed(w, "unet");
            assertClose(djl, ort.get("out_sample"), "unet out_sample");
            return djl;
        }
    }

    /**
     * The exporter's {@code --float16-unets} on the shipped teacher's shape: once DJL's weights are rounded to float16
     * as the export rounds them, ONNX Runtime's float16-weight graph gives DJL's outputs, so the casts feed every
     * weight to the right place and nothing else changes.
     */
    @Test
    void float16UnetOfTheShippedTeacherShapeMatchesDjlWithRoundedWeights() throws OrtException {
        UnetConfig c = apprentice.train.diffusion.UnetConfigs.teacher(64,
                new apprentice.train.diffusion.UnetShape(new int[] {64, 128}, 1, 4, true, true));
        int minElements = 64;
        try (NDManager m = manager.newSubManager()) {
            ParamStore ps = new ParamStore(m, 21);
            UnetModel unet = new UnetModel(ps, c);
            ps.set("add_embedding.linear.weight", random((int) ps.get("add_embedding.linear.weight").size(), 22, 0.05f));
            ps.set("conv_in_position", random((int) ps.get("conv_in_position").size(), 23, 0.3f));
            for (String name : ps.all().keySet()) {
                float[] v = ps.values(name);
                if (v.length >= minElements) {
                    for (int i = 0; i < v.length; i++) {
                        v[i] = ai.onnxruntime.platform.Fp16Conversions.fp16ToFloat(
                                ai.onnxruntime.platform.Fp16Conversions.floatToFp16(v[i]));
                    }
                    ps.set(name, v);
                }
            }
            float[] x = random(2 * 4 * 16 * 16, 24, 1f);
            float[] ctx = random(2 * 77 * 64, 25, 1f);
            float[] djl = unet.forward(m.create(x, new Shape(2, 4, 16, 16)), m.create(new float[] {981f, 1f}),
                    m.create(ctx, new Shape(2, 77, 64)), null).toFloatArray();
            MapWeights w = Weights.of(ps, null);
            ModelProto half = apprentice.onnx.graph.Float16Weights.convert(UnetGraph.build(c, w), minElements);
            Weights.requireAllUsed(w, "unet");
            long halfWeights = half.getGraph().getInitializerList().stream()
                    .filter(t -> t.getName().endsWith(apprentice.onnx.graph.Float16Weights.SUFFIX)).count();
            assertTrue(halfWeights > 20, "most weights stored as float16: " + halfWeights);
            Map<String, float[]> ort = run(half, Map.of(
                    "sample", floats(x, 2, 4, 16, 16),
                    "timestep", longs(new long[] {981, 1}, 2),
                    "encoder_hidden_states", floats(ctx, 2, 77, 64)));
            assertClose(djl, ort.get("out_sample"), "float16-weight unet out_sample");
        }
    }

    @Test
    void oracleMatchesDjlEmbeddingsAndLogits() throws OrtException {
        try (NDManager m = manager.newSubManager()) {
            ParamStore ps = new ParamStore(m, 11);
            ClipConfig c = new ClipConfig(new TextEncoderConfig(60, 77, 16, 1, 2, 32), 8, 4, 12);
            ClipModel clip = new ClipModel(ps, c);
            perturb(ps, 12);
            int[][] ids = tokenRows(60);
            float[] px = random(3 * 3 * 64 * 64, 13, 0.5f);
            NDArray txt = clip.textEmbeds(TextTransformer.ids(m, ids), ids);
            NDArray img = clip.imageEmbeds(m.create(px, new Shape(3, 3, 64, 64)));
            float scale = (float) Math.exp(ps.values("logit_scale")[0]);
            float[] logits = img.matMul(txt.transpose()).mul(scale).toFloatArray();
            MapWeights w = Weights.of(ps, null);
            long[] mask = new long[2 * 77];
            java.util.Arrays.fill(mask, 1);
            Map<String, float[]> ort = run(OracleGraph.build(c, w), Map.of(
                    "input_ids", longs(flat(ids), 2, 77),
                    "pixel_values", floats(px, 3, 3, 64, 64),
                    "attention_mask", longs(mask, 2, 77)));
            Weights.requireAllUsed(w, "oracle");
            assertClose(txt.toFloatArray(), ort.get("text_embeds"), "text_embeds");
            assertClose(img.toFloatArray(), ort.get("image_embeds"), "image_embeds");
            assertClose(logits, ort.get("logits_per_image"), "logits_per_image");
            assertArrayEquals(new float[] {logits[1]}, new float[] {ort.get("logits_per_text")[3]}, TOL,
                    "logits_per_text is the transpose");
        }
    }
}
