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
import apprentice.core.tensor.Tensor;
import apprentice.onnx.graph.ElementType;
import apprentice.onnx.runtime.OnnxAutoencoder;
import apprentice.onnx.runtime.OnnxModelFolder;
import apprentice.onnx.runtime.OnnxUnet;
import apprentice.onnx.runtime.RuntimeOptions;
import apprentice.onnx.synth.SyntheticModelFolder;
import apprentice.onnx.synth.SyntheticSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export variants (timestep dtype and rank, LCM timestep_cond, legacy VAE, external data) and broken folders. */
class SyntheticVariantsTest {
    static final RuntimeOptions CPU = SyntheticPipelineTest.CPU;

    @TempDir
    Path tmp;

    private Path write(String name, SyntheticSpec spec) {
        Path dir = tmp.resolve(name);
        SyntheticModelFolder.write(dir, spec);
        return dir;
    }

    private static GenerationResult generate(Path dir, GenerationRequest req) {
        try (ModelComponents m = OnnxModelFolder.load(dir, CPU)) {
            return new DiffusionPipeline(m).generate(req);
        }
    }

    private static GenerationRequest.Builder request() {
        return GenerationRequest.builder().prompt("a red fox").seed(42).steps(2).guidanceScale(5.0).scheduler("ddim");
    }

    @Test
    void everyTimestepDtypeAndRankGivesTheSameImage() {
        GenerationRequest req = request().build();
        Tensor reference = null;
        Object[][] variants = {{ElementType.INT64, true}, {ElementType.INT32, true}, {ElementType.FLOAT, false},
                {ElementType.INT64, false}};
        for (Object[] v : variants) {
            ElementType type = (ElementType) v[0];
            boolean scalar = (Boolean) v[1];
            Path dir = write(type + "-" + scalar, SyntheticSpec.tiny().withTimestep(type, scalar));
            try (ModelComponents m = OnnxModelFolder.load(dir, CPU)) {
                OnnxUnet unet = (OnnxUnet) m.unet();
                assertEquals(OnnxJavaType.valueOf(type.name()), unet.timestepType());
                assertEquals(scalar ? 0 : 1, unet.timestepRank());
                GenerationResult r = new DiffusionPipeline(m).generate(req);
                if (reference == null) {
                    reference = r.images();
                } else {
                    // DDIM's timesteps are whole numbers: the graph sees the same value whatever its dtype
                    assertArrayEquals(reference.data(), r.images().data(), type + (scalar ? "[]" : "[B]"));
                }
            }
        }
    }

    @Test
    void lcmUnetGetsTheGuidanceEmbeddingWithoutCfg() {
        Path dir = write("lcm", SyntheticSpec.tiny().withTimestepCond(32).withScheduler("LCMScheduler", "epsilon"));
        try (ModelComponents m = OnnxModelFolder.load(dir, CPU)) {
            assertEquals(32, m.unet().timestepCondDim());
            DiffusionPipeline p = new DiffusionPipeline(m);
            GenerationRequest.Builder b = GenerationRequest.builder().prompt("fox").seed(1).steps(4);
            GenerationResult g8 = p.generate(b.guidanceScale(8).build());
            GenerationResult g2 = p.generate(b.guidanceScale(2).build());
            assertFalse(g8.guidanceApplied());
            assertEquals("LCMScheduler", g8.scheduler());
            assertEquals(4, g8.nfe());
            assertFalse(Arrays.equals(g8.images().data(), g2.images().data()), "the guidance embedding reaches the UNet");
            GenerationResult edit = p.generate(b.initImage(SyntheticPipelineTest.image(64)).strength(0.5).build());
            assertEquals(4, edit.nfe(), "LCM img2img runs all n steps of set_timesteps(n, strength)");
        }
    }

    @Test
    void legacyVaeEncoderUsesItsSample() {
        Path dir = write("legacy", SyntheticSpec.tiny().withLegacyLatentSample(true));
        try (ModelComponents m = OnnxModelFolder.load(dir, CPU)) {
            assertTrue(((OnnxAutoencoder) m.vae()).legacyEncoder());
            DiffusionPipeline p = new DiffusionPipeline(m);
            GenerationRequest.Builder b = request().initImage(SyntheticPipelineTest.image(64)).strength(0);
            GenerationResult a = p.generate(b.seed(1).build());
            GenerationResult c = p.generate(b.seed(2).build());
            assertArrayEquals(a.latents().data(), c.latents().data(), "no posterior draw: the seed does not matter");
            assertEquals(2, p.generate(b.strength(0.5).steps(4).build()).nfe());
        }
    }

    @Test
    void externalDataIsLoadedAndItsAbsenceNamed() throws IOException {
        Path dir = write("external", SyntheticSpec.tiny().withExternalDataThreshold(1024));
        assertTrue(Files.isRegularFile(dir.resolve("unet/model.onnx_data")));
        GenerationResult r = generate(dir, request().build());
        assertArrayEquals(new int[] {1, 3, 64, 64}, r.images().shape());
        Files.delete(dir.resolve("unet/model.onnx_data"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxModelFolder.load(dir, CPU));
        assertTrue(e.getMessage().contains("missing unet/model.onnx_data (external data of unet/model.onnx)"), e.getMessage());
    }

    @Test
    void aModelInTheWrongRoleIsRejectedWithItsInputs() throws IOException {
        Path dir = write("swapped", SyntheticSpec.tiny());
        Files.copy(dir.resolve("text_encoder/model.onnx"), dir.resolve("unet/model.onnx"), StandardCopyOption.REPLACE_EXISTING);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxModelFolder.load(dir, CPU));
        String m = e.getMessage();
        assertTrue(m.contains(dir.resolve("unet/model.onnx") + " does not fit the UNet role"), m);
        assertTrue(m.contains("it has no input 'sample'"), m);
        assertTrue(m.contains("Expected inputs 'sample'"), m);
        assertTrue(m.contains("the model has inputs [input_ids: "), m);
    }

    @Test
    void aFolderWithoutVaeEncoderGeneratesButCannotEdit() throws IOException {
        Path dir = write("noencoder", SyntheticSpec.tiny());
        Files.delete(dir.resolve("vae_encoder/model.onnx"));
        try (ModelComponents m = OnnxModelFolder.load(dir, CPU)) {
            DiffusionPipeline p = new DiffusionPipeline(m);
            assertEquals(2, p.generate(request().build()).nfe());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> p.generate(request().initImage(SyntheticPipelineTest.image(64)).strength(0.5).build()));
            assertTrue(e.getMessage().contains("has no vae_encoder/model.onnx, so it cannot do image-to-image"), e.getMessage());
        }
    }

    @Test
    void pinnedUnetDimsRunAndMismatchesFailClearly() {
        Path dir = write("pinned", SyntheticSpec.tiny());
        RuntimeOptions pinned = CPU.withUnetDims(Map.of("batch_size", 2L));
        try (ModelComponents m = OnnxModelFolder.load(dir, pinned)) {
            DiffusionPipeline p = new DiffusionPipeline(m);
            assertEquals(2, p.generate(request().build()).nfe(), "CFG batch of 2 fits the pin");
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> p.generate(request().guidanceScale(1).build()));
            assertTrue(e.getMessage().contains("ONNX Runtime failed running the UNet"), e.getMessage());
        }
    }
}
