package apprentice.app.evaluate;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A paired comparison of two methods over the same prompts (same initial noise): the mean per-prompt difference
 * a − b with a normal-approximation 95% interval, and how often a scores strictly higher.
 */
public record Paired(int n, double meanA, double meanB, double diff, double low, double high, int aWins, int ties) {

    /** Records of both methods in prompt order, one per prompt; the measure's NaN pairs are left out. */
    public static Paired of(List<EvalRecord> a, List<EvalRecord> b, ToDoubleFunction<EvalRecord> measure) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("paired comparison of " + a.size() + " and " + b.size() + " records");
        }
        double sa = 0;
        double sb = 0;
        double sd = 0;
        double sdd = 0;
        int n = 0;
        int wins = 0;
        int ties = 0;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).prompt() != b.get(i).prompt()) {
                throw new IllegalArgumentException("records are not paired: prompt " + a.get(i).prompt() + " vs " + b.get(i).prompt());
            }
            double x = measure.applyAsDouble(a.get(i));
            double y = measure.applyAsDouble(b.get(i));
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                continue;
            }
            n++;
            sa += x;
            sb += y;
            sd += x - y;
            sdd += (x - y) * (x - y);
            if (x > y) {
                wins++;
            } else if (x == y) {
                ties++;
            }
        }
        if (n == 0) {
            return new Paired(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0);
        }
        double mean = sd / n;
        double var = n > 1 ? (sdd - n * mean * mean) / (n - 1) : 0;
        double half = 1.96 * Math.sqrt(Math.max(var, 0) / n);
        return new Paired(n, sa / n, sb / n, mean, mean - half, mean + half, wins, ties);
    }

    /** a's share of strict wins in percent. */
    public double winShare() {
        return n == 0 ? Double.NaN : 100.0 * aWins / n;
    }

    /** Wilson 95% interval of the win share, in percent. */
    public double[] winShareInterval() {
        if (n == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double z = 1.96;
        double p = (double) aWins / n;
        double denom = 1 + z * z / n;
        double centre = (p + z * z / (2 * n)) / denom;
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / denom;
        return new double[] {100 * (centre - half), 100 * (centre + half)};
    }

    /** +1 when a is better beyond the interval, −1 when b is, 0 when the interval holds 0. */
    public int verdict() {
        return low > 0 ? 1 : high < 0 ? -1 : 0;
    }

    public String describe(String unit) {
        return String.format(Locale.ROOT, "%.3f vs %.3f, difference %+.3f%s (95%% CI %+.3f … %+.3f, n = %d)", meanA, meanB, diff, unit,
                low, high, n);
    }
}
