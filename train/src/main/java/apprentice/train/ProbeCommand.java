package apprentice.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import apprentice.train.data.EmojiDataset;
import apprentice.train.diffusion.ConditioningProbe;
import apprentice.train.diffusion.LatentCache;
import apprentice.train.diffusion.TextConditioner;
import apprentice.train.diffusion.UnetConfigs;
import apprentice.train.diffusion.UnetModel;
import apprentice.train.diffusion.UnetShape;
import apprentice.train.nn.Batches;
import apprentice.train.nn.Checkpoint;
import apprentice.train.nn.ParamStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "probe", description = "Measure how much a teacher checkpoint uses its caption: x0 error of its prediction "
        + "from noised training latents with the label, an empty and a wrong caption, per timestep, beside the best "
        + "possible (the spread of the images sharing a label).")
final class ProbeCommand implements Callable<Integer> {
    @Option(names = "--data") Path data = TrainPaths.dataset();
    @Option(names = "--teacher-dir") Path teacherDir = TrainPaths.stage("teacher");
    @Option(names = "--ae-dir") Path aeDir = TrainPaths.stage("ae");
    @Option(names = "--clip-dir") Path clipDir = TrainPaths.stage("clip");
    @Option(names = "--images", description = "images probed (default ${DEFAULT-VALUE})") int images = 64;
    @Option(names = "--validation", description = "probe held-out images instead of training ones") boolean validation;
    @Option(names = "--seed", description = "default ${DEFAULT-VALUE}") long seed = 7;
    @Option(names = "--timesteps", split = ",", description = "default ${DEFAULT-VALUE}")
    int[] timesteps = {999, 900, 800, 700, 500, 300, 100};

    @Override
    public Integer call() throws Exception {
        EmojiDataset ds = EmojiDataset.load(data);
        LatentCache latents = LatentCache.load(ds, aeDir, aeDir.resolve("latents.bin"), System.err);
        int[] pool = ds.indices(validation);
        Random rng = new Random(seed);
        int[] idx = Batches.sample(pool, images, rng);
        Map<String, String[]> sets = new java.util.LinkedHashMap<>();
        sets.put("label", new String[images]);
        sets.put("empty", new String[images]);
        sets.put("other label", new String[images]);
        for (int i = 0; i < images; i++) {
            sets.get("label")[i] = ds.record(idx[i]).label();
            sets.get("empty")[i] = "";
            sets.get("other label")[i] = ds.record(idx[(i + 1) % images]).label();
        }
        try (NDManager root = NDManager.newBaseManager()) {
            Checkpoint.Loaded c = Checkpoint.require(teacherDir);
            TextConditioner text = TextConditioner.ofTeacher(root, clipDir, c, teacherDir);
            ParamStore ps = new ParamStore(root, 0);
            UnetModel unet = new UnetModel(ps, UnetConfigs.teacher(text.dim(), UnetShape.of(c.state())));
            Checkpoint.loadWeights(c, teacherDir, ps, true);
            ps.all().values().forEach(p -> p.setRequiresGradient(false));
            Map<String, NDArray> contexts = new HashMap<>();
            sets.forEach((k, v) -> contexts.put(k, text.encode(root, v)));
            ConditioningProbe probe = new ConditioningProbe();
            float[] z = latents.posteriorMean(idx);
            Shape shape = new Shape(images, LatentCache.C, LatentCache.S, LatentCache.S);
            System.out.printf(Locale.ROOT, "%s, EMA weights, step %d; %d %s images, seed %d; x0 mean squared error%n",
                    teacherDir, c.step(), images, validation ? "held-out" : "training", seed);
            System.out.printf(Locale.ROOT, "%6s %10s %10s %12s%n", "t", "label", "empty", "other label");
            for (int t : timesteps) {
                try (NDManager sub = root.newSubManager()) {
                    NDArray z0 = sub.create(z, shape);
                    NDArray noise = sub.create(Batches.gaussian(z.length, rng), shape);
                    Map<String, Double> e = probe.x0Error(z0, noise, t, List.copyOf(sets.keySet()),
                            (xt, ts, set) -> unet.forward(xt, ts, contexts.get(set), null));
                    System.out.printf(Locale.ROOT, "%6d %10.4f %10.4f %12.4f%n", t, e.get("label"), e.get("empty"),
                            e.get("other label"));
                }
            }
            System.out.printf(Locale.ROOT, "best possible with the label at t → 1000 (spread of the images sharing it): %.4f%n",
                    floor(ds, latents, idx, pool));
        }
        return 0;
    }

    /** Mean over the probed images of {@link ConditioningProbe#labelMeanError}, groups taken from {@code pool}. */
    private static double floor(EmojiDataset ds, LatentCache latents, int[] idx, int[] pool) {
        Map<String, List<Integer>> byLabel = new HashMap<>();
        for (int i : pool) {
            byLabel.computeIfAbsent(ds.record(i).label(), k -> new ArrayList<>()).add(i);
        }
        double sum = 0;
        for (int i : idx) {
            List<float[]> same = new ArrayList<>();
            for (int k : byLabel.get(ds.record(i).label())) {
                same.add(latents.posteriorMean(new int[] {k}));
            }
            sum += ConditioningProbe.labelMeanError(latents.posteriorMean(new int[] {i}), same);
        }
        return sum / idx.length;
    }
}
