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
 * Latent consistency distillation (the paper's recipe as LCM implements it): a 50-step DDIM
 * discretisation of the teacher's schedule (skip 20: t ∈ {19, 39, …, 999}); for a random t_n the
 * CFG-guided teacher (guidance g ~ U[gMin, gMax]) takes one DDIM step t_n → t_{n−1}; the student
 * f_θ(x_{t_n}, t_n, g) is pulled (L2 on latents) toward the EMA target f_θ⁻(x_{t_{n−1}}, t_{n−1}, g).
 * f = c_skip(t)·x + c_out(t)·x̂0 with LCM's boundary scalings (σ_data 0.5, timestep scaling 10), so
 * f(x, 0) = x. The student starts from the teacher's weights with a zero guidance projection.
 */
public final class StudentTrainer {
    public static final int SKIP = 20;
    public static final int DDIM_STEPS = 50;

    /** {@code balanceBases}: draw every base emoji equally often, as the teacher's {@code --balance-bases}. */
    public record Settings(long steps, int batch, float lr, float guidanceMin, float guidanceMax, float targetEma,
            long seed, int checkpointSeconds, boolean balanceBases) {
    }

    private final EmojiDataset data;
    private final Path dir;
    private final Path teacherDir;
    private final Path aeDir;
    private final Path clipDir;
    private final Settings s;
    private final PrintStream log;

    public StudentTrainer(EmojiDataset data, Path dir, Path teacherDir, Path aeDir, Path clipDir, Settings s, PrintStream log) {
        this.data = data;
        this.dir = dir;
        this.teacherDir = teacherDir;
        this.aeDir = aeDir;
        this.clipDir = clipDir;
        this.s = s;
        this.log = log;
    }

    /** LCM's c_skip, c_out at integer timestep t. */
    public static float[] boundaryScalings(int t) {
        double sigma = 0.5;
        double st = t * 10.0;
        double cSkip = sigma * sigma / (st * st + sigma * sigma);
        double cOut = st / Math.sqrt(st * st + sigma * sigma);
        return new float[] {(float) cSkip, (float) cOut};
    }

    public void run() throws IOException {
        LatentCache latents = LatentCache.load(data, aeDir, aeDir.resolve("latents.bin"), log);
        NoiseSchedule sched = new NoiseSchedule();
        try (NDManager root = NDManager.newBaseManager()) {
            Checkpoint.Loaded teacherCheckpoint = Checkpoint.require(teacherDir);
            // the student sees the captions as its teacher did (the teacher's own tower if it trained one)
            TextConditioner text = TextConditioner.ofTeacher(root, clipDir, teacherCheckpoint, teacherDir);
            UnetShape shape = UnetShape.of(teacherCheckpoint.state());
            ParamStore teacherPs = new ParamStore(root, 0);
            UnetModel teacher = new UnetModel(teacherPs, UnetConfigs.teacher(text.dim(), shape));
            Checkpoint.loadWeights(teacherCheckpoint, teacherDir, teacherPs, true);
            for (NDArray p : teacherPs.all().values()) {
                p.setRequiresGradient(false);
            }
            ParamStore ps = new ParamStore(root, s.seed());
            UnetModel student = new UnetModel(ps, UnetConfigs.student(text.dim(), shape));
            ParamStore targetPs = new ParamStore(root, s.seed());
            UnetModel target = new UnetModel(targetPs, UnetConfigs.student(text.dim(), shape));
            Adam adam = new Adam(ps, 0.9f, 0.999f, 0.0f, 1.0f);
            long step = 0;
            double seconds = 0;
            Checkpoint.Loaded c = Checkpoint.load(dir);
            Ema ema;
            if (c != null) {
                DistilledFrom.requireSameTeacher(c.state(), dir, teacherCheckpoint.state(), teacherDir);
                ema = new Ema(ps);
                Checkpoint.restore(c, ps, adam, ema);
                step = c.step();
                seconds = c.seconds();
                log.printf("resuming student from step %d%n", step);
            } else {
                for (String name : ps.all().keySet()) {
                    if (name.startsWith("time_embedding.cond_proj")) {
                        ps.set(name, new float[(int) ps.get(name).getShape().size()]);
                    } else {
                        ps.set(name, teacherPs.values(name));
                    }
                }
                ema = new Ema(ps);
                log.printf("distilling student from the teacher: %d parameters%n", ps.count());
            }
            ema.copyTo(targetPs);
            for (NDArray p : targetPs.all().values()) {
                p.setRequiresGradient(false);
            }
            TrainingDraw draw = TrainingDraw.of(data, s.balanceBases());
            Progress progress = new Progress(log, "student", s.steps(), step);
            long lastSave = System.nanoTime();
            long t0 = System.nanoTime();
            double base = seconds;
            int condDim = UnetConfigs.GUIDANCE_EMBED_DIM;
            while (step < s.steps()) {
                Random rng = Batches.rng(s.seed(), step);
                float lr = Progress.cosineLr(s.lr(), step, 50, s.steps());
                float loss;
                try (NDManager sub = root.newSubManager()) {
                    int b = s.batch();
                    int[] idx = draw.batch(b, rng);
                    String[] captions = new String[b];
                    String[] empty = new String[b];
                    float[] a = new float[b];
                    float[] sa = new float[b];
                    float[] aPrev = new float[b];
                    float[] sPrev = new float[b];
                    float[] tN = new float[b];
                    float[] tP = new float[b];
                    float[] g = new float[b];
                    float[] cond = new float[b * condDim];
                    float[] skipN = new float[b];
                    float[] outN = new float[b];
                    float[] skipP = new float[b];
                    float[] outP = new float[b];
                    for (int i = 0; i < b; i++) {
                        List<String> caps = data.record(idx[i]).captions();
                        captions[i] = caps.get(rng.nextInt(caps.size()));
                        empty[i] = "";
                        int n = rng.nextInt(DDIM_STEPS);
                        int t = (n + 1) * SKIP - 1;
                        int tPrev = Math.max(t - SKIP, 0);
                        tN[i] = t;
                        tP[i] = tPrev;
                        double ab = sched.alphaCumprod(t);
                        double abPrev = sched.alphaCumprod(tPrev);
                        a[i] = (float) Math.sqrt(ab);
                        sa[i] = (float) Math.sqrt(1 - ab);
                        aPrev[i] = (float) Math.sqrt(abPrev);
                        sPrev[i] = (float) Math.sqrt(1 - abPrev);
                        g[i] = s.guidanceMin() + rng.nextFloat() * (s.guidanceMax() - s.guidanceMin());
                        System.arraycopy(GuidanceEmbedding.embed(g[i] - 1f, condDim), 0, cond, i * condDim, condDim);
                        float[] cn = boundaryScalings(t);
                        float[] cp = boundaryScalings(tPrev);
                        skipN[i] = cn[0];
                        outN[i] = cn[1];
                        // LCM's target at t_{n-1} = 0 is x itself (c_skip 1, c_out 0)
                        skipP[i] = t - SKIP < 0 ? 1f : cp[0];
                        outP[i] = t - SKIP < 0 ? 0f : cp[1];
                    }
                    Shape col = new Shape(b, 1, 1, 1);
                    NDArray z0 = latents.sampleArray(sub, idx, rng);
                    NDArray noise = sub.create(Batches.gaussian((int) z0.getShape().size(), rng), z0.getShape());
                    NDArray aA = sub.create(a, col);
                    NDArray saA = sub.create(sa, col);
                    NDArray xt = z0.mul(aA).add(noise.mul(saA));
                    NDArray ctx = text.encode(sub, captions);
                    NDArray unc = text.encode(sub, empty);
                    NDArray tsN = sub.create(tN);
                    NDArray tsP = sub.create(tP);
                    NDArray condA = sub.create(cond, new Shape(b, condDim));
                    // teacher DDIM step with CFG: eps = eps_u + g (eps_c − eps_u)
                    NDArray epsC = teacher.forward(xt, tsN, ctx, null);
                    NDArray epsU = teacher.forward(xt, tsN, unc, null);
                    NDArray eps = epsU.add(epsC.sub(epsU).mul(sub.create(g, col)));
                    NDArray x0 = xt.sub(eps.mul(saA)).div(aA);
                    NDArray xPrev = x0.mul(sub.create(aPrev, col)).add(eps.mul(sub.create(sPrev, col)));
                    NDArray tgt = consistency(target.forward(xPrev, tsP, ctx, condA), xPrev,
                            sub.create(aPrev, col), sub.create(sPrev, col), sub.create(skipP, col), sub.create(outP, col));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray pred = consistency(student.forward(xt, tsN, ctx, condA), xt, aA, saA,
                                sub.create(skipN, col), sub.create(outN, col));
                        NDArray mse = pred.sub(tgt).square().mean();
                        gc.backward(mse);
                        loss = mse.getFloat();
                    }
                    adam.step(lr, sub);
                    ema.update(s.targetEma());
                    ema.copyTo(targetPs);
                }
                step++;
                progress.add(loss);
                if (step % 10 == 0 || step <= 3 || step == s.steps()) {
                    progress.report(step, lr, null);
                }
                seconds = base + (System.nanoTime() - t0) / 1e9;
                if ((System.nanoTime() - lastSave) / 1e9 > s.checkpointSeconds() || step == s.steps()) {
                    ObjectNode st = Checkpoint.newState();
                    st.put("stage", "student");
                    st.put("step", step);
                    st.put("adamSteps", adam.steps());
                    st.put("seconds", seconds);
                    st.put("loss", progress.smoothedLoss());
                    st.put("parameters", ps.count());
                    shape.writeTo(st);
                    DistilledFrom.of(teacherCheckpoint.state()).writeTo(st);
                    st.set("settings", new ObjectMapper().valueToTree(s));
                    Checkpoint.save(dir, Checkpoint.collect(ps, adam, ema), st);
                    log.printf("checkpoint saved at step %d in %s%n", step, dir);
                    lastSave = System.nanoTime();
                }
            }
        }
    }

    /** f = c_skip·x + c_out·x̂0 with x̂0 = (x − √(1−ᾱ)·ε)/√ᾱ. */
    static NDArray consistency(NDArray eps, NDArray x, NDArray sqrtAb, NDArray sqrt1mAb, NDArray cSkip, NDArray cOut) {
        NDArray x0 = x.sub(eps.mul(sqrt1mAb)).div(sqrtAb);
        return x.mul(cSkip).add(x0.mul(cOut));
    }
}
