package apprentice.onnx.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import apprentice.core.pipeline.DiffusionPipeline;
import apprentice.core.pipeline.GenerationRequest;
import apprentice.core.pipeline.GenerationResult;
import apprentice.core.pipeline.ModelComponents;
import apprentice.core.pipeline.PhaseTimings;
import apprentice.core.tensor.Tensor;
import apprentice.onnx.graph.ElementType;
import apprentice.onnx.runtime.OnnxAutoencoder;
import apprentice.onnx.runtime.OnnxModelFolder;
import apprentice.onnx.runtime.OnnxTextEncoder;
import apprentice.onnx.runtime.OnnxUnet;
import apprentice.onnx.runtime.RuntimeOptions;
import apprentice.onnx.synth.SyntheticModelFolder;
import apprentice.onnx.synth.SyntheticSpec;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on tiny synthesised model folders: load with {@link OnnxModelFolder}, generate with
 * {@link DiffusionPipeline}. The models compute meaningless but deterministic functions, so these tests check
 * plumbing (shapes, dtypes, draws, determinism), not image quality.
 */
class SyntheticPipelineTest {
    static final RuntimeOptions CPU = RuntimeOptions.defaults().withThreads(1, 1);
    static final List<String> SCHEDULERS = List.of("ddim", "lcm", "euler", "euler_a", "dpmpp_2m", "unipc");

    @TempDir
    static Path shared;
    static ModelComponents tiny;
    static DiffusionPipeline pipeline;

    @BeforeAll
    static void load() {
        Path dir = shared.resolve("tiny");
        SyntheticModelFolder.write(dir, SyntheticSpec.tiny());
        tiny = OnnxModelFolder.load(dir, CPU);
        pipeline = new DiffusionPipeline(tiny);
    }

    @AfterAll
    static void close() {
        tiny.close();
    }

    static GenerationRequest.Builder request() {
        return GenerationRequest.builder().prompt("a red fox").seed(42).steps(3).guidanceScale(5.0);
    }

    static Tensor image(int side) {
        float[] d = new float[3 * side * side];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) Math.sin(0.05 * i);
        }
        return new Tensor(new int[] {1, 3, side, side}, d);
    }

    static void assertFinite(Tensor t) {
        for (float v : t.data()) {
            assertTrue(Float.isFinite(v), "non-finite value in " + t);
        }
    }

    @Test
    void loadsTheFolderAsItsMetadataSays() {
        assertEquals("tiny", tiny.name());
        assertEquals(64, tiny.defaultImageSize());
        assertEquals(77, tiny.textEncoder().sequenceLength());
        assertEquals(32, tiny.textEncoder().hiddenSize());
        assertEquals(OnnxJavaType.INT64, ((OnnxUnet) tiny.unet()).timestepType());
        assertEquals(0, ((OnnxUnet) tiny.unet()).timestepRank());
        assertEquals(0.18215f, tiny.vae().scalingFactor());
        assertEquals(8, tiny.vae().downscaleFactor());
        assertEquals("PNDMScheduler", tiny.schedulerConfig().className());
        assertTrue(((OnnxAutoencoder) tiny.vae()).hasEncoder());
    }

    @Test
    void textToImageWithEverySchedulerIsDeterministic() {
        for (String s : SCHEDULERS) {
            GenerationRequest req = request().scheduler(s).build();
            GenerationResult a = pipeline.generate(req);
            GenerationResult b = pipeline.generate(req);
            assertArrayEquals(new int[] {1, 3, 64, 64}, a.images().shape(), s);
            assertArrayEquals(new int[] {1, 4, 8, 8}, a.latents().shape(), s);
            assertFinite(a.images());
            assertEquals(3, a.nfe(), s);
            assertTrue(a.guidanceApplied());
            assertArrayEquals(a.images().data(), b.images().data(), s + ": same seed must give the same bytes");
            GenerationResult other = pipeline.generate(request().scheduler(s).seed(43).build());
            assertFalse(Arrays.equals(a.images().data(), other.images().data()), s + ": another seed, another image");
        }
    }

    @Test
    void imageToImageWithEveryScheduler() {
        for (String s : SCHEDULERS) {
            GenerationResult r = pipeline.generate(request().scheduler(s).steps(4).initImage(image(64)).strength(0.5).build());
            assertEquals(2, r.nfe(), s + ": int(4·0.5) steps");
            assertArrayEquals(new int[] {1, 3, 64, 64}, r.images().shape());
            assertFinite(r.images());
            GenerationResult again = pipeline.generate(request().scheduler(s).steps(4).initImage(image(64)).strength(0.5).build());
            assertArrayEquals(r.images().data(), again.images().data(), s);
        }
    }

    @Test
    void strengthZeroIsTheReconstructionWithoutUnetCalls() {
        GenerationResult r = pipeline.generate(request().initImage(image(64)).strength(0).build());
        assertEquals(0, r.nfe());
        assertEquals(0, r.timesteps().length);
        assertArrayEquals(new int[] {1, 3, 64, 64}, r.images().shape());
        GenerationResult again = pipeline.generate(request().initImage(image(64)).strength(0).seed(43).build());
        assertFalse(Arrays.equals(r.latents().data(), again.latents().data()), "the posterior is sampled with the seed");
    }

    @Test
    void batchImagesMatchTheirSeedsRunAlone() {
        GenerationResult batch = pipeline.generate(request().prompts(List.of("a red fox", "blue sky")).imagesPerPrompt(2)
                .seeds(List.of(5L, 6L, 7L, 8L)).scheduler("euler_a").build());
        assertArrayEquals(new int[] {4, 3, 64, 64}, batch.images().shape());
        for (int i = 0; i < 4; i++) {
            GenerationResult alone = pipeline.generate(request().prompt(i < 2 ? "a red fox" : "blue sky").seed(5 + i)
                    .scheduler("euler_a").build());
            float[] a = alone.images().data();
            float[] b = batch.image(i).data();
            double maxDiff = 0;
            for (int k = 0; k < a.length; k++) {
                maxDiff = Math.max(maxDiff, Math.abs(a[k] - b[k]));
            }
            // ONNX Runtime may block its kernels differently per batch size: equal up to float rounding
            assertTrue(maxDiff < 1e-4, "image " + i + " differs from its seed run alone by " + maxDiff);
        }
    }

    @Test
    void timingsSeparateRuntimeFromPipelineWork() {
        PhaseTimings t = pipeline.generate(request().build()).timings();
        assertTrue(t.runtimeNanos() > 0 && t.runtimeNanos() <= t.modelCallNanos(), t.toString());
        assertTrue(t.modelCallNanos() <= t.totalNanos(), t.toString());
        assertTrue(t.textEncodeNanos() > 0 && t.denoiseNanos() > 0 && t.decodeNanos() > 0, t.toString());
    }

    @Test
    void tokenIdsAreFedInTheSessionsDtype() {
        assertTrue(Arrays.asList(OnnxJavaType.INT32, OnnxJavaType.INT64)
                .contains(((OnnxTextEncoder) tiny.textEncoder()).idType()));
    }

    @Test
    void concurrentRunsOnOnePipelineGiveTheSequentialResults() throws Exception {
        GenerationRequest a = request().seed(11).scheduler("euler_a").build();
        GenerationRequest b = request().prompt("blue sky").seed(12).scheduler("dpmpp_2m").guidanceScale(1).build();
        float[] seqA = pipeline.generate(a).images().data();
        float[] seqB = pipeline.generate(b).images().data();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var fa = pool.submit(() -> pipeline.generate(a));
            var fb = pool.submit(() -> pipeline.generate(b));
            assertArrayEquals(seqA, fa.get().images().data(), "components serialise their calls and keep no run state");
            assertArrayEquals(seqB, fb.get().images().data());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void promptsLongerThanTheEncoderAreReportedTruncated() {
        String longPrompt = "a very long prompt ".repeat(6); // 114 bytes: the byte-level vocabulary keeps 75
        GenerationResult r = pipeline.generate(request().prompt(longPrompt).steps(1).build());
        assertEquals(List.of(longPrompt), r.truncatedPrompts());
    }
}
