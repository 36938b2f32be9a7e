package apprentice.app.bench;

import java.util.Arrays;

/** Repeated timings of one thing, in nanoseconds, with the order statistics a benchmark reports. */
public final class Samples {
    private final long[] sorted;

    public Samples(long[] nanos) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no samples: run at least one iteration");
        }
        this.sorted = nanos.clone();
        Arrays.sort(sorted);
    }

    public int count() {
        return sorted.length;
    }

    /** The median (mean of the middle two for an even count): robust to a noisy, shared machine. */
    public double medianNanos() {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    public long minNanos() {
        return sorted[0];
    }

    public long maxNanos() {
        return sorted[sorted.length - 1];
    }

    public static double millis(double nanos) {
        return nanos / 1e6;
    }
}
