package apprentice.core.adaptive;

import java.util.Arrays;

/** Percentiles with numpy's default rule ({@code np.percentile(x, q)}, "linear"): interpolate between order statistics. */
public final class Percentiles {
    private Percentiles() {
    }

    /** The q-th percentile (0 ≤ q ≤ 100) of {@code sorted}, which must be in ascending order and non-empty. */
    public static double ofSorted(double[] sorted, double q) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values to take a percentile of");
        }
        if (!(q >= 0 && q <= 100)) {
            throw new IllegalArgumentException("percentile " + q + " is outside [0, 100]");
        }
        double pos = (sorted.length - 1) * (q / 100.0);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double frac = pos - lo;
        return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
    }

    /** The q-th percentile of unsorted values. */
    public static double of(double[] values, double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        return ofSorted(s, q);
    }
}
