package apprentice.train.ae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import apprentice.train.data.EmojiDataset;
import apprentice.train.diffusion.LatentCache;
import apprentice.train.nn.Adam;
import apprentice.train.nn.Batches;
import apprentice.train.nn.Checkpoint;
import apprentice.train.nn.Ema;
import apprentice.train.nn.ParamStore;
import apprentice.train.nn.Progress;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Fine-tunes only the decoder of a trained autoencoder on whole 64×64 images, with the encoder frozen:
 * the teacher and student are trained on latents of that encoder, so it must not change. The decoder
 * sees exactly what those stages see: posterior samples mean + std·ε from the encoder's latent cache
 * ({@code latents.bin} of the source stage, read only), so the encoder is not even run. Loss: MSE
 * (what PSNR measures); no KL term, since the posterior is fixed.
 *
 * <p>The checkpoint holds the whole autoencoder under the usual names: the decoder's parameters,
 * Adam moments and EMA, plus the source's EMA encoder weights copied unchanged as both {@code param.}
 * and {@code ema.} entries, and {@code latents.json} (the scaling factor) is copied beside it. The
 * folder can therefore be exported like the original stage ({@code export --ae-dir}).
 */
public final class DecoderFineTuner {
    public static final String STAGE = "ae-decoder";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param emaDecay cap of the EMA decay (the exported decoder is the EMA); short fine-tunes need a
     *     smaller cap than a full run's 0.999 or the average barely leaves the starting weights
     * @param validateEvery steps between validation-PSNR measurements (also at the end)
     */
    public record Settings(long steps, int batch, float lr, float emaDecay, long seed, int checkpointSeconds,
            int validateEvery) {
    }

    private final EmojiDataset data;
    private final Path initDir;
    private final Path dir;
    private final AutoencoderConfig config;
    private final Settings s;
    private final PrintStream log;

    public DecoderFineTuner(EmojiDataset data, Path initDir, Path dir, AutoencoderConfig config, Settings s, PrintStream log) {
        if (initDir.toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--dir must differ from --init-from (" + dir
                    + "): the source autoencoder's checkpoint and latent cache stay as they are");
        }
        this.data = data;
        this.initDir = initDir;
        this.dir = dir;
        this.config = config;
        this.s = s;
        this.log = log;
    }

    public void run() throws IOException {
        LatentCache latents = loadLatents();
        try (NDManager root = NDManager.newBaseManager()) {
            ParamStore encoderPs = new ParamStore(root, s.seed());
            ParamStore decoderPs = new ParamStore(root, s.seed());
            AutoencoderModel model = new AutoencoderModel(encoderPs, decoderPs, config);
            for (NDArray p : encoderPs.all().values()) {
                p.setRequiresGradient(false);
            }
            Adam adam = new Adam(decoderPs, 0.9f, 0.999f, 0.0f, 1.0f);
            long step = 0;
            double seconds = 0;
            ArrayNode history = JSON.createArrayNode();
            Checkpoint.Loaded c = Checkpoint.load(dir);
            Ema ema;
            if (c != null) {
                if (!STAGE.equals(c.state().path("stage").asText())) {
                    throw new IllegalStateException(dir + " holds a '" + c.state().path("stage").asText()
                            + "' checkpoint, not a decoder fine-tune: choose an empty --dir");
                }
                loadEncoder(c, encoderPs);
                ema = new Ema(decoderPs);
                Checkpoint.restore(c, decoderPs, adam, ema);
                step = c.step();
                seconds = c.seconds();
                if (c.state().has("validation")) {
                    history = (ArrayNode) c.state().get("validation");
                }
                log.printf("resuming decoder fine-tune from step %d (%s trained)%n", step, Progress.formatDuration(seconds));
            } else {
                // both halves start from the source's EMA weights: those are what was exported and what encoded latents.bin
                Checkpoint.loadWeights(initDir, encoderPs, true);
                Checkpoint.loadWeights(initDir, decoderPs, true);
                ema = new Ema(decoderPs);
                log.printf("fine-tuning the decoder of %s: %d trainable parameters, encoder (%d) frozen%n", initDir,
                        decoderPs.count(), encoderPs.count());
            }
            String encoderHash = fingerprint(encoderPs);
            if (c != null && !encoderHash.equals(c.state().path("encoderSha256").asText())) {
                throw new IllegalStateException("the encoder in " + dir + " does not match its recorded fingerprint: delete the folder to start over");
            }
            int[] train = data.indices(false);
            int[] val = data.indices(true);
            int size = data.size();
            int pixels = 3 * size * size;
            int per = LatentCache.C * LatentCache.S * LatentCache.S;
            Shape latentShape = new Shape(s.batch(), LatentCache.C, LatentCache.S, LatentCache.S);
            Progress progress = new Progress(log, STAGE, s.steps(), step);
            long lastSave = System.nanoTime();
            long t0 = System.nanoTime();
            double base = seconds;
            float gradNorm = 0;
            if (step == 0 && val.length > 0) {
                history.add(validate(root, latents, val, ema, step, Float.NaN));
            }
            while (step < s.steps()) {
                Random rng = Batches.rng(s.seed(), step);
                float lr = Progress.cosineLr(s.lr(), step, Math.min(50, s.steps() / 10), s.steps());
                float loss;
                try (NDManager sub = root.newSubManager()) {
                    int[] idx = Batches.sample(train, s.batch(), rng);
                    float[] x = new float[idx.length * pixels];
                    for (int i = 0; i < idx.length; i++) {
                        data.imageChw(idx[i], x, i * pixels);
                    }
                    NDArray images = sub.create(x, new Shape(idx.length, 3, size, size));
                    NDArray z = sub.create(latents.posteriorSample(idx, rng), latentShape);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray mse = model.decode(z).sub(images).square().mean();
                        gc.backward(mse);
                        loss = mse.getFloat();
                    }
                    gradNorm = adam.step(lr, sub);
                    ema.update(Math.min(s.emaDecay(), (1f + step) / (10f + step)));
                }
                step++;
                progress.add(loss);
                if (step % 20 == 0 || step <= 5 || step == s.steps()) {
                    progress.report(step, lr, String.format("psnr~%.1f dB  |g| %.3g  skipped %d", AutoencoderTrainer.psnr(progress.smoothedLoss()),
                            gradNorm, adam.skipped()));
                }
                seconds = base + (System.nanoTime() - t0) / 1e9;
                boolean validateNow = val.length > 0 && (step % s.validateEvery() == 0 || step == s.steps());
                if (validateNow) {
                    history.add(validate(root, latents, val, ema, step, progress.smoothedLoss()));
                }
                if (validateNow || (System.nanoTime() - lastSave) / 1e9 > s.checkpointSeconds() || step == s.steps()) {
                    if (!encoderHash.equals(fingerprint(encoderPs))) {
                        throw new IllegalStateException("the frozen encoder changed during the fine-tune: this is a bug, nothing was saved");
                    }
                    save(encoderPs, decoderPs, adam, ema, step, seconds, progress.smoothedLoss(), encoderHash, history);
                    lastSave = System.nanoTime();
                }
            }
            if (adam.skipped() > 0) {
                log.printf("%d of %d updates skipped (non-finite gradient)%n", adam.skipped(), step);
            }
        }
    }

    /**
     * The source's latent cache, read in place (never rewritten), and its latents.json copied here for
     * the export. Without a cache the source encoder encodes the dataset into this folder instead.
     */
    private LatentCache loadLatents() throws IOException {
        Files.createDirectories(dir);
        Path source = initDir.resolve("latents.bin");
        if (Files.exists(source)) {
            Files.copy(initDir.resolve("latents.json"), dir.resolve("latents.json"), StandardCopyOption.REPLACE_EXISTING);
            return LatentCache.load(data, initDir, config, source, log);
        }
        log.printf("no latents.bin in %s: encoding the dataset with its encoder into %s%n", initDir, dir);
        return LatentCache.load(data, initDir, config, dir.resolve("latents.bin"), log);
    }

    private static void loadEncoder(Checkpoint.Loaded c, ParamStore encoderPs) {
        for (String name : encoderPs.all().keySet()) {
            float[] v = c.tensors().get("param." + name);
            if (v == null) {
                throw new IllegalStateException("checkpoint lacks encoder parameter '" + name + "': delete the folder to start over");
            }
            encoderPs.set(name, v);
        }
    }

    /** Validation PSNR of the EMA decoder (the one exported) on the posterior means; writes metrics.json. */
    private ObjectNode validate(NDManager root, LatentCache latents, int[] val, Ema ema, long step, double trainLoss) throws IOException {
        ReconstructionPsnr psnr = new ReconstructionPsnr();
        int size = data.size();
        int pixels = 3 * size * size;
        try (NDManager m = root.newSubManager()) {
            ParamStore evalDecoder = new ParamStore(m, 0);
            AutoencoderModel eval = new AutoencoderModel(new ParamStore(m, 0), evalDecoder, config);
            ema.copyTo(evalDecoder);
            for (int start = 0; start < val.length; start += 64) {
                int n = Math.min(64, val.length - start);
                int[] idx = java.util.Arrays.copyOfRange(val, start, start + n);
                try (NDManager sub = m.newSubManager()) {
                    float[] x = new float[n * pixels];
                    for (int i = 0; i < n; i++) {
                        data.imageChw(idx[i], x, i * pixels);
                    }
                    NDArray img = sub.create(x, new Shape(n, 3, size, size));
                    NDArray z = sub.create(latents.posteriorMean(idx), new Shape(n, LatentCache.C, LatentCache.S, LatentCache.S));
                    psnr.add(eval.decode(z), img);
                }
            }
        }
        ObjectNode metrics = psnr.toJson();
        metrics.put("step", step);
        metrics.put("decoder", "EMA");
        log.printf("[%s] validation at step %d: mean PSNR %.2f dB, pooled %.2f dB (EMA decoder, %d images)%n", STAGE, step,
                psnr.meanPsnrDb(), psnr.pooledPsnrDb(), psnr.images());
        JSON.writeValue(dir.resolve("metrics.json").toFile(), metrics);
        ObjectNode entry = metrics.deepCopy();
        if (Double.isFinite(trainLoss)) {
            entry.put("trainPsnrDb", AutoencoderTrainer.psnr(trainLoss));
        }
        return entry;
    }

    private void save(ParamStore encoderPs, ParamStore decoderPs, Adam adam, Ema ema, long step, double seconds, double loss,
            String encoderHash, ArrayNode history) throws IOException {
        ObjectNode st = Checkpoint.newState();
        st.put("stage", STAGE);
        st.put("step", step);
        st.put("adamSteps", adam.steps());
        st.put("skippedUpdates", adam.skipped());
        st.put("seconds", seconds);
        st.put("loss", loss);
        st.put("totalSteps", s.steps());
        st.put("initFrom", initDir.toAbsolutePath().toString());
        st.put("encoderSha256", encoderHash);
        st.set("settings", JSON.valueToTree(s));
        st.set("validation", history);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        // the frozen encoder under both names, so loadWeights finds it whether or not it prefers the EMA
        encoderPs.all().forEach((k, v) -> tensors.put("param." + k, v));
        encoderPs.all().forEach((k, v) -> tensors.put("ema." + k, v));
        tensors.putAll(Checkpoint.collect(decoderPs, adam, ema));
        Checkpoint.save(dir, tensors, st);
        log.printf("checkpoint saved at step %d in %s%n", step, dir);
    }

    /** SHA-256 over the encoder's names and float bits: recorded at the start, checked before every save. */
    static String fingerprint(ParamStore ps) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, NDArray> e : ps.all().entrySet()) {
                md.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                float[] v = e.getValue().toFloatArray();
                ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                bb.asFloatBuffer().put(v);
                md.update(bb.array());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
