package apprentice.core.pipeline;

import apprentice.core.model.Autoencoder;
import apprentice.core.model.Denoiser;
import apprentice.core.model.LatentDistribution;
import apprentice.core.model.TextEncoder;
import apprentice.core.noise.NoiseSource;
import apprentice.core.scheduler.Scheduler;
import apprentice.core.scheduler.SchedulerConfig;
import apprentice.core.scheduler.StepResult;
import apprentice.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plain-Java stand-ins for the model components, with simple closed-form behaviour so that tests can
 * compute expected results by hand. Every fake is batch-independent (row b of an output depends only on
 * row b of the inputs), like a real network.
 */
final class Fakes {
    static final int SEQ = 4;
    static final int HIDDEN = 3;
    static final int CHANNELS = 4;
    static final int FACTOR = 2;
    static final float SCALING = 0.5f;

    private Fakes() {
    }

    /** Row = [1 + text length, 0, 0, 0]: the empty (unconditional) prompt gives 1. */
    static int[][] tokenize(List<String> texts) {
        int[][] out = new int[texts.size()][SEQ];
        for (int i = 0; i < out.length; i++) {
            out[i][0] = 1 + texts.get(i).length();
        }
        return out;
    }

    /** hidden[b, l, d] = 0.25 · sum(ids[b]) everywhere. */
    static final class TextEnc implements TextEncoder {
        final List<Integer> batchSizes = new ArrayList<>();

        @Override
        public Tensor encode(int[][] ids) {
            batchSizes.add(ids.length);
            float[] out = new float[ids.length * SEQ * HIDDEN];
            for (int b = 0; b < ids.length; b++) {
                int sum = 0;
                for (int id : ids[b]) {
                    sum += id;
                }
                for (int k = 0; k < SEQ * HIDDEN; k++) {
                    out[b * SEQ * HIDDEN + k] = 0.25f * sum;
                }
            }
            return new Tensor(new int[] {ids.length, SEQ, HIDDEN}, out);
        }

        @Override
        public int sequenceLength() {
            return SEQ;
        }

        @Override
        public int hiddenSize() {
            return HIDDEN;
        }

        @Override
        public void close() {
        }
    }

    /** out = hidden[b, 0, 0] + 0.1·sample + 0.001·t (+ 0.01·cond[b, 0] with a timestep_cond input). */
    static class Unet implements Denoiser {
        final int condDim;
        final List<Integer> batchSizes = new ArrayList<>();
        final List<Double> timesteps = new ArrayList<>();
        final List<Tensor> conds = new ArrayList<>();

        Unet(int condDim) {
            this.condDim = condDim;
        }

        @Override
        public Tensor predict(Tensor sample, double t, Tensor hidden, Tensor cond) {
            int batch = sample.dim(0);
            if (hidden.dim(0) != batch) {
                throw new AssertionError("hidden batch " + hidden.dim(0) + " != sample batch " + batch);
            }
            if ((cond != null) != (condDim > 0)) {
                throw new AssertionError("timestep_cond presence does not match the UNet");
            }
            batchSizes.add(batch);
            timesteps.add(t);
            conds.add(cond);
            int per = sample.size() / batch;
            float[] x = sample.data();
            float[] out = new float[x.length];
            for (int b = 0; b < batch; b++) {
                float h = hidden.data()[b * SEQ * HIDDEN];
                float c = cond == null ? 0 : 0.01f * cond.data()[b * condDim];
                for (int k = 0; k < per; k++) {
                    out[b * per + k] = h + 0.1f * x[b * per + k] + (float) (0.001 * t) + c;
                }
            }
            return new Tensor(sample.shape(), out);
        }

        @Override
        public int timestepCondDim() {
            return condDim;
        }

        @Override
        public int latentChannels() {
            return CHANNELS;
        }

        @Override
        public void close() {
        }
    }

    /**
     * Encode: mean[c, y, x] = image[c % 3, 2y, 2x], logvar = −2. Decode: image[c, y, x] = latent[c, y/2, x/2].
     */
    static final class Vae implements Autoencoder {
        int encodeCalls;
        int decodeCalls;
        final boolean legacy;

        Vae(boolean legacy) {
            this.legacy = legacy;
        }

        @Override
        public LatentDistribution encode(Tensor images) {
            encodeCalls++;
            int b = images.dim(0);
            int h = images.dim(2) / FACTOR;
            int w = images.dim(3) / FACTOR;
            int hw = images.dim(2) * images.dim(3);
            float[] mean = new float[b * CHANNELS * h * w];
            float[] logvar = new float[mean.length];
            for (int n = 0; n < b; n++) {
                for (int c = 0; c < CHANNELS; c++) {
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            int o = ((n * CHANNELS + c) * h + y) * w + x;
                            mean[o] = images.data()[(n * 3 + c % 3) * hw + (FACTOR * y) * images.dim(3) + FACTOR * x];
                            logvar[o] = -2f;
                        }
                    }
                }
            }
            int[] shape = {b, CHANNELS, h, w};
            return new LatentDistribution(new Tensor(shape, mean), legacy ? null : new Tensor(shape, logvar));
        }

        @Override
        public Tensor decode(Tensor latents) {
            decodeCalls++;
            int b = latents.dim(0);
            int h = latents.dim(2);
            int w = latents.dim(3);
            int oh = h * FACTOR;
            int ow = w * FACTOR;
            float[] out = new float[b * 3 * oh * ow];
            for (int n = 0; n < b; n++) {
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < oh; y++) {
                        for (int x = 0; x < ow; x++) {
                            out[((n * 3 + c) * oh + y) * ow + x] =
                                    latents.data()[((n * CHANNELS + c) * h + y / FACTOR) * w + x / FACTOR];
                        }
                    }
                }
            }
            return new Tensor(new int[] {b, 3, oh, ow}, out);
        }

        @Override
        public float scalingFactor() {
            return SCALING;
        }

        @Override
        public int downscaleFactor() {
            return FACTOR;
        }

        @Override
        public void close() {
        }
    }

    /**
     * Timesteps 999 − i·⌊1000/n⌋; init sigma 2; scale_model_input ×0.5;
     * step: prev = x − 0.1·ε (+ 0.01·noise when stochastic, drawing noise on every step);
     * add_noise: 0.6·x + 0.8·noise.
     */
    static final class Sched implements Scheduler {
        final boolean stochastic;
        double[] timesteps;
        Integer beginIndex;
        int steps;

        Sched(boolean stochastic) {
            this.stochastic = stochastic;
        }

        @Override
        public void setTimesteps(int n) {
            timesteps = new double[n];
            for (int i = 0; i < n; i++) {
                timesteps[i] = 999 - i * (1000 / n);
            }
        }

        @Override
        public double[] timesteps() {
            return timesteps.clone();
        }

        @Override
        public double initNoiseSigma() {
            return 2.0;
        }

        @Override
        public Tensor scaleModelInput(Tensor sample, double timestep) {
            return map(sample, v -> 0.5f * v);
        }

        @Override
        public StepResult step(Tensor eps, double t, Tensor x, NoiseSource noise) {
            steps++;
            float[] out = new float[x.size()];
            float[] z = stochastic ? noise.randn(x.shape()).data() : null;
            for (int i = 0; i < out.length; i++) {
                out[i] = x.data()[i] - 0.1f * eps.data()[i] + (z == null ? 0 : 0.01f * z[i]);
            }
            return new StepResult(new Tensor(x.shape(), out), null);
        }

        @Override
        public Tensor addNoise(Tensor x, Tensor noise, double timestep) {
            float[] out = new float[x.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = 0.6f * x.data()[i] + 0.8f * noise.data()[i];
            }
            return new Tensor(x.shape(), out);
        }

        @Override
        public void setBeginIndex(int beginIndex) {
            this.beginIndex = beginIndex;
        }

        @Override
        public SchedulerConfig config() {
            return new SchedulerConfig(Map.of("_class_name", "FakeScheduler"));
        }
    }

    interface FloatOp {
        float apply(float v);
    }

    static Tensor map(Tensor t, FloatOp op) {
        float[] out = new float[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = op.apply(t.data()[i]);
        }
        return new Tensor(t.shape(), out);
    }

    /** A full set of fakes plus the pipeline over them; fields expose the call records. */
    static final class Rig {
        final TextEnc text = new TextEnc();
        final Unet unet;
        final Vae vae;
        final List<Sched> schedulers = new ArrayList<>();
        final boolean stochastic;
        final DiffusionPipeline pipeline;

        Rig() {
            this(0, false, false);
        }

        Rig(int condDim, boolean stochastic, boolean legacyVae) {
            this.unet = new Unet(condDim);
            this.vae = new Vae(legacyVae);
            this.stochastic = stochastic;
            ModelComponents parts = new ModelComponents(Fakes::tokenize, text, unet, vae,
                    new SchedulerConfig(Map.of()), "fake", 8);
            this.pipeline = new DiffusionPipeline(parts, (name, base) -> {
                Sched s = new Sched(stochastic);
                schedulers.add(s);
                return s;
            });
        }

        Sched lastScheduler() {
            return schedulers.get(schedulers.size() - 1);
        }
    }
}
