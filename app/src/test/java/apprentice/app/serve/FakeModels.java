package apprentice.app.serve;

import apprentice.core.oracle.Oracle;
import apprentice.core.pipeline.CancellationToken;
import apprentice.core.pipeline.GenerationRequest;
import apprentice.core.pipeline.GenerationResult;
import apprentice.core.pipeline.PhaseTimings;
import apprentice.core.pipeline.ProgressListener;
import apprentice.core.pipeline.StepEvent;
import apprentice.core.tensor.Tensor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fakes of the pipeline interfaces: a "model" whose image i is a flat colour derived from its seed (so
 * tests can check which seed drew it), that sleeps per step, reports progress and honours cancellation
 * between steps as the real pipeline does; and an oracle that scores prompts containing "bad" low.
 */
final class FakeModels {
    private FakeModels() {
    }

    static final class FakeModel implements DenoiseRun {
        final String name;
        final long stepMillis;
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        final List<GenerationRequest> requests = new CopyOnWriteArrayList<>();
        final AtomicInteger running = new AtomicInteger();
        volatile RuntimeException failWith;

        FakeModel(String name, long stepMillis) {
            this.name = name;
            this.stepMillis = stepMillis;
        }

        @Override
        public GenerationResult run(GenerationRequest r, ProgressListener listener, CancellationToken cancel) {
            running.incrementAndGet();
            try {
                batchSizes.add(r.batchSize());
                requests.add(r);
                if (failWith != null) {
                    throw failWith;
                }
                int w = r.initImage() != null ? r.initImage().dim(3) : r.width();
                int h = r.initImage() != null ? r.initImage().dim(2) : r.height();
                int steps = r.initImage() != null ? Math.min((int) (r.steps() * r.strength()), r.steps()) : r.steps();
                long t0 = System.nanoTime();
                for (int s = 1; s <= steps; s++) {
                    cancel.throwIfCancelled("before step " + s);
                    sleep(stepMillis);
                    listener.stepFinished(new StepEvent(s, steps, 1000 - s, System.nanoTime() - t0));
                }
                cancel.throwIfCancelled("before decoding");
                int b = r.batchSize();
                float[] px = new float[b * 3 * h * w];
                for (int i = 0; i < b; i++) {
                    float v = (r.seeds().get(i) % 200) / 100f - 1f;
                    for (int k = 0; k < 3 * h * w; k++) {
                        px[i * 3 * h * w + k] = v;
                    }
                }
                Tensor images = new Tensor(new int[] {b, 3, h, w}, px);
                PhaseTimings t = new PhaseTimings(0, 0, 0, 0, System.nanoTime() - t0, 0, 0);
                return new GenerationResult(images, images, r.seeds(), new double[steps], steps, false, name, Double.NaN, t);
            } finally {
                running.decrementAndGet();
            }
        }
    }

    /** 0.1 for prompts containing "bad", else 0.9. */
    static final class FakeOracle implements Oracle {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public float[] score(List<String> prompts, Tensor images) {
            calls.incrementAndGet();
            if (images.dim(0) != prompts.size()) {
                throw new IllegalArgumentException("prompts and images differ in number");
            }
            float[] s = new float[prompts.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = prompts.get(i).contains("bad") ? 0.1f : 0.9f;
            }
            return s;
        }

        @Override
        public String name() {
            return "fake-oracle";
        }

        @Override
        public void close() {
        }
    }

    static void sleep(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
