package apprentice.onnx.pipeline;

import apprentice.core.pipeline.DiffusionPipeline;
import apprentice.core.pipeline.GenerationRequest;
import apprentice.core.pipeline.GenerationResult;
import apprentice.core.pipeline.ModelComponents;
import apprentice.core.pipeline.PhaseTimings;
import apprentice.onnx.runtime.OnnxModelFolder;
import apprentice.onnx.runtime.RuntimeOptions;
import apprentice.onnx.synth.SyntheticModelFolder;
import apprentice.onnx.synth.SyntheticSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Benchmark (not a test): time spent outside ONNX Runtime in a pipeline run on a synthetic folder, with and
 * without pinned UNet dimensions. Usage: {@code PipelineBench [tiny|realistic|family] [steps] [runs] [threads]}.
 */
public final class PipelineBench {
    private PipelineBench() {
    }

    public static void main(String[] args) throws Exception {
        String shape = args.length > 0 ? args[0] : "family";
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        SyntheticSpec spec = switch (shape) {
            case "tiny" -> SyntheticSpec.tiny();
            case "realistic" -> SyntheticSpec.realisticShape();
            default -> SyntheticSpec.builtInFamilyShape();
        };
        Path dir = Files.createTempDirectory("bench-" + shape);
        SyntheticModelFolder.write(dir, spec);
        int side = spec.imageSize();
        int latent = side / spec.vae().scaleFactor();
        RuntimeOptions base = RuntimeOptions.defaults().withThreads(threads, 1);
        RuntimeOptions pinned = base.withUnetDims(Map.of("batch_size", 2L, "height", (long) latent, "width", (long) latent,
                "sequence_length", 77L));
        System.out.printf("%s: %dx%d images, %d steps, DDIM, CFG (UNet batch 2), %d threads%n", shape, side, side, steps, threads);
        for (RuntimeOptions o : new RuntimeOptions[] {base, pinned, base, pinned}) {
            try (ModelComponents m = OnnxModelFolder.load(dir, o)) {
                DiffusionPipeline p = new DiffusionPipeline(m);
                GenerationRequest req = GenerationRequest.builder().prompt("a red fox in the snow").seed(1).steps(steps)
                        .guidanceScale(7.5).scheduler("ddim").build();
                p.generate(req); // warm-up: first runs allocate ONNX Runtime's arenas
                long[] total = new long[runs];
                long[] outside = new long[runs];
                long[] runtime = new long[runs];
                long[] denoise = new long[runs];
                long[] conversion = new long[runs];
                for (int r = 0; r < runs; r++) {
                    PhaseTimings t = p.generate(req).timings();
                    total[r] = t.totalNanos();
                    outside[r] = t.outsideRuntimeNanos();
                    runtime[r] = t.runtimeNanos();
                    denoise[r] = t.denoiseNanos();
                    conversion[r] = t.modelCallNanos() - t.runtimeNanos();
                }
                // the machine is shared: report the median and the minimum, each over the runs
                System.out.printf("  %s%n    total median %8.1f ms (min %8.1f)  denoise median %6.2f ms/step  in ORT median %8.1f ms"
                                + "  outside ORT median %6.2f ms (min %6.2f ms, %.2f%% of the median total),"
                                + " of which tensor conversion median %6.2f ms (min %6.2f)%n",
                        o.describe(), ms(median(total)), ms(min(total)), ms(median(denoise)) / steps, ms(median(runtime)),
                        ms(median(outside)), ms(min(outside)), 100.0 * median(outside) / median(total),
                        ms(median(conversion)), ms(min(conversion)));
            }
        }
    }

    private static long median(long[] v) {
        long[] c = v.clone();
        java.util.Arrays.sort(c);
        return c[c.length / 2];
    }

    private static long min(long[] v) {
        return java.util.Arrays.stream(v).min().orElse(0);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
