package apprentice.app.bench;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Runs a body a number of times after warm-up and records wall time and the share of it spent inside
 * the runtime (read from a cumulative counter such as {@code TimedComponent.runtimeNanos}).
 */
public final class Stopwatch {
    private Stopwatch() {
    }

    /** Wall times and the median runtime share of one measured body. */
    public record Measurement(Samples wall, double runtimeShareMedian) {
    }

    /**
     * @param runtimeCounter cumulative nanoseconds inside the runtime, or null when unknown
     */
    public static Measurement measure(int warmup, int iterations, LongSupplier runtimeCounter, Runnable body) {
        for (int i = 0; i < warmup; i++) {
            body.run();
        }
        long[] wall = new long[iterations];
        double[] share = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long r0 = runtimeCounter == null ? 0 : runtimeCounter.getAsLong();
            long t0 = System.nanoTime();
            body.run();
            wall[i] = System.nanoTime() - t0;
            long inside = runtimeCounter == null ? 0 : runtimeCounter.getAsLong() - r0;
            share[i] = wall[i] == 0 ? 0 : (double) inside / wall[i];
        }
        return new Measurement(new Samples(wall), runtimeCounter == null ? Double.NaN : median(share));
    }

    public static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
