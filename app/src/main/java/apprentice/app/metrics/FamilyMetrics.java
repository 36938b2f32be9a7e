package apprentice.app.metrics;

import apprentice.core.eval.ClipScore;
import apprentice.core.eval.FrechetDistance;
import apprentice.core.eval.Gaussian;
import apprentice.core.eval.Psnr;
import apprentice.core.eval.ValidationSet;
import apprentice.core.eval.ZeroShot;
import apprentice.core.model.Autoencoder;
import apprentice.core.pipeline.DiffusionPipeline;
import apprentice.core.pipeline.GenerationRequest;
import apprentice.core.pipeline.GenerationResult;
import apprentice.core.pipeline.ModelComponents;
import apprentice.core.tensor.Tensor;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures a teacher/student/oracle family against the shipped validation set: autoencoder PSNR, the oracle's
 * zero-shot accuracy, the real images' own CLIP score, and for each sampler the CLIP score, the Fréchet distance to
 * the real images in the oracle's image-embedding space and the wall time per image. Every sampler draws image i
 * from the same prompt (the label of validation image i) and the same seed (seed + i), so rows differ only in the
 * sampler.
 */
public final class FamilyMetrics {
    /** Images per VAE call while measuring PSNR. */
    private static final int AE_CHUNK = 32;

    /** A language of the prompts: English labels, or Japanese labels (images without one are left out). */
    public enum Language {
        EN, JA;

        String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The label in this language of a validation image, or null when it has none. */
        String label(ValidationSet.Entry e) {
            return this == EN ? e.label() : e.labelJa();
        }
    }

    /**
     * What to measure.
     *
     * @param limit how many validation images (the first ones, in atlas order)
     * @param seed image i is drawn with seed + i
     * @param batch images per pipeline call (the per-image wall time is that of a call divided by its size)
     * @param samplers the rows, in order
     * @param languages EN, and JA when wanted
     */
    public record Settings(int limit, long seed, int batch, List<SamplerSpec> samplers, List<Language> languages) {
        public Settings {
            samplers = List.copyOf(samplers);
            languages = List.copyOf(languages);
        }
    }

    public record AutoencoderResult(String model, int images, double meanPsnrDb, double pooledPsnrDb, double worstPsnrDb) {
    }

    public record ZeroShotResult(String language, int images, int classes, double top1, double top5) {
    }

    /**
     * One row of the table.
     *
     * @param frechetDistance null for the real images themselves (0 by definition)
     * @param nfe UNet evaluations per image as the pipeline counts them (CFG's doubled batch counts once); null for real images
     * @param medianSecondsPerImage median over pipeline calls of call time / images in the call; null for real images
     */
    public record Row(String name, String language, String model, String scheduler, Integer steps, Double guidance,
                      Boolean classifierFreeGuidance, Integer nfe, int images, double clipScore, Double frechetDistance,
                      Double medianSecondsPerImage, Double totalSeconds, Integer batch) {
    }

    /**
     * @param vendorFrechetDistance FD between the two vendors' real renderings among the evaluated images (a
     *     reference scale: how far two sets of real emoji of the same subjects are), null when either has < 2 images
     */
    public record Result(int images, long seed, int embeddingDim, AutoencoderResult autoencoder,
                         List<ZeroShotResult> zeroShot, Double vendorFrechetDistance, List<Row> rows) {
    }

    private final ModelComponents teacher;
    private final ModelComponents student;
    private final ImageEmbedder embedder;
    private final ValidationSet validation;
    private final PrintWriter log;

    public FamilyMetrics(ModelComponents teacher, ModelComponents student, apprentice.onnx.oracle.ClipScoreOracle oracle,
                         ValidationSet validation, PrintWriter log) {
        this.teacher = teacher;
        this.student = student;
        this.embedder = new ImageEmbedder(oracle);
        this.validation = validation;
        this.log = log;
    }

    public Result run(Settings s) {
        int n = Math.min(s.limit(), validation.size());
        Tensor real = validation.images(0, n);
        List<ValidationSet.Entry> entries = validation.entries().subList(0, n);
        AutoencoderResult ae = autoencoder(teacher.vae(), teacher.name(), real);
        log.println(String.format(Locale.ROOT, "autoencoder (%s): PSNR %.2f dB mean over %d images", teacher.name(), ae.meanPsnrDb(), n));
        float[] realEmbeddings = embedder.images(real);
        int dim = embedder.dim();
        List<ZeroShotResult> zeroShot = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (Language lang : s.languages()) {
            int[] subset = withLabel(entries, lang);
            if (subset.length == 0) {
                log.println("no validation image has a " + lang + " label; " + lang + " rows skipped");
                continue;
            }
            zeroShot.add(zeroShot(realEmbeddings, dim, entries, subset, lang));
            List<String> prompts = Arrays.stream(subset).mapToObj(i -> lang.label(entries.get(i))).toList();
            float[] texts = embedder.texts(prompts);
            float[] realRows = rows(realEmbeddings, dim, subset);
            Gaussian realStats = subset.length >= 2 ? Gaussian.fit(realRows, dim) : null;
            rows.add(new Row("real validation images", lang.code(), null, null, null, null, null, null, subset.length,
                    ClipScore.mean(realRows, texts, dim), null, null, null, null));
            for (SamplerSpec spec : s.samplers()) {
                rows.add(sampler(spec, lang, prompts, subset, s, texts, realStats, dim));
            }
        }
        return new Result(n, s.seed(), dim, ae, zeroShot, vendorDistance(realEmbeddings, dim, entries), rows);
    }

    private static int[] withLabel(List<ValidationSet.Entry> entries, Language lang) {
        return java.util.stream.IntStream.range(0, entries.size()).filter(i -> lang.label(entries.get(i)) != null).toArray();
    }

    static AutoencoderResult autoencoder(Autoencoder vae, String model, Tensor real) {
        int n = real.dim(0);
        double[] psnr = new double[n];
        double mseSum = 0;
        for (int from = 0; from < n; from += AE_CHUNK) {
            Tensor x = real.slice(from, Math.min(n, from + AE_CHUNK));
            Tensor recon = vae.decode(vae.encode(x).mean());
            double[] mse = Psnr.mse(x, recon);
            for (int i = 0; i < mse.length; i++) {
                psnr[from + i] = Psnr.fromMse(mse[i]);
                mseSum += mse[i];
            }
        }
        double mean = Arrays.stream(psnr).average().orElse(Double.NaN);
        double worst = Arrays.stream(psnr).min().orElse(Double.NaN);
        return new AutoencoderResult(model, n, mean, Psnr.fromMse(mseSum / n), worst);
    }

    private ZeroShotResult zeroShot(float[] realEmbeddings, int dim, List<ValidationSet.Entry> entries, int[] subset, Language lang) {
        // classes: every distinct label of the whole validation set in this language, so a --limit run is scored
        // against the same label set as a full one
        Map<String, Integer> classes = new LinkedHashMap<>();
        for (ValidationSet.Entry e : validation.entries()) {
            String label = lang.label(e);
            if (label != null) {
                classes.putIfAbsent(label, classes.size());
            }
        }
        int[] truth = Arrays.stream(subset).map(i -> classes.get(lang.label(entries.get(i)))).toArray();
        float[] classEmbeddings = embedder.texts(List.copyOf(classes.keySet()));
        float[] images = rows(realEmbeddings, dim, subset);
        ZeroShotResult r = new ZeroShotResult(lang.code(), subset.length, classes.size(),
                ZeroShot.topK(images, classEmbeddings, dim, truth, 1), ZeroShot.topK(images, classEmbeddings, dim, truth, 5));
        log.println(String.format(Locale.ROOT, "oracle zero-shot (%s): top-1 %.1f%%, top-5 %.1f%% over %d labels", lang.code(),
                100 * r.top1(), 100 * r.top5(), r.classes()));
        return r;
    }

    private Row sampler(SamplerSpec spec, Language lang, List<String> prompts, int[] subset, Settings s, float[] texts,
                        Gaussian realStats, int dim) {
        ModelComponents model = spec.role().equals("teacher") ? teacher : student;
        DiffusionPipeline pipeline = new DiffusionPipeline(model);
        List<Tensor> images = new ArrayList<>();
        List<Double> perImage = new ArrayList<>();
        int nfe = -1;
        long start = System.nanoTime();
        for (int from = 0; from < prompts.size(); from += s.batch()) {
            int to = Math.min(prompts.size(), from + s.batch());
            List<Long> seeds = new ArrayList<>();
            for (int k = from; k < to; k++) {
                seeds.add(s.seed() + subset[k]); // the validation index, so EN and JA rows of one image share a seed
            }
            GenerationRequest request = GenerationRequest.builder().prompts(prompts.subList(from, to)).seeds(seeds)
                    .steps(spec.steps()).guidanceScale(spec.guidance()).scheduler(spec.scheduler())
                    .size(model.defaultImageSize(), model.defaultImageSize()).build();
            long t0 = System.nanoTime();
            GenerationResult result = pipeline.generate(request);
            perImage.add((System.nanoTime() - t0) / 1e9 / (to - from));
            nfe = result.nfe();
            images.add(result.images());
            if ((from / s.batch()) % 8 == 7 || to == prompts.size()) {
                log.println(String.format(Locale.ROOT, "%s (%s): %d/%d images", spec.name(), lang.code(), to, prompts.size()));
                log.flush();
            }
        }
        double total = (System.nanoTime() - start) / 1e9;
        Tensor all = Tensor.concat(images.toArray(Tensor[]::new));
        float[] generated = embedder.images(all);
        double clip = ClipScore.mean(generated, texts, dim);
        Double fd = realStats == null ? null : FrechetDistance.between(Gaussian.fit(generated, dim), realStats);
        Row row = new Row(spec.name(), lang.code(), model.name(), spec.scheduler(), spec.steps(), spec.guidance(),
                pipeline.usesClassifierFreeGuidance(spec.guidance()), nfe, prompts.size(), clip, fd, median(perImage), total, s.batch());
        log.println(String.format(Locale.ROOT, "%s (%s): CLIP score %.2f, FD %s, %.3f s/image", spec.name(), lang.code(), clip,
                fd == null ? "n/a" : String.format(Locale.ROOT, "%.3f", fd), row.medianSecondsPerImage()));
        return row;
    }

    private static Double vendorDistance(float[] embeddings, int dim, List<ValidationSet.Entry> entries) {
        List<String> vendors = entries.stream().map(ValidationSet.Entry::vendor).distinct().toList();
        if (vendors.size() != 2) {
            return null;
        }
        int[] a = java.util.stream.IntStream.range(0, entries.size()).filter(i -> entries.get(i).vendor().equals(vendors.get(0))).toArray();
        int[] b = java.util.stream.IntStream.range(0, entries.size()).filter(i -> entries.get(i).vendor().equals(vendors.get(1))).toArray();
        if (a.length < 2 || b.length < 2) {
            return null;
        }
        return FrechetDistance.of(rows(embeddings, dim, a), rows(embeddings, dim, b), dim);
    }

    static float[] rows(float[] flat, int dim, int[] which) {
        float[] out = new float[which.length * dim];
        for (int k = 0; k < which.length; k++) {
            System.arraycopy(flat, which[k] * dim, out, k * dim, dim);
        }
        return out;
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }
}
