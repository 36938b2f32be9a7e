package apprentice.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.model.Autoencoder;
import apprentice.core.model.Denoiser;
import apprentice.core.model.LatentDistribution;
import apprentice.core.noise.NoiseSource;
import apprentice.core.noise.TorchGenerator;
import apprentice.core.scheduler.SchedulerConfig;
import apprentice.core.scheduler.SchedulerGolden;
import apprentice.core.scheduler.Schedulers;
import apprentice.core.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's loop against diffusers' recorded runs (golden/schedulers, golden/torch_randn): with the golden
 * files' fake model in place of the UNet, no CFG and the files' explicit noise, every case's free-running
 * {@code final_sample} and the img2img trajectory (get_timesteps, add_noise with the first draw, begin index)
 * must come out of {@link DiffusionPipeline} unchanged; and seed S must start from torch's randn for S.
 */
class PipelineGoldenTest {

    /** The golden fake model {@code 0.5·in + 0.1·cos(t/100)} as a UNet, counting calls. */
    static final class GoldenUnet implements Denoiser {
        final int channels;
        final List<Tensor> inputs = new ArrayList<>();

        GoldenUnet(int channels) {
            this.channels = channels;
        }

        @Override
        public Tensor predict(Tensor sample, double t, Tensor hidden, Tensor cond) {
            inputs.add(sample);
            return SchedulerGolden.fakeModel(sample, t);
        }

        @Override
        public int timestepCondDim() {
            return 0;
        }

        @Override
        public int latentChannels() {
            return channels;
        }

        @Override
        public void close() {
        }
    }

    /** Factor-1 VAE with scaling 1 whose legacy encoder returns a fixed latent (no posterior draw). */
    static final class FixedLatentVae implements Autoencoder {
        final Tensor latent;

        FixedLatentVae(Tensor latent) {
            this.latent = latent;
        }

        @Override
        public LatentDistribution encode(Tensor images) {
            return new LatentDistribution(latent, null);
        }

        @Override
        public Tensor decode(Tensor latents) {
            return Tensor.zeros(latents.dim(0), 3, latents.dim(2), latents.dim(3));
        }

        @Override
        public float scalingFactor() {
            return 1f;
        }

        @Override
        public int downscaleFactor() {
            return 1;
        }

        @Override
        public void close() {
        }
    }

    /** First draw: {@code base_latent} (the img2img noise); then the explicit noise sequence from k = 0. */
    static final class Img2ImgNoise implements NoiseSource {
        final Tensor first;
        final SchedulerGolden.ExplicitNoise rest = new SchedulerGolden.ExplicitNoise();
        boolean used;

        Img2ImgNoise(Tensor first) {
            this.first = first;
        }

        @Override
        public Tensor randn(int... shape) {
            if (!used) {
                used = true;
                return first.copy();
            }
            return rest.randn(shape);
        }
    }

    private static DiffusionPipeline pipeline(SchedulerConfig config, GoldenUnet unet, Autoencoder vae, SeededNoise noise) {
        ModelComponents parts = new ModelComponents(Fakes::tokenize, new Fakes.TextEnc(), unet, vae, config, "golden", 0);
        return new DiffusionPipeline(parts, (name, base) -> Schedulers.create(base), noise);
    }

    private static SchedulerConfig withClass(SchedulerGolden g, SchedulerConfig c) {
        return c.with(Map.of("_class_name", g.schedulerClass()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ddim.json", "euler_discrete.json", "euler_ancestral_discrete.json",
            "dpmsolver_multistep.json", "lcm.json", "unipc_multistep.json"})
    void everyRecordedRunComesOutOfThePipeline(String file) {
        SchedulerGolden g = SchedulerGolden.load(file);
        int[] shape = g.shape();
        for (SchedulerGolden.Case c : g.cases()) {
            GoldenUnet unet = new GoldenUnet(shape[1]);
            DiffusionPipeline p = pipeline(withClass(g, c.config()), unet, new FixedLatentVae(g.imageLatent()),
                    seed -> new SchedulerGolden.ExplicitNoise());
            GenerationResult r = p.generate(GenerationRequest.builder().prompt("x").seed(0).guidanceScale(1.0)
                    .steps(c.numInferenceSteps()).initialLatents(g.baseLatent()).build());
            assertEquals(c.run().steps().size(), unet.inputs.size(), c.id());
            SchedulerGolden.assertClose(c.run().finalSample(), r.latents().data(), file + " " + c.id() + " final_sample");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ddim.json", "euler_discrete.json", "euler_ancestral_discrete.json",
            "dpmsolver_multistep.json", "lcm.json", "unipc_multistep.json"})
    void img2imgTrajectoryComesOutOfThePipeline(String file) {
        SchedulerGolden g = SchedulerGolden.load(file);
        SchedulerGolden.Img2ImgTrajectory tr = g.img2imgTrajectory();
        int[] shape = g.shape();
        GoldenUnet unet = new GoldenUnet(shape[1]);
        DiffusionPipeline p = pipeline(withClass(g, g.img2imgConfig()), unet, new FixedLatentVae(g.imageLatent()),
                seed -> new Img2ImgNoise(g.baseLatent()));
        Tensor image = Tensor.zeros(1, 3, shape[2], shape[3]);
        GenerationResult r = p.generate(GenerationRequest.builder().prompt("x").seed(0).guidanceScale(1.0)
                .steps(tr.numInferenceSteps()).initImage(image).strength(tr.strength()).build());
        SchedulerGolden.assertTimesteps(tr.timesteps(), r.timesteps(), false, file + " img2img timesteps");
        // the UNet's first input: the noised image latent (add_noise with the first draw), scaled where the scheduler scales
        SchedulerGolden.Step first = tr.run().steps().get(0);
        float[] expectedInput = first.modelInput() != null ? first.modelInput() : tr.run().initialLatents();
        SchedulerGolden.assertClose(expectedInput, unet.inputs.get(0).data(), file + " img2img first UNet input");
        assertEquals(tr.run().steps().size(), r.nfe(), file);
        SchedulerGolden.assertClose(tr.run().finalSample(), r.latents().data(), file + " img2img final_sample");
    }

    @Test
    void seedSStartsFromTorchRandnForS() throws IOException {
        JsonNode cases;
        try (InputStream in = getClass().getResourceAsStream("/golden/torch_randn/randn.json")) {
            cases = new ObjectMapper().readTree(in).get("cases");
        }
        Map<Long, float[]> expected = new java.util.HashMap<>();
        for (JsonNode c : cases) {
            if (c.get("shape").toString().equals("[1,4,8,8]")) {
                float[] v = new float[256];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) c.get("values").get(i).asDouble();
                }
                expected.put(c.get("seed").asLong(), v);
            }
        }
        assertTrue(expected.containsKey(42L) && expected.containsKey(1L), expected.keySet().toString());
        // DDIM: init_noise_sigma 1 and scale_model_input the identity, so the UNet sees the raw draws
        SchedulerConfig ddim = new SchedulerConfig(Map.of("_class_name", "DDIMScheduler", "beta_schedule", "scaled_linear",
                "beta_start", 0.00085, "beta_end", 0.012, "steps_offset", 1, "set_alpha_to_one", false));
        GoldenUnet unet = new GoldenUnet(4);
        ModelComponents parts = new ModelComponents(Fakes::tokenize, new Fakes.TextEnc(), unet,
                new FixedLatentVae(null), ddim, "golden", 8);
        new DiffusionPipeline(parts).generate(GenerationRequest.builder().prompts(List.of("a", "b"))
                .seeds(List.of(42L, 1L)).steps(1).guidanceScale(7.5).build());
        float[] first = unet.inputs.get(0).data();
        assertArrayEquals(new int[] {4, 4, 8, 8}, unet.inputs.get(0).shape(), "CFG batch [uncond a, uncond b, a, b]");
        assertArrayEquals(expected.get(42L), java.util.Arrays.copyOfRange(first, 0, 256), "image 0, seed 42");
        assertArrayEquals(expected.get(1L), java.util.Arrays.copyOfRange(first, 256, 512), "image 1, seed 1");
        assertArrayEquals(expected.get(42L), java.util.Arrays.copyOfRange(first, 512, 768), "cond half repeats the latents");
        assertArrayEquals(new TorchGenerator(42).randn(1, 4, 8, 8).data(), expected.get(42L));
    }
}
