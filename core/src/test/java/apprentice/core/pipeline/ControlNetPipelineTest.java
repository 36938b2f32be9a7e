package apprentice.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.model.ControlNet;
import apprentice.core.model.ControlResiduals;
import apprentice.core.scheduler.SchedulerConfig;
import apprentice.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ControlNet in the pipeline, as diffusers' StableDiffusionControlNetPipeline: with closed-form fakes. */
class ControlNetPipelineTest {
    private static final int SIDE = 8; // pixels; latents 4×4 (fake VAE factor 2)

    /** Residual i = scale · control[b, 0, 0, 0] · (i + 1) everywhere; mid = scale · control[b, 0, 0, 0] · 10. Records its calls. */
    static final class FakeControlNet implements ControlNet {
        final int downs;
        final List<Tensor> samples = new ArrayList<>();
        final List<Tensor> controls = new ArrayList<>();
        final List<Double> scales = new ArrayList<>();
        final List<Double> timesteps = new ArrayList<>();

        FakeControlNet(int downs) {
            this.downs = downs;
        }

        @Override
        public ControlResiduals residuals(Tensor sample, double t, Tensor hidden, Tensor control, double scale) {
            if (control.dim(0) != sample.dim(0) || hidden.dim(0) != sample.dim(0)) {
                throw new AssertionError("batch mismatch: sample " + sample.dim(0) + ", control " + control.dim(0));
            }
            samples.add(sample);
            controls.add(control);
            scales.add(scale);
            timesteps.add(t);
            int b = sample.dim(0);
            int h = sample.dim(2);
            int w = sample.dim(3);
            int per = control.size() / b;
            List<Tensor> down = new ArrayList<>();
            for (int i = 0; i < downs; i++) {
                down.add(fill(new int[] {b, Fakes.CHANNELS, h, w}, control, per, (float) (scale * (i + 1))));
            }
            return new ControlResiduals(down, fill(new int[] {b, Fakes.CHANNELS, h / 2, w / 2}, control, per, (float) (scale * 10)));
        }

        private static Tensor fill(int[] shape, Tensor control, int perControl, float factor) {
            int b = shape[0];
            int per = shape[1] * shape[2] * shape[3];
            float[] d = new float[b * per];
            for (int n = 0; n < b; n++) {
                Arrays.fill(d, n * per, (n + 1) * per, factor * control.data()[n * perControl]);
            }
            return new Tensor(shape, d);
        }

        @Override
        public int downResiduals() {
            return downs;
        }

        @Override
        public void close() {
        }
    }

    /** The fake UNet plus 0.01 · (Σ down residuals) + 0.001 · mid[b, 0, 0, 0] at every element. */
    static final class ControlledUnet extends Fakes.Unet {
        final int residualInputs;
        final List<Tensor> samples = new ArrayList<>();

        ControlledUnet(int residualInputs) {
            super(0);
            this.residualInputs = residualInputs;
        }

        @Override
        public Tensor predict(Tensor sample, double t, Tensor hidden, Tensor cond, ControlResiduals r) {
            if (r == null || r.down().size() != residualInputs) {
                throw new AssertionError("expected " + residualInputs + " residuals");
            }
            samples.add(sample);
            Tensor base = predict(sample, t, hidden, cond);
            float[] out = base.data().clone();
            int b = sample.dim(0);
            int per = out.length / b;
            int perMid = r.mid().size() / b;
            for (int n = 0; n < b; n++) {
                for (int k = 0; k < per; k++) {
                    float sum = 0;
                    for (Tensor d : r.down()) {
                        sum += d.data()[n * per + k];
                    }
                    out[n * per + k] += 0.01f * sum + 0.001f * r.mid().data()[n * perMid];
                }
            }
            return new Tensor(sample.shape(), out);
        }

        @Override
        public int controlResidualInputs() {
            return residualInputs;
        }
    }

    private static DiffusionPipeline pipeline(Fakes.Unet unet) {
        ModelComponents parts = new ModelComponents(Fakes::tokenize, new Fakes.TextEnc(), unet, new Fakes.Vae(false),
                new SchedulerConfig(Map.of()), "fake", SIDE);
        return new DiffusionPipeline(parts, (name, base) -> new Fakes.Sched(false));
    }

    private static Tensor constant(int batch, float... values) {
        float[] d = new float[batch * 3 * SIDE * SIDE];
        int per = 3 * SIDE * SIDE;
        for (int n = 0; n < batch; n++) {
            Arrays.fill(d, n * per, (n + 1) * per, values[n]);
        }
        return new Tensor(new int[] {batch, 3, SIDE, SIDE}, d);
    }

    private static GenerationRequest.Builder request() {
        return GenerationRequest.builder().prompt("cat").seed(7).steps(3).guidanceScale(3.0);
    }

    @Test
    void underCfgTheControlNetSeesTheUnetsDoubledBatchAndItsResidualsShiftEveryStep() {
        ControlledUnet unet = new ControlledUnet(2);
        FakeControlNet cn = new FakeControlNet(2);
        GenerationResult r = pipeline(unet).withControlNet(cn)
                .generate(request().controlImage(constant(1, 0.5f)).controlScale(0.8).build());
        GenerationResult plain = pipeline(new Fakes.Unet(0)).generate(request().build());

        assertEquals(3, cn.samples.size(), "one ControlNet call per step");
        for (int i = 0; i < 3; i++) {
            assertSame(unet.samples.get(i), cn.samples.get(i), "the ControlNet gets the UNet's own input");
            assertEquals(2, cn.controls.get(i).dim(0), "control image repeated for both CFG halves");
            assertEquals(0.8, cn.scales.get(i), 0.0);
        }
        // residual at every element: 0.01·(0.8·0.5·1 + 0.8·0.5·2) + 0.001·(0.8·0.5·10) = 0.016, the same in both
        // halves, so CFG keeps it as it is. The shift δ of the latents against the plain run then follows the
        // fake step x − 0.1·ε with ε's sample term 0.1·(0.5·x): δ ← δ − 0.1·(0.016 + 0.05·δ)
        double delta = 0;
        for (int step = 0; step < 3; step++) {
            delta = delta - 0.1 * (0.016 + 0.05 * delta);
        }
        float[] got = r.latents().data();
        float[] ref = plain.latents().data();
        for (int i = 0; i < got.length; i++) {
            assertEquals(ref[i] + delta, got[i], 1e-6, "latent " + i);
        }
    }

    @Test
    void scaleZeroGivesTheUncontrolledImage() {
        GenerationResult r = pipeline(new ControlledUnet(3)).withControlNet(new FakeControlNet(3))
                .generate(request().controlImage(constant(1, 0.9f)).controlScale(0.0).build());
        GenerationResult plain = pipeline(new Fakes.Unet(0)).generate(request().build());
        float[] got = r.latents().data();
        for (int i = 0; i < got.length; i++) {
            assertEquals(plain.latents().data()[i], got[i], 1e-6);
        }
    }

    @Test
    void perImageControlImagesFollowTheImagesThroughTheCfgBatch() {
        FakeControlNet cn = new FakeControlNet(1);
        pipeline(new ControlledUnet(1)).withControlNet(cn)
                .generate(request().imagesPerPrompt(2).controlImage(constant(2, 0.25f, 0.75f)).steps(1).build());
        Tensor seen = cn.controls.get(0);
        assertEquals(4, seen.dim(0));
        int per = 3 * SIDE * SIDE;
        float[] firstPixel = new float[4];
        for (int n = 0; n < 4; n++) {
            firstPixel[n] = seen.data()[n * per];
        }
        assertEquals(Arrays.toString(new float[] {0.25f, 0.75f, 0.25f, 0.75f}), Arrays.toString(firstPixel),
                "[uncond img0, uncond img1, cond img0, cond img1]");
    }

    @Test
    void imageToImageIsControlledOnTheStepsThatRun() {
        FakeControlNet cn = new FakeControlNet(1);
        float[] init = new float[3 * SIDE * SIDE];
        Arrays.fill(init, 0.2f);
        GenerationResult r = pipeline(new ControlledUnet(1)).withControlNet(cn).generate(request().steps(10).strength(0.5)
                .initImage(new Tensor(new int[] {1, 3, SIDE, SIDE}, init)).controlImage(constant(1, 0.5f)).build());
        assertEquals(5, r.nfe(), "int(10 · 0.5) steps run");
        assertEquals(5, cn.timesteps.size(), "one ControlNet call per step that runs");
        assertEquals(r.timesteps()[0], cn.timesteps.get(0), 0.0);
    }

    @Test
    void controlGuidanceStartAndEndZeroTheScaleOutsideTheirStepsAsDiffusersControlnetKeep() {
        FakeControlNet cn = new FakeControlNet(1);
        pipeline(new ControlledUnet(1)).withControlNet(cn).generate(request().steps(10).controlImage(constant(1, 0.5f))
                .controlScale(0.8).controlGuidance(0.2, 0.7).build());
        // keep_i = 1 − (i/10 < 0.2 or (i+1)/10 > 0.7): steps 2..6
        assertEquals(List.of(0.0, 0.0, 0.8, 0.8, 0.8, 0.8, 0.8, 0.0, 0.0, 0.0), cn.scales);
        assertThrows(IllegalArgumentException.class, () -> request().controlGuidance(0.5, 0.5).build());
    }

    @Test
    void withoutCfgTheBatchIsNotDoubled() {
        FakeControlNet cn = new FakeControlNet(1);
        pipeline(new ControlledUnet(1)).withControlNet(cn)
                .generate(request().guidanceScale(1.0).controlImage(constant(1, 0.5f)).build());
        assertTrue(cn.controls.stream().allMatch(c -> c.dim(0) == 1));
    }

    @Test
    void mismatchesAreRejectedBeforeAnyModelCallNamingTheFix() {
        FakeControlNet cn = new FakeControlNet(2);
        IllegalArgumentException plainUnet = assertThrows(IllegalArgumentException.class,
                () -> pipeline(new Fakes.Unet(0)).withControlNet(cn));
        assertTrue(plainUnet.getMessage().contains("takes no ControlNet residuals"), plainUnet.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> pipeline(new ControlledUnet(3)).withControlNet(cn));
        assertTrue(count.getMessage().contains("takes 3 down-block residuals but the ControlNet gives 2"), count.getMessage());

        ControlledUnet unet = new ControlledUnet(2);
        IllegalArgumentException noImage = assertThrows(IllegalArgumentException.class,
                () -> pipeline(unet).withControlNet(cn).generate(request().build()));
        assertTrue(noImage.getMessage().contains("give a ControlNet and a control image"), noImage.getMessage());
        IllegalArgumentException noNet = assertThrows(IllegalArgumentException.class,
                () -> pipeline(new Fakes.Unet(0)).generate(request().controlImage(constant(1, 0.5f)).build()));
        assertTrue(noNet.getMessage().contains("has no ControlNet"), noNet.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> pipeline(unet).withControlNet(cn).generate(request().size(16, 8).controlImage(constant(1, 0.5f)).build()));
        assertTrue(size.getMessage().contains("control image is 8×8 but the output is 16×8"), size.getMessage());
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> pipeline(unet).withControlNet(cn).generate(request().imagesPerPrompt(3)
                        .controlImage(constant(2, 0.1f, 0.2f)).build()));
        assertTrue(batch.getMessage().contains("got 2 control images for 3 images"), batch.getMessage());
        assertEquals(0, cn.samples.size(), "no model was called");
        assertEquals(0, unet.batchSizes.size());
    }
}
