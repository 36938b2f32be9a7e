package apprentice.core.adaptive;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Holds the teacher share at k% over a stream of drafts without a calibration file.
 *
 * <p><b>Estimator: sliding-window quantile with share feedback.</b> τ is the exact p-th percentile (numpy's
 * linear rule) of the last {@code window} scores, kept sorted (O(window) per update). A whole-stream estimator
 * such as P² would lag a drifting score distribution by ever more samples, so the window bounds the lag. The
 * window alone still lags by about half its length, which under steady drift biases the share by a few points;
 * a proportional correction on the cumulative count removes that bias:
 * {@code p = clamp(k + gain·(k/100·n − sent), 0.5, 99.5)} with {@code gain = 100/window} percentage points per
 * image of deficit, so a deficit of a whole window moves p by 100 points and the count error stays bounded:
 * the realised share converges to k.
 *
 * <p><b>Warm-up.</b> Until {@code min(window, 20)} scores have been seen, a draft goes to the teacher when fewer than
 * k% of the scores seen so far are below it and the share sent so far is under k (the decision then depends on
 * few values; it is marked in the decision's τ as the value compared against).
 *
 * <p>The lower threshold (auto mode) is the window's {@code kLow}-th percentile, without feedback.
 */
public final class OnlineGate implements Gate {
    private final double k;
    private final double kLow;
    private final int window;
    private final int warmUp;
    private final ArrayDeque<Double> arrival = new ArrayDeque<>();
    private final ArrayDeque<Boolean> recentSent = new ArrayDeque<>();
    private double[] sorted = new double[0];
    private int size;
    private long seen;
    private long sent;
    private int recentSentCount;
    private double firstTau = Double.NaN;
    private double lastTau = Double.NaN;

    /**
     * @param k target teacher share in percent, 0 &lt; k &lt; 100
     * @param kLow percentile below which drafts are marked for regeneration (NaN: none); 0 &lt; kLow &lt; k
     * @param window number of recent scores the quantile is taken over (≥ 20)
     */
    public OnlineGate(double k, double kLow, int window) {
        this.k = Gate.checkK(k, "k");
        if (!Double.isNaN(kLow)) {
            Gate.checkK(kLow, "the regenerate percentile");
            if (kLow >= k) {
                throw new IllegalArgumentException("the regenerate percentile " + kLow + " must be below k " + k);
            }
        }
        if (window < 20) {
            throw new IllegalArgumentException("online window " + window + " is too small: use at least 20 scores (default 500)");
        }
        this.kLow = kLow;
        this.window = window;
        this.warmUp = Math.min(window, 20);
        this.sorted = new double[window];
    }

    public OnlineGate(double k) {
        this(k, Double.NaN, 500);
    }

    @Override
    public synchronized Decision decide(double score) {
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("oracle score " + score + " is not a finite number");
        }
        Decision d;
        if (size < warmUp) {
            int below = 0;
            for (int i = 0; i < size; i++) {
                if (sorted[i] < score) {
                    below++;
                }
            }
            boolean teacher = size == 0 ? k >= 50 : below < k / 100.0 * size && sent < k / 100.0 * (seen + 1);
            double tau = size == 0 ? score : Percentiles.ofSorted(Arrays.copyOf(sorted, size), k);
            d = new Decision(teacher ? Verdict.TEACHER : Verdict.KEEP, tau, Double.NaN, k);
        } else {
            double deficit = k / 100.0 * seen - sent;
            double p = Math.max(0.5, Math.min(99.5, k + (100.0 / window) * deficit));
            double[] current = Arrays.copyOf(sorted, size);
            double tau = Percentiles.ofSorted(current, p);
            double tauLow = Double.isNaN(kLow) ? Double.NaN : Math.min(tau, Percentiles.ofSorted(current, kLow));
            Verdict v = score >= tau ? Verdict.KEEP : !Double.isNaN(tauLow) && score < tauLow ? Verdict.TEACHER_LOW : Verdict.TEACHER;
            d = new Decision(v, tau, tauLow, k);
            if (Double.isNaN(firstTau)) {
                firstTau = tau;
            }
            lastTau = tau;
        }
        add(score, d.toTeacher());
        return d;
    }

    private void add(double score, boolean toTeacher) {
        seen++;
        if (toTeacher) {
            sent++;
            recentSentCount++;
        }
        recentSent.addLast(toTeacher);
        if (recentSent.size() > window && recentSent.removeFirst()) {
            recentSentCount--;
        }
        if (size == window) {
            double old = arrival.removeFirst();
            int at = Arrays.binarySearch(sorted, 0, size, old);
            System.arraycopy(sorted, at + 1, sorted, at, size - at - 1);
            size--;
        }
        arrival.addLast(score);
        int at = Arrays.binarySearch(sorted, 0, size, score);
        if (at < 0) {
            at = -at - 1;
        }
        System.arraycopy(sorted, at, sorted, at + 1, size - at);
        sorted[at] = score;
        size++;
    }

    /** Where the stream stands. */
    public synchronized OnlineState state() {
        return new OnlineState(k, seen, sent, seen == 0 ? Double.NaN : 100.0 * sent / seen,
                recentSent.isEmpty() ? Double.NaN : 100.0 * recentSentCount / recentSent.size(), lastTau,
                Double.isNaN(firstTau) ? Double.NaN : lastTau - firstTau, window);
    }

    /**
     * @param k the target share (percent)
     * @param seen drafts decided so far
     * @param sent drafts sent to the teacher so far
     * @param realisedShare 100·sent/seen
     * @param recentShare the share over the last {@code window} decisions
     * @param tau the latest threshold
     * @param tauDrift how far τ has moved since the end of the warm-up (latest − first): the score distribution's drift
     * @param window the window length
     */
    public record OnlineState(double k, long seen, long sent, double realisedShare, double recentShare, double tau,
                              double tauDrift, int window) {
    }

    @Override
    public String kind() {
        return "online";
    }

    @Override
    public boolean hasLowerThreshold() {
        return !Double.isNaN(kLow);
    }
}
