package apprentice.app.bench;

import apprentice.core.model.Autoencoder;
import apprentice.core.model.Denoiser;
import apprentice.core.model.TextEncoder;
import apprentice.core.noise.TorchGenerator;
import apprentice.core.pipeline.DiffusionPipeline;
import apprentice.core.pipeline.GenerationRequest;
import apprentice.core.pipeline.GenerationResult;
import apprentice.core.pipeline.GuidanceEmbedding;
import apprentice.core.pipeline.ModelComponents;
import apprentice.core.pipeline.PhaseTimings;
import apprentice.core.pipeline.TimedComponent;
import apprentice.core.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Times a loaded model's components one by one (the inputs a generation gives them) and then whole
 * generations, and says how much of the wall time was spent outside ONNX Runtime calls.
 */
public final class PipelineBench {

    /** What to run. */
    public record Settings(String prompt, String negativePrompt, String scheduler, int steps, double guidance,
                           int width, int height, int warmup, int iterations) {
    }

    private final ModelComponents model;
    private final Settings s;
    private final Consumer<String> log;

    /** @param log receives one line as each measurement starts (the command prints it on stderr) */
    public PipelineBench(ModelComponents model, Settings settings, Consumer<String> log) {
        this.model = model;
        this.s = settings;
        this.log = log;
    }

    public void run(BenchReport report) {
        DiffusionPipeline pipeline = new DiffusionPipeline(model);
        boolean cfg = pipeline.usesClassifierFreeGuidance(s.guidance());
        int factor = model.vae().downscaleFactor();
        int c = model.unet().latentChannels();
        int h = s.height() / factor;
        int w = s.width() / factor;
        int batch = cfg ? 2 : 1;

        TextEncoder text = model.textEncoder();
        List<String> texts = cfg ? List.of(s.negativePrompt(), s.prompt()) : List.of(s.prompt());
        log.accept("text encoder");
        int[][] ids = model.tokenizer().tokenizeBatch(texts);
        Tensor hidden = text.encode(ids);
        add(report, "text encoder", "batch " + ids.length + " × " + ids[0].length + " tokens",
                Stopwatch.measure(s.warmup(), s.iterations(), counter(text), () -> text.encode(ids)));

        log.accept("UNet step");
        Denoiser unet = model.unet();
        Tensor sample = new TorchGenerator(0).randn(batch, c, h, w);
        Tensor cond = unet.timestepCondDim() > 0 ? GuidanceEmbedding.of(s.guidance() - 1, unet.timestepCondDim(), batch) : null;
        add(report, "UNet step", "batch " + batch + (cfg ? " (CFG)" : "") + " × " + c + "×" + h + "×" + w,
                Stopwatch.measure(s.warmup(), s.iterations(), counter(unet), () -> unet.predict(sample, 500, hidden, cond)));

        log.accept("VAE decode and encode");
        Autoencoder vae = model.vae();
        Tensor latent = new TorchGenerator(1).randn(1, c, h, w);
        add(report, "VAE decode", "1 × " + c + "×" + h + "×" + w,
                Stopwatch.measure(s.warmup(), s.iterations(), counter(vae), () -> vae.decode(latent)));
        Tensor image = clamp(new TorchGenerator(2).randn(1, 3, s.height(), s.width()));
        try {
            vae.encode(image);
            add(report, "VAE encode", "1 × 3×" + s.height() + "×" + s.width(),
                    Stopwatch.measure(s.warmup(), s.iterations(), counter(vae), () -> vae.encode(image)));
        } catch (RuntimeException e) {
            report.note("VAE encode", "not measured (" + e.getMessage() + ")");
        }

        generation(report, pipeline);
    }

    private void generation(BenchReport report, DiffusionPipeline pipeline) {
        log.accept(s.steps() + "-step generations");
        GenerationRequest request = GenerationRequest.builder()
                .prompt(s.prompt())
                .negativePrompt(s.negativePrompt())
                .seed(0)
                .steps(s.steps())
                .guidanceScale(s.guidance())
                .size(s.width(), s.height())
                .scheduler(s.scheduler())
                .build();
        for (int i = 0; i < s.warmup(); i++) {
            pipeline.generate(request);
        }
        int n = s.iterations();
        long[] total = new long[n];
        double[] inside = new double[n];
        long[] textPhase = new long[n];
        long[] denoise = new long[n];
        long[] decode = new long[n];
        long[] pipelineOwn = new long[n];
        long[] conversion = new long[n];
        GenerationResult last = null;
        for (int i = 0; i < n; i++) {
            last = pipeline.generate(request);
            PhaseTimings t = last.timings();
            total[i] = t.totalNanos();
            inside[i] = t.totalNanos() == 0 ? 0 : (double) t.runtimeNanos() / t.totalNanos();
            textPhase[i] = t.textEncodeNanos();
            denoise[i] = t.denoiseNanos();
            decode[i] = t.decodeNanos();
            pipelineOwn[i] = t.totalNanos() - t.modelCallNanos();
            conversion[i] = t.modelCallNanos() - t.runtimeNanos();
        }
        String detail = last.nfe() + " steps " + last.scheduler() + ", guidance " + s.guidance() + ", "
                + s.width() + "×" + s.height();
        BenchRow row = new BenchRow("generation", detail, new Samples(total), Stopwatch.median(inside));
        report.row(row);
        report.note("generation NFE", last.nfe() + " (UNet evaluations; a CFG call on the doubled batch counts as one)");
        report.note("generation phases (median ms)", String.format(Locale.ROOT,
                "text encode %s, denoise %s (%s per step), decode %s", ms(textPhase), ms(denoise),
                BenchReport.ms(new Samples(denoise).medianNanos() / Math.max(1, last.nfe())), ms(decode)));
        report.note("time outside ONNX Runtime (median ms)", String.format(Locale.ROOT,
                "%s in the pipeline (schedulers, guidance, tensor copies), %s converting tensors inside the components",
                ms(pipelineOwn), ms(conversion)));
        double outside = row.outsideShareMedian();
        report.note("outside ORT share of a " + last.nfe() + "-step generation", BenchReport.percent(outside)
                + (outside < 0.05 ? " (goal: below 5%: met)" : " (goal: below 5%: NOT met)"));
    }

    private static String ms(long[] nanos) {
        return BenchReport.ms(new Samples(nanos).medianNanos());
    }

    private static void add(BenchReport report, String name, String detail, Stopwatch.Measurement m) {
        report.row(new BenchRow(name, detail, m.wall(), m.runtimeShareMedian()));
    }

    private static LongSupplier counter(Object component) {
        return component instanceof TimedComponent t ? t::runtimeNanos : null;
    }

    /** A plausible image in [-1, 1] (the VAE's input range). */
    private static Tensor clamp(Tensor t) {
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.max(-1f, Math.min(1f, d[i] * 0.5f));
        }
        return t;
    }
}
