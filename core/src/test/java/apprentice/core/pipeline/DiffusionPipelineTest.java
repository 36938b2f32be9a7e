package apprentice.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.noise.TorchGenerator;
import apprentice.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiffusionPipelineTest {

    private static GenerationRequest.Builder request() {
        return GenerationRequest.builder().prompt("cat").seed(7).steps(4).guidanceScale(3.0);
    }

    private static Tensor image(int batch, int side) {
        float[] d = new float[batch * 3 * side * side];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) Math.sin(0.3 * i);
        }
        return new Tensor(new int[] {batch, 3, side, side}, d);
    }

    @Test
    void cfgCombinesUncondAndCondFromOneDoubledUnetCall() {
        Fakes.Rig rig = new Fakes.Rig();
        GenerationResult r = rig.pipeline.generate(request().steps(1).build());

        // one text-encoder call for [negative "", prompt "cat"], one UNet call with the doubled batch
        assertEquals(List.of(2), rig.text.batchSizes);
        assertEquals(List.of(2), rig.unet.batchSizes);
        assertTrue(r.guidanceApplied());
        assertEquals(1, r.nfe());

        // by hand: hidden("") = 0.25·1, hidden("cat") = 0.25·4; x0 = 2·randn; in = 0.5·x0; t = 999
        // eps_u = 0.25 + 0.1·in + 0.999, eps_c = 1.0 + 0.1·in + 0.999
        // eps = eps_u + 3·(eps_c − eps_u) = 0.25 + 0.1·in + 0.999 + 2.25; x1 = x0 − 0.1·eps
        float[] z = new TorchGenerator(7).randn(1, 4, 4, 4).data();
        float[] got = r.latents().data();
        for (int i = 0; i < z.length; i++) {
            double x0 = 2.0 * z[i];
            double eps = 0.25 + 0.1 * (0.5 * x0) + 0.999 + 2.25;
            assertEquals(x0 - 0.1 * eps, got[i], 1e-5, "latent " + i);
        }
        // decode divides by the scaling factor 0.5; the fake VAE copies latent channels 0..2 up-sampled
        assertEquals(got[0] / Fakes.SCALING, r.images().data()[0], 1e-6);
        assertArrayEquals(new int[] {1, 3, 8, 8}, r.images().shape());
    }

    @Test
    void guidanceAtMostOneRunsASingleBatch() {
        for (double g : new double[] {1.0, 0.0, -2.0}) {
            Fakes.Rig rig = new Fakes.Rig();
            GenerationResult r = rig.pipeline.generate(request().prompts(List.of("a", "b")).guidanceScale(g).build());
            assertFalse(r.guidanceApplied());
            assertEquals(List.of(2), rig.text.batchSizes, "no negative prompts encoded");
            assertEquals(List.of(2, 2, 2, 2), rig.unet.batchSizes);
        }
        Fakes.Rig rig = new Fakes.Rig();
        rig.pipeline.generate(request().prompts(List.of("a", "b")).guidanceScale(1.01).build());
        assertEquals(List.of(4, 4, 4, 4), rig.unet.batchSizes);
    }

    @Test
    void lcmUnetGetsTheGuidanceEmbeddingAndNoCfgBatch() {
        Fakes.Rig rig = new Fakes.Rig(8, true, false);
        GenerationResult r = rig.pipeline.generate(request().guidanceScale(8.0).imagesPerPrompt(2).build());
        assertFalse(r.guidanceApplied());
        assertEquals(List.of(2, 2, 2, 2), rig.unet.batchSizes);
        Tensor cond = rig.unet.conds.get(0);
        assertArrayEquals(new int[] {2, 8}, cond.shape());
        // diffusers: emb_k = exp(−k·ln(10000)/(half−1)); [sin(1000·w·emb) | cos(1000·w·emb)], w = g − 1
        for (int k = 0; k < 4; k++) {
            double freq = Math.exp(-k * Math.log(10000) / 3);
            assertEquals(Math.sin(7000 * freq), cond.data()[k], 2e-3);
            assertEquals(Math.cos(7000 * freq), cond.data()[4 + k], 2e-3);
            assertEquals(cond.data()[k], cond.data()[8 + k], 0f, "every row the same");
        }
    }

    @Test
    void img2imgStrengthDecidesHowManyStepsRun() {
        Tensor init = image(1, 8);
        int[] expectedCalls = {0, 0, 5, 10};
        double[] strengths = {0.0, 0.05, 0.5, 1.0};
        for (int k = 0; k < strengths.length; k++) {
            Fakes.Rig rig = new Fakes.Rig();
            GenerationResult r = rig.pipeline.generate(request().steps(10).initImage(init).strength(strengths[k]).build());
            assertEquals(expectedCalls[k], rig.unet.batchSizes.size(), "strength " + strengths[k]);
            assertEquals(expectedCalls[k], r.nfe());
            assertEquals(strengths[k], r.strength());
            double[] all = {999, 899, 799, 699, 599, 499, 399, 299, 199, 99};
            assertArrayEquals(Arrays.copyOfRange(all, 10 - expectedCalls[k], 10), r.timesteps());
            if (expectedCalls[k] > 0) {
                assertEquals(10 - expectedCalls[k], rig.lastScheduler().beginIndex);
            }
        }
    }

    @Test
    void strengthZeroReturnsTheReconstructionOfTheSampledPosterior() {
        Fakes.Rig rig = new Fakes.Rig();
        Tensor init = image(1, 8);
        GenerationResult r = rig.pipeline.generate(request().initImage(init).strength(0).build());
        assertEquals(0, rig.unet.batchSizes.size());
        // posterior sample = mean + exp(−1)·ε with ε the generator's first draw; × 0.5 then ÷ 0.5 on decode
        float[] eps = new TorchGenerator(7).randn(1, 4, 4, 4).data();
        float std = (float) Math.exp(0.5f * -2f);
        float mean00 = init.data()[0];
        assertEquals((mean00 + std * eps[0]) * Fakes.SCALING, r.latents().data()[0], 1e-6);
        assertEquals(mean00 + std * eps[0], r.images().data()[0], 1e-5);
    }

    @Test
    void img2imgNoisesTheScaledSampleWithTheSecondDraw() {
        Fakes.Rig rig = new Fakes.Rig();
        Tensor init = image(1, 8);
        GenerationResult r = rig.pipeline.generate(request().steps(10).initImage(init).strength(0.1).build());
        assertEquals(1, r.nfe());
        TorchGenerator g = new TorchGenerator(7);
        float[] eps = g.randn(1, 4, 4, 4).data();
        float[] noise = g.randn(1, 4, 4, 4).data();
        float std = (float) Math.exp(-1.0);
        double x = 0.6 * ((init.data()[0] + std * eps[0]) * 0.5) + 0.8 * noise[0];
        // one step at t = 99: eps = hidden terms + 0.1·0.5·x + 0.099, CFG g = 3: 0.25 + 3·0.75 = 2.5
        double pred = 2.5 + 0.05 * x + 0.099;
        assertEquals(x - 0.1 * pred, r.latents().data()[0], 1e-5);
    }

    @Test
    void strengthOutsideZeroToOneIsRejected() {
        for (double s : new double[] {-0.1, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> request().initImage(image(1, 8)).strength(s).build());
            assertTrue(e.getMessage().contains("[0, 1]"), e.getMessage());
        }
    }

    @Test
    void cancellationBetweenStepsStopsWithoutOutput() {
        Fakes.Rig rig = new Fakes.Rig();
        CancellationToken token = new CancellationToken();
        ProgressListener cancelAtTwo = new ProgressListener() {
            @Override
            public void stepFinished(StepEvent e) {
                if (e.step() == 2) {
                    token.cancel();
                }
            }
        };
        GenerationCancelledException e = assertThrows(GenerationCancelledException.class,
                () -> rig.pipeline.generate(request().steps(5).build(), cancelAtTwo, token));
        assertTrue(e.getMessage().contains("step 3 of 5"), e.getMessage());
        assertEquals(2, rig.unet.batchSizes.size());
        assertEquals(0, rig.vae.decodeCalls);
    }

    @Test
    void cancelledBeforeStartRunsNothing() {
        Fakes.Rig rig = new Fakes.Rig();
        CancellationToken token = new CancellationToken();
        token.cancel();
        assertThrows(GenerationCancelledException.class, () -> rig.pipeline.generate(request().build(), null, token));
        assertTrue(rig.text.batchSizes.isEmpty());
    }

    @Test
    void progressEventsArriveInOrder() {
        Fakes.Rig rig = new Fakes.Rig();
        List<String> events = new ArrayList<>();
        ProgressListener recorder = new ProgressListener() {
            @Override
            public void phaseStarted(Phase p) {
                events.add("start " + p);
            }

            @Override
            public void phaseFinished(Phase p, long nanos) {
                assertTrue(nanos >= 0);
                events.add("end " + p);
            }

            @Override
            public void stepFinished(StepEvent e) {
                events.add("step " + e.step() + "/" + e.totalSteps() + " t=" + (int) e.timestep());
            }
        };
        rig.pipeline.generate(request().steps(10).initImage(image(1, 8)).strength(0.3).build(), recorder, null);
        assertEquals(List.of("start TEXT_ENCODE", "end TEXT_ENCODE", "start IMAGE_ENCODE", "end IMAGE_ENCODE",
                "start DENOISE", "step 1/3 t=299", "step 2/3 t=199", "step 3/3 t=99", "end DENOISE",
                "start DECODE", "end DECODE"), events);
    }

    @Test
    void sameSeedGivesIdenticalOutput() {
        GenerationRequest req = request().build();
        GenerationResult a = new Fakes.Rig(0, true, false).pipeline.generate(req);
        GenerationResult b = new Fakes.Rig(0, true, false).pipeline.generate(req);
        assertArrayEquals(a.images().data(), b.images().data());
        GenerationResult c = new Fakes.Rig(0, true, false).pipeline.generate(request().seed(8).build());
        assertFalse(Arrays.equals(a.images().data(), c.images().data()));
    }

    @Test
    void imageInABatchEqualsItsSeedRunAlone() {
        for (boolean img2img : new boolean[] {false, true}) {
            GenerationRequest.Builder batch = request().prompts(List.of("a", "bb")).imagesPerPrompt(2)
                    .seeds(List.of(10L, 11L, 12L, 13L)).negativePrompt("ugly");
            if (img2img) {
                batch.initImage(image(1, 8)).strength(0.75);
            }
            GenerationResult all = new Fakes.Rig(0, true, false).pipeline.generate(batch.build());
            assertEquals(List.of(10L, 11L, 12L, 13L), all.seeds());
            for (int i = 0; i < 4; i++) {
                GenerationRequest.Builder alone = request().prompt(i < 2 ? "a" : "bb").seed(10 + i).negativePrompt("ugly");
                if (img2img) {
                    alone.initImage(image(1, 8)).strength(0.75);
                }
                GenerationResult one = new Fakes.Rig(0, true, false).pipeline.generate(alone.build());
                assertArrayEquals(one.images().data(), all.image(i).data(), "image " + i + " img2img=" + img2img);
            }
        }
    }

    @Test
    void initialLatentsReplaceTheFirstDraw() {
        float[] d = new float[2 * 4 * 4 * 4];
        Arrays.fill(d, 0.5f);
        Tensor given = new Tensor(new int[] {2, 4, 4, 4}, d);
        Fakes.Rig rig = new Fakes.Rig();
        GenerationResult r = rig.pipeline.generate(request().imagesPerPrompt(2).guidanceScale(1).steps(1)
                .initialLatents(given).size(0, 0).build());
        // x0 = 2·0.5 = 1; eps = 0.25·4 (prompt "cat") + 0.1·0.5·1 + 0.999; x1 = 1 − 0.1·eps
        assertEquals(1 - 0.1 * (1.0 + 0.05 + 0.999), r.latents().data()[0], 1e-6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rig.pipeline.generate(request().initialLatents(given).build()));
        assertTrue(e.getMessage().contains("initial latents have shape [2, 4, 4, 4]"), e.getMessage());
    }

    @Test
    void legacyVaeUsesTheSampleWithoutADraw() {
        Fakes.Rig rig = new Fakes.Rig(0, false, true);
        Tensor init = image(1, 8);
        GenerationResult r = rig.pipeline.generate(request().initImage(init).strength(0).build());
        assertEquals(init.data()[0] * Fakes.SCALING, r.latents().data()[0], 0f);
    }

    @Test
    void sharedInitImageIsEncodedOnce() {
        Fakes.Rig rig = new Fakes.Rig();
        rig.pipeline.generate(request().imagesPerPrompt(3).initImage(image(1, 8)).strength(0.5).build());
        assertEquals(1, rig.vae.encodeCalls);
        assertEquals(3, rig.vae.decodeCalls, "decoded one image at a time");
    }

    @Test
    void badRequestsGiveClearMessages() {
        Fakes.Rig rig = new Fakes.Rig();
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> rig.pipeline.generate(request().size(9, 8).build()));
        assertTrue(size.getMessage().contains("not divisible by the VAE's factor 2"), size.getMessage());
        assertThrows(IllegalArgumentException.class, () -> request().prompts(List.of()).build());
        IllegalArgumentException nul = assertThrows(IllegalArgumentException.class,
                () -> request().prompts(java.util.Arrays.asList("a", null)).build());
        assertTrue(nul.getMessage().contains("prompt 1 is null"), nul.getMessage());
        IllegalArgumentException steps = assertThrows(IllegalArgumentException.class, () -> request().steps(0).build());
        assertTrue(steps.getMessage().contains("steps is 0"), steps.getMessage());
        assertThrows(IllegalArgumentException.class, () -> request().seeds(List.of(1L, 2L)).build());
        assertThrows(IllegalArgumentException.class, () -> request().seed(-1).build());
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                () -> rig.pipeline.generate(request().size(16, 16).initImage(image(1, 8)).build()));
        assertTrue(mismatch.getMessage().contains("differs from the init image"), mismatch.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> rig.pipeline.generate(request().prompts(List.of("a", "b", "c")).initImage(image(2, 8)).build()));
        assertTrue(rig.text.batchSizes.isEmpty(), "bad requests are rejected before any model call");
    }

    @Test
    void timingsAddUp() {
        Fakes.Rig rig = new Fakes.Rig();
        PhaseTimings t = rig.pipeline.generate(request().build()).timings();
        assertTrue(t.totalNanos() >= t.textEncodeNanos() + t.denoiseNanos() + t.decodeNanos());
        assertTrue(t.modelCallNanos() <= t.totalNanos());
        assertEquals(t.modelCallNanos(), t.runtimeNanos(), "fakes report no runtime of their own");
        assertEquals(0, t.imageEncodeNanos());
        assertTrue(t.outsideRuntimeShare() >= 0 && t.outsideRuntimeShare() <= 1);
    }

    @Test
    void guidanceEmbeddingPadsOddWidths() {
        Tensor e = GuidanceEmbedding.of(2.5, 7, 1);
        assertEquals(0f, e.data()[6], 0f);
        assertEquals(Math.sin(2500.0), e.data()[0], 1e-3);
        assertEquals(Math.cos(2500.0), e.data()[3], 1e-3);
    }

    @Test
    void promptsAreRepeatedPerImageInDiffusersOrder() {
        GenerationRequest r = request().prompts(List.of("a", "b")).imagesPerPrompt(3).seed(100).build();
        assertEquals(6, r.batchSize());
        assertEquals("a", r.promptOfImage(2));
        assertEquals("b", r.promptOfImage(3));
        assertEquals(List.of(100L, 101L, 102L, 103L, 104L, 105L), r.seeds());
        assertEquals(List.of("", ""), r.negativePrompts());
        assertNull(r.scheduler());
    }

    private static final java.util.Map<String, Object> SD_SCHEDULE = java.util.Map.of("num_train_timesteps", 1000,
            "beta_start", 0.00085, "beta_end", 0.012, "beta_schedule", "scaled_linear", "steps_offset", 1,
            "set_alpha_to_one", false, "clip_sample", false);

    private static DiffusionPipeline standard(String className, Fakes.Unet unet) {
        java.util.Map<String, Object> cfg = new java.util.HashMap<>(SD_SCHEDULE);
        cfg.put("_class_name", className);
        return new DiffusionPipeline(new ModelComponents(Fakes::tokenize, new Fakes.TextEnc(), unet,
                new Fakes.Vae(false), new apprentice.core.scheduler.SchedulerConfig(cfg), "fake", 8));
    }

    @Test
    void standardSchedulersComeFromTheFolderConfigOrTheRequest() {
        Fakes.Unet unet = new Fakes.Unet(0);
        GenerationResult ddim = standard("DDIMScheduler", unet).generate(request().steps(4).build());
        assertEquals("DDIMScheduler", ddim.scheduler());
        assertArrayEquals(new double[] {751, 501, 251, 1}, ddim.timesteps(), "DDIM leading spacing, steps_offset 1");
        GenerationResult lcm = standard("DDIMScheduler", unet).generate(request().steps(4).scheduler("lcm").build());
        assertEquals("LCMScheduler", lcm.scheduler());
        assertThrows(IllegalArgumentException.class,
                () -> standard("DDIMScheduler", unet).generate(request().scheduler("nope").build()));
    }

    @Test
    void lcmModelImg2ImgRunsAllStepsFromTheStrengthSchedule() {
        // true LCM model (timestep_cond): LCM's set_timesteps(n, strength), all n steps run
        Fakes.Unet lcmUnet = new Fakes.Unet(8);
        GenerationResult r = standard("LCMScheduler", lcmUnet)
                .generate(request().steps(4).initImage(image(1, 8)).strength(0.5).build());
        assertEquals(4, r.nfe());
        assertTrue(r.timesteps()[0] < 500, java.util.Arrays.toString(r.timesteps()));
        // LCM scheduler on a plain UNet: StableDiffusionImg2ImgPipeline's get_timesteps keeps int(4·0.5) = 2
        GenerationResult plain = standard("LCMScheduler", new Fakes.Unet(0))
                .generate(request().steps(4).initImage(image(1, 8)).strength(0.5).build());
        assertEquals(2, plain.nfe());
    }

    @Test
    void truncatedPromptsAreReported() {
        PromptTokenizer cutsLongOnes = new PromptTokenizer() {
            @Override
            public int[][] tokenizeBatch(List<String> texts) {
                return Fakes.tokenize(texts);
            }

            @Override
            public boolean isTruncated(String text) {
                return text.length() > 5;
            }
        };
        ModelComponents parts = new ModelComponents(cutsLongOnes, new Fakes.TextEnc(), new Fakes.Unet(0),
                new Fakes.Vae(false), new apprentice.core.scheduler.SchedulerConfig(java.util.Map.of()), "fake", 8);
        DiffusionPipeline p = new DiffusionPipeline(parts, (n, b) -> new Fakes.Sched(false));
        GenerationResult r = p.generate(request().prompts(List.of("short", "a long prompt", "a long prompt"))
                .negativePrompt("blurry and ugly").build());
        assertEquals(List.of("blurry and ugly", "a long prompt"), r.truncatedPrompts());
        assertEquals(List.of(), p.generate(request().prompt("cat").build()).truncatedPrompts());
    }
}
