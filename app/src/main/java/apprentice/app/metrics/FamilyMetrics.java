package apprentice.app.metrics;

import apprentice.core.eval.ClipScore;
import apprentice.core.eval.FrechetDistance;
import apprentice.core.eval.Gaussian;
import apprentice.core.eval.NearestReal;
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
 * sampler. Recognition: the oracle's zero-shot top-1 / top-5 of each image among the prompts' labels, the same test
 * the real images take; on the held-out labels and, when a list of trained labels is given, on those, where a
 * person's "I can tell which emoji it is" is what the family was taught. With a reference set (real training images
 * of trained emoji) the trained labels are also recognised image to image: is the nearest real image of the prompted
 * emoji, which does not lean on the text tower the family's UNets are conditioned on?
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
     * @param trainedPrompts labels of emoji the family was trained on (distinct; empty: no trained-label rows)
     * @param reference real training images of trained emoji (English labels), or null: with it the trained-label rows
     *     gain a real row and nearest-real recognition
     */
    public record Settings(int limit, long seed, int batch, List<SamplerSpec> samplers, List<Language> languages,
                           List<String> trainedPrompts, ValidationSet reference) {
        public Settings {
            samplers = List.copyOf(samplers);
            languages = List.copyOf(languages);
            trainedPrompts = List.copyOf(new java.util.LinkedHashSet<>(trainedPrompts));
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
     * @param recognitionTop1 share of images the oracle assigns to their own label first among all the language's
     *     validation labels (for the real images: the oracle's zero-shot top-1)
     */
    public record Row(String name, String language, String model, String scheduler, Integer steps, Double guidance,
                      Boolean classifierFreeGuidance, Integer nfe, int images, double clipScore, Double frechetDistance,
                      Double medianSecondsPerImage, Double totalSeconds, Integer batch, double recognitionTop1,
                      double recognitionTop5) {
    }

    /**
     * A sampler on labels of trained emoji: image i from trained label i with seed + i, recognised among all the
     * trained labels given; or (model null) the reference set's real images of those labels. Too few images per label
     * for an FD.
     *
     * @param nearestRealImages how many of the images have real reference images of their label (null: no reference
     *     set); nearest-real recognition is measured on those
     * @param nearestRealTop1 share of them whose most similar real reference image (oracle image embedding) shows
     *     their own label; for the real row each image is matched with the others (leave one out)
     */
    public record TrainedRow(String name, String model, int images, int classes, double clipScore, double recognitionTop1,
                             double recognitionTop5, Integer nearestRealImages, Double nearestRealTop1, Double nearestRealTop5) {
    }

    /**
     * @param vendorFrechetDistance FD between the two vendors' real renderings among the evaluated images (a
     *     reference scale: how far two sets of real emoji of the same subjects are), null when either has < 2 images
     */
    public record Result(int images, long seed, int embeddingDim, AutoencoderResult autoencoder,
                         List<ZeroShotResult> zeroShot, Double vendorFrechetDistance, List<Row> rows, List<TrainedRow> trained) {
    }

    /** Class embeddings of a label set and each image's true class in it. */
    private record Labels(float[] embeddings, int count, int[] truth) {
        double top(float[] images, int dim, int k) {
            return ZeroShot.topK(images, embeddings, dim, truth, k);
        }
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
            List<String> prompts = Arrays.stream(subset).mapToObj(i -> lang.label(entries.get(i))).toList();
            Labels labels = validationLabels(lang, prompts);
            float[] texts = embedder.texts(prompts);
            float[] realRows = rows(realEmbeddings, dim, subset);
            ZeroShotResult z = new ZeroShotResult(lang.code(), subset.length, labels.count(), labels.top(realRows, dim, 1),
                    labels.top(realRows, dim, 5));
            log.println(String.format(Locale.ROOT, "oracle zero-shot (%s): top-1 %.1f%%, top-5 %.1f%% over %d labels", lang.code(),
                    100 * z.top1(), 100 * z.top5(), z.classes()));
            zeroShot.add(z);
            Gaussian realStats = subset.length >= 2 ? Gaussian.fit(realRows, dim) : null;
            rows.add(new Row("real validation images", lang.code(), null, null, null, null, null, null, subset.length,
                    ClipScore.mean(realRows, texts, dim), null, null, null, null, z.top1(), z.top5()));
            long[] seeds = Arrays.stream(subset).mapToLong(i -> s.seed() + i).toArray(); // EN and JA rows of an image share a seed
            for (SamplerSpec spec : s.samplers()) {
                rows.add(sampler(spec, lang, prompts, seeds, s.batch(), texts, labels, realStats, dim));
            }
        }
        List<TrainedRow> trained = s.trainedPrompts().isEmpty() ? List.of() : trainedRows(s, dim);
        return new Result(n, s.seed(), dim, ae, zeroShot, vendorDistance(realEmbeddings, dim, entries), rows, trained);
    }

    /**
     * Real reference images of the trained labels: their embeddings, each one's label index, and the indices of the
     * labels that have at least one (the prompts whose images nearest-real recognition can judge).
     */
    private record Reference(float[] embeddings, int[] label, int[] labelsShown) {
        int count() {
            return label.length;
        }
    }

    /**
     * Every sampler on the trained labels: image i from label i with seed + i, recognised among those labels by the
     * oracle's text tower and, when a reference set is given, by the nearest real image of those labels.
     */
    private List<TrainedRow> trainedRows(Settings s, int dim) {
        List<String> prompts = s.trainedPrompts();
        float[] texts = embedder.texts(prompts);
        int classes = prompts.size();
        Labels labels = new Labels(texts, classes, java.util.stream.IntStream.range(0, classes).toArray());
        Reference ref = s.reference() == null ? null : reference(s.reference(), prompts);
        List<TrainedRow> out = new ArrayList<>();
        if (ref != null && ref.count() > 0) {
            Labels refLabels = new Labels(texts, classes, ref.label());
            out.add(new TrainedRow("real reference images", null, ref.count(), classes,
                    ClipScore.mean(ref.embeddings(), rows(texts, dim, ref.label()), dim), refLabels.top(ref.embeddings(), dim, 1),
                    refLabels.top(ref.embeddings(), dim, 5), ref.count(),
                    NearestReal.topK(ref.embeddings(), ref.embeddings(), dim, ref.label(), classes, ref.label(), 1, true),
                    NearestReal.topK(ref.embeddings(), ref.embeddings(), dim, ref.label(), classes, ref.label(), 5, true)));
        }
        long[] seeds = java.util.stream.LongStream.range(0, classes).map(i -> s.seed() + i).toArray();
        for (SamplerSpec spec : s.samplers()) {
            Generated g = generate(spec, prompts, seeds, s.batch(), "trained labels");
            float[] generated = embedder.images(g.images());
            Integer covered = null;
            Double near1 = null;
            Double near5 = null;
            if (ref != null) {
                int[] withReal = ref.labelsShown();
                covered = withReal.length;
                if (covered > 0) {
                    float[] queries = rows(generated, dim, withReal);
                    near1 = NearestReal.topK(queries, ref.embeddings(), dim, ref.label(), classes, withReal, 1, false);
                    near5 = NearestReal.topK(queries, ref.embeddings(), dim, ref.label(), classes, withReal, 5, false);
                }
            }
            TrainedRow row = new TrainedRow(spec.name(), g.model(), classes, classes, ClipScore.mean(generated, texts, dim),
                    labels.top(generated, dim, 1), labels.top(generated, dim, 5), covered, near1, near5);
            log.println(String.format(Locale.ROOT, "%s (trained labels): recognised top-1 %.1f%%, top-5 %.1f%% of %d%s",
                    spec.name(), 100 * row.recognitionTop1(), 100 * row.recognitionTop5(), classes,
                    near1 == null ? "" : String.format(Locale.ROOT, "; nearest real image of the label: top-1 %.1f%% of %d",
                            100 * near1, covered)));
            out.add(row);
        }
        return out;
    }

    /** The reference images whose English label is a trained prompt, with that prompt's index. */
    private Reference reference(ValidationSet set, List<String> prompts) {
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < prompts.size(); i++) {
            index.putIfAbsent(prompts.get(i), i);
        }
        int[] picked = java.util.stream.IntStream.range(0, set.size()).filter(i -> index.containsKey(set.entry(i).label())).toArray();
        int[] label = java.util.Arrays.stream(picked).map(i -> index.get(set.entry(i).label())).toArray();
        if (picked.length == 0) {
            log.println("no reference image shows a trained prompt's label; nearest-real recognition left out");
            return new Reference(new float[0], label, label);
        }
        Tensor all = set.images(0, set.size());
        float[] embeddings = rows(embedder.images(all), embedder.dim(), picked);
        return new Reference(embeddings, label, java.util.Arrays.stream(label).distinct().sorted().toArray());
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

    /** Every distinct validation label in this language, and each prompt's index among them. */
    private Labels validationLabels(Language lang, List<String> prompts) {
        // the whole validation set's labels, so a --limit run is scored against the same label set as a full one
        Map<String, Integer> classes = new LinkedHashMap<>();
        for (ValidationSet.Entry e : validation.entries()) {
            String label = lang.label(e);
            if (label != null) {
                classes.putIfAbsent(label, classes.size());
            }
        }
        int[] truth = prompts.stream().mapToInt(classes::get).toArray();
        return new Labels(embedder.texts(List.copyOf(classes.keySet())), classes.size(), truth);
    }

    private Row sampler(SamplerSpec spec, Language lang, List<String> prompts, long[] seeds, int batch, float[] texts,
                        Labels labels, Gaussian realStats, int dim) {
        Generated g = generate(spec, prompts, seeds, batch, lang.code());
        float[] generated = embedder.images(g.images());
        double clip = ClipScore.mean(generated, texts, dim);
        Double fd = realStats == null ? null : FrechetDistance.between(Gaussian.fit(generated, dim), realStats);
        Row row = new Row(spec.name(), lang.code(), g.model(), spec.scheduler(), spec.steps(), spec.guidance(),
                g.classifierFreeGuidance(), g.nfe(), prompts.size(), clip, fd, g.medianSecondsPerImage(), g.totalSeconds(),
                batch, labels.top(generated, dim, 1), labels.top(generated, dim, 5));
        log.println(String.format(Locale.ROOT, "%s (%s): CLIP score %.2f, FD %s, recognised top-1 %.1f%%, %.3f s/image",
                spec.name(), lang.code(), clip, fd == null ? "n/a" : String.format(Locale.ROOT, "%.3f", fd),
                100 * row.recognitionTop1(), row.medianSecondsPerImage()));
        return row;
    }

    /** Images of one sampler for a list of prompts, with its cost. */
    private record Generated(Tensor images, String model, int nfe, boolean classifierFreeGuidance,
                             double medianSecondsPerImage, double totalSeconds) {
    }

    /** Draws image k from prompts[k] with seeds[k], {@code batch} prompts per pipeline call. */
    private Generated generate(SamplerSpec spec, List<String> prompts, long[] seeds, int batch, String what) {
        ModelComponents model = spec.role().equals("teacher") ? teacher : student;
        DiffusionPipeline pipeline = new DiffusionPipeline(model);
        List<Tensor> images = new ArrayList<>();
        List<Double> perImage = new ArrayList<>();
        int nfe = -1;
        long start = System.nanoTime();
        for (int from = 0; from < prompts.size(); from += batch) {
            int to = Math.min(prompts.size(), from + batch);
            List<Long> callSeeds = Arrays.stream(seeds, from, to).boxed().toList();
            GenerationRequest request = GenerationRequest.builder().prompts(prompts.subList(from, to)).seeds(callSeeds)
                    .steps(spec.steps()).guidanceScale(spec.guidance()).scheduler(spec.scheduler())
                    .size(model.defaultImageSize(), model.defaultImageSize()).build();
            long t0 = System.nanoTime();
            GenerationResult result = pipeline.generate(request);
            perImage.add((System.nanoTime() - t0) / 1e9 / (to - from));
            nfe = result.nfe();
            images.add(result.images());
            if ((from / batch) % 8 == 7 || to == prompts.size()) {
                log.println(String.format(Locale.ROOT, "%s (%s): %d/%d images", spec.name(), what, to, prompts.size()));
                log.flush();
            }
        }
        return new Generated(Tensor.concat(images.toArray(Tensor[]::new)), model.name(), nfe,
                pipeline.usesClassifierFreeGuidance(spec.guidance()), median(perImage), (System.nanoTime() - start) / 1e9);
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
