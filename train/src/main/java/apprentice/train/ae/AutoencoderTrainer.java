package apprentice.train.ae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import apprentice.train.data.EmojiDataset;
import apprentice.train.nn.Adam;
import apprentice.train.nn.Batches;
import apprentice.train.nn.Checkpoint;
import apprentice.train.nn.Ema;
import apprentice.train.nn.ParamStore;
import apprentice.train.nn.Progress;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Random;

/**
 * Trains the VAE: MSE reconstruction (what PSNR measures) plus a small KL term toward N(0, I)
 * with SD's relative weight (1e-6 of a per-pixel sum), checkpointing every few minutes.
 */
public final class AutoencoderTrainer {
    /**
     * @param crop side of the random training crops (a multiple of 4 so that crops align with the latent grid);
     *     the model is fully convolutional, and crops cut the cost per step on a shared 2-core CPU
     * @param fullFrom fraction of the steps after which whole 64×64 images are used, so that the group-norm
     *     statistics settle on full images
     */
    public record Settings(long steps, int batch, float lr, float klWeight, long seed, int checkpointSeconds, int crop,
            double fullFrom) {
    }

    private final EmojiDataset data;
    private final Path dir;
    private final Settings s;
    private final PrintStream log;

    public AutoencoderTrainer(EmojiDataset data, Path dir, Settings s, PrintStream log) {
        this.data = data;
        this.dir = dir;
        this.s = s;
        this.log = log;
    }

    public void run() throws IOException {
        try (NDManager root = NDManager.newBaseManager()) {
            ParamStore ps = new ParamStore(root, s.seed());
            AutoencoderModel model = new AutoencoderModel(ps, AutoencoderConfig.emoji());
            Adam adam = new Adam(ps, 0.9f, 0.999f, 0.0f, 1.0f);
            Ema ema = new Ema(ps);
            long step = 0;
            double seconds = 0;
            Checkpoint.Loaded c = Checkpoint.load(dir);
            if (c != null) {
                Checkpoint.restore(c, ps, adam, ema);
                step = c.step();
                seconds = c.seconds();
                log.printf("resuming autoencoder from step %d (%s trained)%n", step, Progress.formatDuration(seconds));
            } else {
                log.printf("training autoencoder from scratch: %d parameters%n", ps.count());
            }
            int[] train = data.indices(false);
            int size = data.size();
            int pixels = 3 * size * size;
            Progress progress = new Progress(log, "ae", s.steps(), step);
            long lastSave = System.nanoTime();
            long t0 = System.nanoTime();
            double base = seconds;
            float gradNorm = 0;
            while (step < s.steps()) {
                Random rng = Batches.rng(s.seed(), step);
                float lr = Progress.cosineLr(s.lr(), step, 200, s.steps());
                float loss;
                try (NDManager sub = root.newSubManager()) {
                    int[] idx = Batches.sample(train, s.batch(), rng);
                    float[] x = new float[idx.length * pixels];
                    for (int i = 0; i < idx.length; i++) {
                        data.imageChw(idx[i], x, i * pixels);
                    }
                    boolean full = s.crop() >= size || step >= (long) (s.fullFrom() * s.steps());
                    int side = full ? size : s.crop();
                    NDArray images = sub.create(full ? x : crop(x, idx.length, size, side, rng), new Shape(idx.length, 3, side, side));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray params = model.encode(images);
                        NDList ml = model.meanLogvar(params);
                        NDArray mean = ml.get(0);
                        NDArray logvar = ml.get(1);
                        NDArray eps = sub.create(Batches.gaussian((int) mean.getShape().size(), rng), mean.getShape());
                        NDArray z = mean.add(logvar.mul(0.5f).exp().mul(eps));
                        NDArray recon = model.decode(z);
                        NDArray mse = recon.sub(images).square().mean();
                        // KL(q || N(0,I)) summed over latent elements, per image, relative to a per-pixel sum as in SD
                        NDArray kl = mean.square().add(logvar.exp()).sub(1f).sub(logvar).sum().mul(0.5f / idx.length);
                        NDArray total = mse.add(kl.mul(s.klWeight() / (float) images.getShape().size() * idx.length));
                        gc.backward(total);
                        loss = mse.getFloat();
                    }
                    gradNorm = adam.step(lr, sub);
                    ema.update(Math.min(0.999f, (1f + step) / (10f + step)));
                }
                step++;
                progress.add(loss);
                if (step % 20 == 0 || step <= 5 || step == s.steps()) {
                    progress.report(step, lr, String.format("psnr~%.1f dB  |g| %.3g", psnr(progress.smoothedLoss()), gradNorm));
                }
                seconds = base + (System.nanoTime() - t0) / 1e9;
                if ((System.nanoTime() - lastSave) / 1e9 > s.checkpointSeconds() || step == s.steps()) {
                    save(ps, adam, ema, step, seconds, progress.smoothedLoss());
                    lastSave = System.nanoTime();
                }
            }
        }
    }

    private void save(ParamStore ps, Adam adam, Ema ema, long step, double seconds, double loss) throws IOException {
        ObjectNode st = Checkpoint.newState();
        st.put("stage", "ae");
        st.put("step", step);
        st.put("adamSteps", adam.steps());
        st.put("seconds", seconds);
        st.put("loss", loss);
        st.put("totalSteps", s.steps());
        st.set("settings", new ObjectMapper().valueToTree(s));
        Checkpoint.save(dir, Checkpoint.collect(ps, adam, ema), st);
        log.printf("checkpoint saved at step %d in %s%n", step, dir);
    }

    /** Random side×side crops at offsets that are multiples of 4 (the latent grid). */
    static float[] crop(float[] x, int n, int size, int side, Random rng) {
        float[] out = new float[n * 3 * side * side];
        int cells = (size - side) / 4 + 1;
        for (int i = 0; i < n; i++) {
            int oy = 4 * rng.nextInt(cells);
            int ox = 4 * rng.nextInt(cells);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < side; y++) {
                    System.arraycopy(x, ((i * 3 + c) * size + oy + y) * size + ox, out, ((i * 3 + c) * side + y) * side, side);
                }
            }
        }
        return out;
    }

    /** PSNR in dB of images in [-1, 1] given the MSE on that scale (peak-to-peak 2). */
    public static double psnr(double mseOnMinusOneOne) {
        return 10 * Math.log10(4.0 / mseOnMinusOneOne);
    }
}
