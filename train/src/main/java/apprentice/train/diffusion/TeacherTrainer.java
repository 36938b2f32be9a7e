package apprentice.train.diffusion;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
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
import java.util.List;
import java.util.Random;

/**
 * ε-prediction training of the teacher UNet on scaled VAE latents, conditioned on the CLIP text tower's per-token
 * states (frozen, or the teacher's own trained copy: {@link TextConditioner}), with captions dropped to "" 10% of the
 * time for classifier-free guidance.
 */
public final class TeacherTrainer {
    /**
     * {@code unet} null: the shape of the checkpoint being resumed, or {@link UnetShape#SMALL} for a fresh run.
     * {@code minSnrGamma} ≤ 0: plain ε-MSE; otherwise each sample's loss is weighted by min(SNR, γ)/SNR.
     * {@code snrFloor} &gt; 0: the x0-space weight never drops under it ({@link NoiseSchedule#snrWeight}).
     * {@code initFrom}: a fresh run starts from that teacher checkpoint's (EMA) weights wherever the names match;
     * parameters it lacks (a new branch) keep their initial values. Null: random initialisation.
     * {@code balanceBases}: draw every base emoji equally often ({@link Batches#sampleGroups}) rather than every image.
     * {@code trainTextEncoder}: a fresh run trains its own copy of the text tower with the UNet
     * ({@link TextConditioner#trainable}); a resumed run does what its checkpoint did.
     */
    public record Settings(long steps, int batch, float lr, float captionDropout, long seed, int checkpointSeconds,
                           UnetShape unet, float minSnrGamma, Path initFrom, float snrFloor, boolean balanceBases,
                           boolean trainTextEncoder) {
        public Settings(long steps, int batch, float lr, float captionDropout, long seed, int checkpointSeconds,
                        UnetShape unet, float minSnrGamma) {
            this(steps, batch, lr, captionDropout, seed, checkpointSeconds, unet, minSnrGamma, null, 0f, false, false);
        }
    }

    private final EmojiDataset data;
    private final Path dir;
    private final Path aeDir;
    private final Path clipDir;
    private final Settings s;
    private final PrintStream log;

    public TeacherTrainer(EmojiDataset data, Path dir, Path aeDir, Path clipDir, Settings s, PrintStream log) {
        this.data = data;
        this.dir = dir;
        this.aeDir = aeDir;
        this.clipDir = clipDir;
        this.s = s;
        this.log = log;
    }

    public void run() throws IOException {
        LatentCache latents = LatentCache.load(data, aeDir, aeDir.resolve("latents.bin"), log);
        NoiseSchedule sched = new NoiseSchedule();
        try (NDManager root = NDManager.newBaseManager()) {
            Checkpoint.Loaded c = Checkpoint.load(dir);
            UnetShape shape = shape(c);
            boolean jointText = jointText(c);
            ParamStore ps = new ParamStore(root, s.seed());
            UnetModel unet = new UnetModel(ps, UnetConfigs.teacher(TextConditioner.dim(clipDir), shape));
            // the tower's parameters join the UNet's store after it, so the UNet's random initialisation is unchanged
            TextConditioner text = jointText ? TextConditioner.trainable(ps, clipDir) : new TextConditioner(root, clipDir);
            if (c == null && s.initFrom() != null) {
                initFrom(ps, jointText);
            }
            Adam adam = new Adam(ps, 0.9f, 0.999f, 0.01f, 1.0f);
            Ema ema = new Ema(ps);
            long step = 0;
            double seconds = 0;
            if (c != null) {
                Checkpoint.restore(c, ps, adam, ema);
                step = c.step();
                seconds = c.seconds();
                log.printf("resuming teacher from step %d%n", step);
            } else {
                log.printf("training teacher %s: %d parameters, UNet %s%s%n",
                        s.initFrom() == null ? "from scratch" : "from " + s.initFrom(), ps.count(), shape,
                        jointText ? ", with its own text tower (from " + clipDir + ")" : "");
            }
            TrainingDraw draw = TrainingDraw.of(data, s.balanceBases());
            if (s.balanceBases()) {
                log.printf("sampling the %d base emoji equally often (%d training images)%n", draw.bases().length,
                        draw.images().length);
            }
            Progress progress = new Progress(log, "teacher", s.steps(), step);
            long lastSave = System.nanoTime();
            long t0 = System.nanoTime();
            double base = seconds;
            while (step < s.steps()) {
                Random rng = Batches.rng(s.seed(), step);
                float lr = Progress.cosineLr(s.lr(), step, 100, s.steps());
                float loss;
                try (NDManager sub = root.newSubManager()) {
                    int b = s.batch();
                    int[] idx = draw.batch(b, rng);
                    String[] captions = new String[b];
                    float[] sqrtAb = new float[b];
                    float[] sqrt1mAb = new float[b];
                    float[] tVals = new float[b];
                    float[] weights = new float[b];
                    for (int i = 0; i < b; i++) {
                        List<String> caps = data.record(idx[i]).captions();
                        captions[i] = rng.nextFloat() < s.captionDropout() ? "" : caps.get(rng.nextInt(caps.size()));
                        int t = rng.nextInt(NoiseSchedule.STEPS);
                        tVals[i] = t;
                        sqrtAb[i] = (float) Math.sqrt(sched.alphaCumprod(t));
                        sqrt1mAb[i] = (float) Math.sqrt(1 - sched.alphaCumprod(t));
                        weights[i] = (float) sched.snrWeight(t, s.minSnrGamma(), s.snrFloor());
                    }
                    NDArray z0 = latents.sampleArray(sub, idx, rng);
                    NDArray noise = sub.create(Batches.gaussian((int) z0.getShape().size(), rng), z0.getShape());
                    NDArray xt = z0.mul(sub.create(sqrtAb, new Shape(b, 1, 1, 1)))
                            .add(noise.mul(sub.create(sqrt1mAb, new Shape(b, 1, 1, 1))));
                    NDArray ts = sub.create(tVals);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray context = text.encode(sub, captions);
                        NDArray pred = unet.forward(xt, ts, context, null);
                        NDArray mse = pred.sub(noise).square().reshape(b, -1).mean(new int[] {1})
                                .mul(sub.create(weights)).mean();
                        gc.backward(mse);
                        loss = mse.getFloat();
                    }
                    adam.step(lr, sub);
                    ema.update(Math.min(0.999f, (1f + step) / (10f + step)));
                }
                step++;
                progress.add(loss);
                if (step % 20 == 0 || step <= 3 || step == s.steps()) {
                    progress.report(step, lr, null);
                }
                seconds = base + (System.nanoTime() - t0) / 1e9;
                if ((System.nanoTime() - lastSave) / 1e9 > s.checkpointSeconds() || step == s.steps()) {
                    ObjectNode st = Checkpoint.newState();
                    st.put("stage", "teacher");
                    st.put("step", step);
                    st.put("adamSteps", adam.steps());
                    st.put("seconds", seconds);
                    st.put("loss", progress.smoothedLoss());
                    st.put("parameters", ps.count());
                    st.put("scalingFactor", latents.scalingFactor);
                    shape.writeTo(st);
                    TextConditioner.record(st, jointText);
                    st.set("settings", new ObjectMapper().valueToTree(s));
                    Checkpoint.save(dir, Checkpoint.collect(ps, adam, ema), st);
                    log.printf("checkpoint saved at step %d in %s%n", step, dir);
                    lastSave = System.nanoTime();
                }
            }
        }
    }

    private void initFrom(ParamStore ps, boolean jointText) throws IOException {
        Checkpoint.Loaded from = Checkpoint.require(s.initFrom());
        if (TextConditioner.trainedWith(from.state()) && !jointText) {
            throw new IOException(s.initFrom() + " trained its own text tower, which a frozen-tower run would drop: add "
                    + "--train-text-encoder to carry it on");
        }
        // a text tower the source lacks keeps the CLIP stage's weights it was given, so it is not listed as new
        List<String> fresh = Checkpoint.loadMatching(from, s.initFrom(), ps).stream()
                .filter(n -> !n.startsWith("text_model.")).toList();
        log.printf("initialised from %s (step %d, EMA weights); new parameters at their initial values: %s%n",
                s.initFrom(), from.step(), fresh);
    }

    /** Whether this run trains its own text tower: a resumed run as its checkpoint did, a fresh one as asked. */
    private boolean jointText(Checkpoint.Loaded c) throws IOException {
        if (c == null) {
            return s.trainTextEncoder();
        }
        boolean saved = TextConditioner.trainedWith(c.state());
        if (s.trainTextEncoder() && !saved) {
            throw new IOException("the checkpoint in " + dir + " was trained on the frozen CLIP text tower: drop "
                    + "--train-text-encoder to resume it, or start a new --dir (--init-from " + dir + " warm-starts it)");
        }
        return saved;
    }

    /** A resumed run keeps its checkpoint's shape; asking for another one is an error rather than a silent restart. */
    private UnetShape shape(Checkpoint.Loaded c) throws IOException {
        if (c == null) {
            return s.unet() == null ? UnetShape.SMALL : s.unet();
        }
        UnetShape saved = UnetShape.of(c.state());
        if (s.unet() != null && !s.unet().equals(saved)) {
            throw new IOException("the checkpoint in " + dir + " is a UNet of shape " + saved + ", not " + s.unet()
                    + ": drop --unet-channels/--unet-layers/--unet-heads to resume it, or pick a new --dir");
        }
        return saved;
    }
}
