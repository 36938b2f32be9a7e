package apprentice.app.serve;

import java.util.Arrays;

/**
 * τ for a budget k, from the oracle's scores of recent drafts: the k-th percentile (numpy's default
 * linear interpolation) of the last {@code capacity} draft scores, the new score included. Sending drafts
 * under it to the teacher sends about k% of them once the window has filled. The window can be seeded
 * with a calibration run's scores, so the first requests are routed like later ones; until it holds
 * {@link #warm()} scores the decision rests on few samples, and results say so.
 */
final class ScoreWindow {
    private final double[] ring;
    private int count;
    private int next;

    ScoreWindow(int capacity, double[] seedScores) {
        if (capacity < 1) {
            throw new IllegalArgumentException("score window capacity must be at least 1");
        }
        ring = new double[capacity];
        for (double s : seedScores) {
            add(s);
        }
    }

    private void add(double score) {
        ring[next] = score;
        next = (next + 1) % ring.length;
        count = Math.min(count + 1, ring.length);
    }

    /** Records {@code score} and returns τ for budget {@code k}, with the sample count it rests on. */
    synchronized Threshold admit(double score, double k) {
        add(score);
        double[] sorted = Arrays.copyOf(ring, count);
        Arrays.sort(sorted);
        return new Threshold(percentile(sorted, k), count);
    }

    /** Enough samples that τ is meaningful for the usual budgets (10 ≤ k ≤ 90). */
    static int warm() {
        return 20;
    }

    static double percentile(double[] sorted, double k) {
        double pos = k / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    record Threshold(double tau, int samples) {
    }
}
