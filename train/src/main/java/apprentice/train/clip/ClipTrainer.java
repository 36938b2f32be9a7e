package apprentice.train.clip;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import apprentice.train.data.EmojiDataset;
import apprentice.train.data.EmojiRecord;
import apprentice.train.nn.Adam;
import apprentice.train.nn.Batches;
import apprentice.train.nn.Checkpoint;
import apprentice.train.nn.ParamStore;
import apprentice.train.nn.Progress;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Contrastive (InfoNCE, symmetric) training of the emoji CLIP on image–caption pairs. */
public final class ClipTrainer {
    public record Settings(long steps, int batch, float lr, long seed, int checkpointSeconds) {
    }

    private final EmojiDataset data;
    private final Path dir;
    private final Settings s;
    private final PrintStream log;

    public ClipTrainer(EmojiDataset data, Path dir, Settings s, PrintStream log) {
        this.data = data;
        this.dir = dir;
        this.s = s;
        this.log = log;
    }

    /** Builds (once) the reduced tokenizer for every caption of the dataset plus the empty caption. */
    public static Path ensureTokenizer(EmojiDataset data, Path dir, Path clipVocabDir, PrintStream log) throws IOException {
        Path tok = dir.resolve("tokenizer");
        if (Files.exists(tok.resolve("vocab.json")) && Files.exists(tok.resolve("merges.txt"))) {
            return tok;
        }
        if (clipVocabDir == null) {
            throw new IOException("the clip stage builds its reduced tokenizer from CLIP's BPE files: pass --clip-vocab <folder with "
                    + "vocab.json and merges.txt> (Hugging Face layout, e.g. the tokenizer/ folder of openai/clip-vit-base-patch32 or of a "
                    + "Stable Diffusion 1.x model; this repository's core/src/test/resources/golden/clip holds a copy, MIT licence)");
        }
        Path vocab = clipVocabDir.resolve("vocab.json");
        Path merges = clipVocabDir.resolve("merges.txt");
        if (!Files.exists(vocab) || !Files.exists(merges)) {
            throw new IOException("CLIP's vocab.json/merges.txt not found in " + clipVocabDir
                    + ": pass --clip-vocab <folder with CLIP's vocab.json and merges.txt> (Hugging Face layout, see docs/training.md)");
        }
        Set<String> corpus = new LinkedHashSet<>();
        for (EmojiRecord r : data.records()) {
            corpus.addAll(r.captions());
        }
        int size = VocabularyReducer.reduce(vocab, merges, corpus, tok);
        log.printf("reduced CLIP tokenizer: %d tokens for %d captions in %s%n", size, corpus.size(), tok);
        return tok;
    }

    public void run(Path tokenizerDir) throws IOException {
        CaptionTokens tokens = new CaptionTokens(tokenizerDir);
        try (NDManager root = NDManager.newBaseManager()) {
            ParamStore ps = new ParamStore(root, s.seed());
            ClipModel model = new ClipModel(ps, ClipConfig.emoji(tokens.vocabSize()));
            Adam adam = new Adam(ps, 0.9f, 0.98f, 0.01f, 1.0f);
            long step = 0;
            double seconds = 0;
            Checkpoint.Loaded c = Checkpoint.load(dir);
            if (c != null) {
                Checkpoint.restore(c, ps, adam, null);
                step = c.step();
                seconds = c.seconds();
                log.printf("resuming clip from step %d%n", step);
            } else {
                log.printf("training clip from scratch: %d parameters, vocabulary %d%n", ps.count(), tokens.vocabSize());
            }
            int[] train = data.indices(false);
            int size = data.size();
            int pixels = 3 * size * size;
            Progress progress = new Progress(log, "clip", s.steps(), step);
            long lastSave = System.nanoTime();
            long t0 = System.nanoTime();
            double base = seconds;
            while (step < s.steps()) {
                Random rng = Batches.rng(s.seed(), step);
                float lr = Progress.cosineLr(s.lr(), step, 100, s.steps());
                float loss;
                try (NDManager sub = root.newSubManager()) {
                    int[] idx = Batches.sample(train, s.batch(), rng);
                    float[] x = new float[idx.length * pixels];
                    int[][] ids = new int[idx.length][];
                    for (int i = 0; i < idx.length; i++) {
                        data.imageChw(idx[i], x, i * pixels);
                        List<String> caps = data.record(idx[i]).captions();
                        ids[i] = tokens.ids(caps.get(rng.nextInt(caps.size())));
                    }
                    NDArray images = sub.create(x, new Shape(idx.length, 3, size, size));
                    // causal attention: the pooled end-of-text state only sees earlier tokens, so the
                    // padding after the longest caption of the batch can be cut without changing the loss
                    ids = truncateAfterEnd(ids, tokens.tokenizer().eosId());
                    NDArray idArray = TextTransformer.ids(sub, ids);
                    NDArray eye = sub.eye(idx.length);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray img = model.imageEmbeds(images);
                        NDArray txt = model.textEmbeds(idArray, ids);
                        NDArray scale = model.logitScale.clip(0f, (float) Math.log(100)).exp();
                        scale.attach(sub);
                        NDArray logits = img.matMul(txt.transpose()).mul(scale);
                        NDArray li = logits.logSoftmax(1).mul(eye).sum().neg();
                        NDArray lt = logits.logSoftmax(0).mul(eye).sum().neg();
                        NDArray total = li.add(lt).div(2f * idx.length);
                        gc.backward(total);
                        loss = total.getFloat();
                    }
                    adam.step(lr, sub);
                }
                step++;
                progress.add(loss);
                if (step % 20 == 0 || step <= 3 || step == s.steps()) {
                    progress.report(step, lr, null);
                }
                seconds = base + (System.nanoTime() - t0) / 1e9;
                if ((System.nanoTime() - lastSave) / 1e9 > s.checkpointSeconds() || step == s.steps()) {
                    ObjectNode st = Checkpoint.newState();
                    st.put("stage", "clip");
                    st.put("step", step);
                    st.put("adamSteps", adam.steps());
                    st.put("seconds", seconds);
                    st.put("loss", progress.smoothedLoss());
                    st.put("vocabSize", tokens.vocabSize());
                    st.set("settings", new ObjectMapper().valueToTree(s));
                    Checkpoint.save(dir, Checkpoint.collect(ps, adam, null), st);
                    log.printf("checkpoint saved at step %d in %s%n", step, dir);
                    lastSave = System.nanoTime();
                }
            }
            ObjectNode metrics = zeroShot(model, tokens, root);
            metrics.put("steps", step);
            metrics.put("trainSeconds", seconds);
            metrics.put("parameters", ps.count());
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve("metrics.json").toFile(), metrics);
            log.println("clip metrics: " + metrics);
        }
    }

    /** Zero-shot image → English label on validation images, among the validation labels and among all labels. */
    public ObjectNode zeroShot(ClipModel model, CaptionTokens tokens, NDManager root) {
        int[] val = data.indices(true);
        List<String> valLabels = new ArrayList<>(new LinkedHashSet<>(java.util.Arrays.stream(val)
                .mapToObj(i -> data.record(i).label()).toList()));
        List<String> allLabels = new ArrayList<>(new LinkedHashSet<>(data.records().stream().map(EmojiRecord::label).toList()));
        ObjectNode out = new ObjectMapper().createObjectNode();
        try (NDManager sub = root.newSubManager()) {
            float[] imgEmb = embedImages(model, sub, val);
            int p = model.config.projectionDim();
            for (var entry : List.of(java.util.Map.entry("validationLabels", valLabels), java.util.Map.entry("allLabels", allLabels))) {
                List<String> labels = entry.getValue();
                float[] txtEmb = embedTexts(model, tokens, sub, labels);
                int top1 = 0;
                int top5 = 0;
                for (int i = 0; i < val.length; i++) {
                    int truth = labels.indexOf(data.record(val[i]).label());
                    float truthScore = dot(imgEmb, i, txtEmb, truth, p);
                    int better = 0;
                    for (int j = 0; j < labels.size(); j++) {
                        if (j != truth && dot(imgEmb, i, txtEmb, j, p) > truthScore) {
                            better++;
                        }
                    }
                    top1 += better == 0 ? 1 : 0;
                    top5 += better < 5 ? 1 : 0;
                }
                ObjectNode m = out.putObject(entry.getKey());
                m.put("classes", labels.size());
                m.put("images", val.length);
                m.put("top1", (double) top1 / val.length);
                m.put("top5", (double) top5 / val.length);
            }
        }
        return out;
    }

    /** Rows cut to the longest prefix that still contains every row's first end-of-text token. */
    static int[][] truncateAfterEnd(int[][] ids, int eos) {
        int len = 1;
        for (int[] row : ids) {
            int end = 0;
            while (end < row.length - 1 && row[end] != eos) {
                end++;
            }
            len = Math.max(len, end + 1);
        }
        int[][] out = new int[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            out[i] = java.util.Arrays.copyOf(ids[i], len);
        }
        return out;
    }

    private static float dot(float[] a, int i, float[] b, int j, int p) {
        float s = 0;
        for (int k = 0; k < p; k++) {
            s += a[i * p + k] * b[j * p + k];
        }
        return s;
    }

    private float[] embedImages(ClipModel model, NDManager m, int[] idx) {
        int size = data.size();
        int pixels = 3 * size * size;
        int p = model.config.projectionDim();
        float[] out = new float[idx.length * p];
        for (int start = 0; start < idx.length; start += 64) {
            int n = Math.min(64, idx.length - start);
            try (NDManager sub = m.newSubManager()) {
                float[] x = new float[n * pixels];
                for (int i = 0; i < n; i++) {
                    data.imageChw(idx[start + i], x, i * pixels);
                }
                float[] e = model.imageEmbeds(sub.create(x, new Shape(n, 3, size, size))).toFloatArray();
                System.arraycopy(e, 0, out, start * p, e.length);
            }
        }
        return out;
    }

    private static float[] embedTexts(ClipModel model, CaptionTokens tokens, NDManager m, List<String> texts) {
        int p = model.config.projectionDim();
        float[] out = new float[texts.size() * p];
        for (int start = 0; start < texts.size(); start += 128) {
            int n = Math.min(128, texts.size() - start);
            try (NDManager sub = m.newSubManager()) {
                int[][] ids = new int[n][];
                for (int i = 0; i < n; i++) {
                    ids[i] = tokens.ids(texts.get(start + i));
                }
                ids = truncateAfterEnd(ids, tokens.tokenizer().eosId());
                float[] e = model.textEmbeds(TextTransformer.ids(sub, ids), ids).toFloatArray();
                System.arraycopy(e, 0, out, start * p, e.length);
            }
        }
        return out;
    }
}
