package apprentice.onnx.synth;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import apprentice.onnx.graph.ElementType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticModelFolderTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @TempDir
    static Path shared;
    static Path tiny;

    @BeforeAll
    static void writeTiny() {
        tiny = shared.resolve("tiny");
        SyntheticModelFolder.write(tiny, SyntheticSpec.tiny());
    }

    static OrtSession open(Path model) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(1);
        return ENV.createSession(model.toString(), o);
    }

    /** Asserts one input or output: its dtype and each dim (String: that symbolic name, Integer: that fixed size). */
    static void assertValue(Map<String, NodeInfo> infos, String name, OnnxJavaType type, Object... dims) {
        assertTrue(infos.containsKey(name), "missing " + name + " in " + infos.keySet());
        TensorInfo t = (TensorInfo) infos.get(name).getInfo();
        assertEquals(type, t.type, name + " dtype");
        assertEquals(dims.length, t.getShape().length, name + " rank");
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] instanceof String s) {
                assertEquals(s, t.getDimensionNames()[i], name + " dim " + i + " name");
                assertEquals(-1, t.getShape()[i], name + " dim " + i + " must be dynamic");
            } else {
                assertEquals(((Integer) dims[i]).longValue(), t.getShape()[i], name + " dim " + i);
            }
        }
    }

    static float[] random(long seed, int n) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
        }
        return x;
    }

    static Map<String, float[]> run(OrtSession s, Map<String, OnnxTensor> in) throws OrtException {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (OrtSession.Result r = s.run(in)) {
            for (Map.Entry<String, OnnxValue> e : r) {
                FloatBuffer fb = ((OnnxTensor) e.getValue()).getFloatBuffer();
                float[] a = new float[fb.remaining()];
                fb.get(a);
                out.put(e.getKey(), a);
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
        return out;
    }

    static OnnxTensor floats(float[] d, long... shape) throws OrtException {
        return OnnxTensor.createTensor(ENV, FloatBuffer.wrap(d), shape);
    }

    static void assertFinite(float[] x, String what) {
        for (float v : x) {
            assertTrue(Float.isFinite(v), what + " has a non-finite value");
        }
    }

    @Test
    void tinyFolderHasEveryFileAndConfig() throws IOException {
        for (String f : List.of("model_index.json", "scheduler/scheduler_config.json", "tokenizer/vocab.json",
                "tokenizer/merges.txt", "tokenizer/tokenizer_config.json", "text_encoder/model.onnx",
                "unet/model.onnx", "unet/config.json", "vae_encoder/model.onnx", "vae_encoder/config.json",
                "vae_decoder/model.onnx", "vae_decoder/config.json")) {
            assertTrue(Files.isRegularFile(tiny.resolve(f)), f);
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode sched = json.readTree(tiny.resolve("scheduler/scheduler_config.json").toFile());
        assertEquals("PNDMScheduler", sched.get("_class_name").asText());
        assertEquals("scaled_linear", sched.get("beta_schedule").asText());
        assertEquals(0.18215, json.readTree(tiny.resolve("vae_decoder/config.json").toFile()).get("scaling_factor").asDouble(), 1e-7);
        assertEquals(8, json.readTree(tiny.resolve("unet/config.json").toFile()).get("sample_size").asInt());
        JsonNode vocab = json.readTree(tiny.resolve("tokenizer/vocab.json").toFile());
        assertEquals(514, vocab.size());
        assertEquals(513, vocab.get("<|endoftext|>").asInt());
        assertEquals("#version: 0.2\n", Files.readString(tiny.resolve("tokenizer/merges.txt")));
    }

    @Test
    void sessionsExposeExactlyTheOptimumInterface() throws OrtException {
        try (OrtSession s = open(tiny.resolve("text_encoder/model.onnx"))) {
            assertEquals(List.of("input_ids"), List.copyOf(s.getInputNames()));
            assertEquals(List.of("last_hidden_state", "pooler_output"), List.copyOf(s.getOutputNames()));
            assertValue(s.getInputInfo(), "input_ids", OnnxJavaType.INT64, "batch_size", "sequence_length");
            assertValue(s.getOutputInfo(), "last_hidden_state", OnnxJavaType.FLOAT, "batch_size", "sequence_length", 32);
            assertValue(s.getOutputInfo(), "pooler_output", OnnxJavaType.FLOAT, "batch_size", 32);
        }
        try (OrtSession s = open(tiny.resolve("unet/model.onnx"))) {
            assertEquals(List.of("sample", "timestep", "encoder_hidden_states"), List.copyOf(s.getInputNames()));
            assertEquals(List.of("out_sample"), List.copyOf(s.getOutputNames()));
            assertValue(s.getInputInfo(), "sample", OnnxJavaType.FLOAT, "batch_size", 4, "height", "width");
            assertValue(s.getInputInfo(), "timestep", OnnxJavaType.INT64);
            assertValue(s.getInputInfo(), "encoder_hidden_states", OnnxJavaType.FLOAT, "batch_size", "sequence_length", 32);
            assertValue(s.getOutputInfo(), "out_sample", OnnxJavaType.FLOAT, "batch_size", 4, "height", "width");
        }
        try (OrtSession s = open(tiny.resolve("vae_encoder/model.onnx"))) {
            assertEquals(List.of("sample"), List.copyOf(s.getInputNames()));
            assertEquals(List.of("latent_parameters"), List.copyOf(s.getOutputNames()));
            assertValue(s.getInputInfo(), "sample", OnnxJavaType.FLOAT, "batch_size", 3, "sample_height", "sample_width");
            assertValue(s.getOutputInfo(), "latent_parameters", OnnxJavaType.FLOAT, "batch_size", 8,
                    "sample_height / 8", "sample_width / 8");
        }
        try (OrtSession s = open(tiny.resolve("vae_decoder/model.onnx"))) {
            assertEquals(List.of("latent_sample"), List.copyOf(s.getInputNames()));
            assertEquals(List.of("sample"), List.copyOf(s.getOutputNames()));
            assertValue(s.getInputInfo(), "latent_sample", OnnxJavaType.FLOAT, "batch_size", 4, "latent_height", "latent_width");
            assertValue(s.getOutputInfo(), "sample", OnnxJavaType.FLOAT, "batch_size", 3,
                    "latent_height * 8", "latent_width * 8");
        }
    }

    @Test
    void everyComponentRunsWithConsistentShapes() throws OrtException {
        long[] ids = new long[2 * 77];
        java.util.Arrays.fill(ids, 513);
        ids[0] = 512;
        ids[1] = 'c';
        ids[77] = 512;
        float[] hidden;
        try (OrtSession s = open(tiny.resolve("text_encoder/model.onnx"))) {
            Map<String, float[]> out = run(s, Map.of("input_ids", OnnxTensor.createTensor(ENV, LongBuffer.wrap(ids), new long[] {2, 77})));
            hidden = out.get("last_hidden_state");
            assertEquals(2 * 77 * 32, hidden.length);
            assertEquals(2 * 32, out.get("pooler_output").length);
            // pooled = hidden state at the first end-of-text token (position 2 in row 0, 1 in row 1)
            assertArrayEquals(java.util.Arrays.copyOfRange(hidden, 2 * 32, 3 * 32),
                    java.util.Arrays.copyOfRange(out.get("pooler_output"), 0, 32));
            assertArrayEquals(java.util.Arrays.copyOfRange(hidden, (77 + 1) * 32, (77 + 2) * 32),
                    java.util.Arrays.copyOfRange(out.get("pooler_output"), 32, 64));
            assertFinite(hidden, "last_hidden_state");
        }
        try (OrtSession s = open(tiny.resolve("unet/model.onnx"))) {
            float[] eps = run(s, Map.of(
                    "sample", floats(random(1, 2 * 4 * 8 * 12), 2, 4, 8, 12),
                    "timestep", OnnxTensor.createTensor(ENV, LongBuffer.wrap(new long[] {981}), new long[0]),
                    "encoder_hidden_states", floats(hidden, 2, 77, 32))).get("out_sample");
            assertEquals(2 * 4 * 8 * 12, eps.length);
            assertFinite(eps, "out_sample");
        }
        float[] params;
        try (OrtSession s = open(tiny.resolve("vae_encoder/model.onnx"))) {
            params = run(s, Map.of("sample", floats(random(2, 3 * 64 * 48), 1, 3, 64, 48))).get("latent_parameters");
            assertEquals(8 * 8 * 6, params.length);
            assertFinite(params, "latent_parameters");
        }
        try (OrtSession s = open(tiny.resolve("vae_decoder/model.onnx"))) {
            float[] img = run(s, Map.of("latent_sample", floats(java.util.Arrays.copyOf(params, 4 * 8 * 6), 1, 4, 8, 6))).get("sample");
            assertEquals(3 * 64 * 48, img.length);
            assertFinite(img, "sample");
        }
    }

    @Test
    void sameSeedGivesIdenticalBytesAndAnotherSeedDoesNot() throws IOException {
        Path again = shared.resolve("tiny-again");
        SyntheticModelFolder.write(again, SyntheticSpec.tiny());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(tiny)) {
            files = walk.filter(Files::isRegularFile).map(tiny::relativize).sorted().toList();
        }
        for (Path f : files) {
            assertArrayEquals(Files.readAllBytes(tiny.resolve(f)), Files.readAllBytes(again.resolve(f)), f.toString());
        }
        Path other = shared.resolve("tiny-seed-2");
        SyntheticModelFolder.write(other, SyntheticSpec.tiny().withSeed(2));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(tiny.resolve("unet/model.onnx")),
                Files.readAllBytes(other.resolve("unet/model.onnx"))));
    }

    /** int64/int32/float timesteps, scalar or per-item, with and without LCM's timestep_cond: all run and agree. */
    @Test
    void timestepVariantsRunAndAgree() throws OrtException {
        float[] sample = random(5, 2 * 4 * 8 * 8);
        float[] context = random(6, 2 * 5 * 32);
        float[] reference = null;
        for (ElementType type : List.of(ElementType.INT64, ElementType.INT32, ElementType.FLOAT)) {
            for (boolean scalar : List.of(true, false)) {
                Path dir = shared.resolve("t-" + type + "-" + scalar);
                SyntheticSpec spec = SyntheticSpec.tiny().withTimestep(type, scalar);
                Path unet = dir.resolve("unet/model.onnx");
                new UnetOnly(spec).write(unet);
                try (OrtSession s = open(unet)) {
                    assertValue(s.getInputInfo(), "timestep", javaType(type), scalar ? new Object[0] : new Object[] {"batch_size"});
                    long[] shape = scalar ? new long[0] : new long[] {2};
                    int n = scalar ? 1 : 2;
                    OnnxTensor t = switch (type) {
                        case INT64 -> OnnxTensor.createTensor(ENV, LongBuffer.wrap(filledLong(n, 500)), shape);
                        case INT32 -> OnnxTensor.createTensor(ENV, IntBuffer.wrap(filledInt(n, 500)), shape);
                        case FLOAT -> OnnxTensor.createTensor(ENV, FloatBuffer.wrap(filledFloat(n, 500f)), shape);
                    };
                    float[] out = run(s, Map.of("sample", floats(sample, 2, 4, 8, 8), "timestep", t,
                            "encoder_hidden_states", floats(context, 2, 5, 32))).get("out_sample");
                    if (reference == null) {
                        reference = out;
                    } else {
                        assertArrayEquals(reference, out, 1e-6f, type + " scalar=" + scalar);
                    }
                }
            }
        }
        Path lcm = shared.resolve("lcm/unet/model.onnx");
        new UnetOnly(SyntheticSpec.tiny().withTimestepCond(16)).write(lcm);
        try (OrtSession s = open(lcm)) {
            assertEquals(List.of("sample", "timestep", "encoder_hidden_states", "timestep_cond"), List.copyOf(s.getInputNames()));
            assertValue(s.getInputInfo(), "timestep_cond", OnnxJavaType.FLOAT, "batch_size", 16);
            float[] withCond = run(s, Map.of("sample", floats(sample, 2, 4, 8, 8),
                    "timestep", OnnxTensor.createTensor(ENV, LongBuffer.wrap(new long[] {500}), new long[0]),
                    "encoder_hidden_states", floats(context, 2, 5, 32),
                    "timestep_cond", floats(random(7, 2 * 16), 2, 16))).get("out_sample");
            assertFinite(withCond, "LCM out_sample");
            assertFalse(java.util.Arrays.equals(reference, withCond), "timestep_cond must change the output");
        }
    }

    @Test
    void legacyEncoderOutputsTheMeanOfTheLatentParameters() throws OrtException {
        Path dir = shared.resolve("legacy");
        SyntheticModelFolder.write(dir, SyntheticSpec.tiny().withLegacyLatentSample(true));
        float[] image = random(8, 3 * 32 * 32);
        float[] params;
        float[] mean;
        try (OrtSession s = open(tiny.resolve("vae_encoder/model.onnx"))) {
            params = run(s, Map.of("sample", floats(image, 1, 3, 32, 32))).get("latent_parameters");
        }
        try (OrtSession s = open(dir.resolve("vae_encoder/model.onnx"))) {
            assertValue(s.getOutputInfo(), "latent_sample", OnnxJavaType.FLOAT, "batch_size", 4,
                    "sample_height / 8", "sample_width / 8");
            mean = run(s, Map.of("sample", floats(image, 1, 3, 32, 32))).get("latent_sample");
        }
        assertArrayEquals(java.util.Arrays.copyOf(params, 4 * 4 * 4), mean);
    }

    @Test
    void builtInFamilyShapeHasFactorFourAndExternalDataVariantMatchesInline() throws OrtException, IOException {
        SyntheticSpec spec = SyntheticSpec.builtInFamilyShape();
        assertEquals(4, spec.vae().scaleFactor());
        assertEquals(64, spec.imageSize());
        Path inline = shared.resolve("family-inline");
        Path external = shared.resolve("family-external");
        SyntheticModelFolder.write(inline, spec);
        SyntheticModelFolder.write(external, spec.withExternalDataThreshold(1024));
        assertFalse(Files.exists(inline.resolve("unet/model.onnx_data")));
        for (String c : List.of("text_encoder", "unet", "vae_encoder", "vae_decoder")) {
            assertTrue(Files.size(external.resolve(c + "/model.onnx_data")) > 100_000, c + " external data");
        }
        float[] image = random(9, 2 * 3 * 64 * 64);
        float[] a;
        float[] b;
        try (OrtSession s = open(inline.resolve("vae_encoder/model.onnx"))) {
            assertValue(s.getOutputInfo(), "latent_parameters", OnnxJavaType.FLOAT, "batch_size", 8,
                    "sample_height / 4", "sample_width / 4");
            a = run(s, Map.of("sample", floats(image, 2, 3, 64, 64))).get("latent_parameters");
        }
        try (OrtSession s = open(external.resolve("vae_encoder/model.onnx"))) {
            b = run(s, Map.of("sample", floats(image, 2, 3, 64, 64))).get("latent_parameters");
        }
        assertEquals(2 * 8 * 16 * 16, a.length);
        assertArrayEquals(a, b);
    }

    @Test
    void specsRejectMismatchedComponents() {
        SyntheticSpec t = SyntheticSpec.tiny();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SyntheticSpec(1,
                new apprentice.onnx.graph.TextEncoderConfig(514, 77, 64, 1, 2, 128), t.unet(), t.vae(),
                false, 0.18215f, "DDIMScheduler", "epsilon", Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("crossAttentionDim 32 must equal the text encoder's dim 64"), e.getMessage());
    }

    static OnnxJavaType javaType(ElementType t) {
        return switch (t) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case INT64 -> OnnxJavaType.INT64;
            case INT32 -> OnnxJavaType.INT32;
        };
    }

    static long[] filledLong(int n, long v) {
        long[] a = new long[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    static int[] filledInt(int n, int v) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    static float[] filledFloat(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /** Writes just the UNet of a spec, with the same weights SyntheticModelFolder would use. */
    record UnetOnly(SyntheticSpec spec) {
        void write(Path file) {
            apprentice.onnx.graph.OnnxModelWriter.save(
                    apprentice.onnx.graph.UnetGraph.build(spec.unet(), SyntheticModelFolder.weightsFor(spec, SyntheticModelFolder.Component.UNET)),
                    file);
        }
    }
}
