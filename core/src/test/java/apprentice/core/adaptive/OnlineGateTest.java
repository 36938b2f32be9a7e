package apprentice.core.adaptive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OnlineGateTest {

    /** Gaussian scores whose mean drifts linearly by {@code drift} over the stream, plus a jump half-way. */
    static double[] drifting(int n, double drift, double jump, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            double u1 = r.nextDouble();
            double u2 = r.nextDouble();
            double z = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
            s[i] = 20 + drift * i / n + (i >= n / 2 ? jump : 0) + 2 * z;
        }
        return s;
    }

    static double realised(OnlineGate g, double[] scores) {
        int sent = 0;
        for (double s : scores) {
            if (g.decide(s).toTeacher()) {
                sent++;
            }
        }
        return 100.0 * sent / scores.length;
    }

    @Test
    void holdsTheShareWithinTwoPointsOnADriftingStream() {
        for (double k : new double[] {5, 10, 30, 50, 80}) {
            for (long seed = 1; seed <= 3; seed++) {
                OnlineGate g = new OnlineGate(k, Double.NaN, 500);
                double[] scores = drifting(10_000, 6.0, -3.0, seed);
                double share = realised(g, scores);
                assertTrue(Math.abs(share - k) <= 2, "k " + k + " seed " + seed + ": realised " + share);
                OnlineGate.OnlineState st = g.state();
                assertEquals(share, st.realisedShare(), 1e-9);
                assertEquals(10_000, st.seen());
                assertTrue(Math.abs(st.recentShare() - k) <= 6, "recent share " + st.recentShare());
            }
        }
    }

    @Test
    void aPlainSlidingWindowWithoutFeedbackWouldMissUnderDrift() {
        // the reason for the feedback term: under a steady upward drift the window's quantile lags, so a window-only
        // estimator sends too few drafts. The drift here is strong enough to show it.
        double k = 30;
        double[] scores = drifting(10_000, 40.0, 0, 9);
        int window = 500;
        double[] buf = new double[window];
        int sent = 0;
        for (int i = 0; i < scores.length; i++) {
            if (i >= window) {
                double tau = Percentiles.of(java.util.Arrays.copyOf(buf, window), k);
                if (scores[i] < tau) {
                    sent++;
                }
            }
            buf[i % window] = scores[i];
        }
        double windowOnly = 100.0 * sent / (scores.length - window);
        assertTrue(windowOnly < k - 2, "window-only share " + windowOnly);
        assertTrue(Math.abs(realised(new OnlineGate(k, Double.NaN, window), scores) - k) <= 2);
    }

    @Test
    void reportsTauDriftAndLowerThreshold() {
        OnlineGate g = new OnlineGate(40, 10, 100);
        double[] scores = drifting(5_000, 10.0, 0, 4);
        int low = 0;
        for (double s : scores) {
            Gate.Decision d = g.decide(s);
            if (d.verdict() == Gate.Verdict.TEACHER_LOW) {
                low++;
                assertTrue(d.tauLow() <= d.tau());
            }
        }
        assertTrue(Math.abs(100.0 * low / scores.length - 10) <= 3, "low share " + 100.0 * low / scores.length);
        assertTrue(g.state().tauDrift() > 7, "τ followed the drift of +10: " + g.state().tauDrift());
        assertThrows(IllegalArgumentException.class, () -> new OnlineGate(40, 50, 100));
        assertThrows(IllegalArgumentException.class, () -> new OnlineGate(40, Double.NaN, 5));
        assertThrows(IllegalArgumentException.class, () -> g.decide(Double.NaN));
    }

    @Test
    void fixedGateKeepsAtTauAndSendsBelow() {
        FixedGate g = new FixedGate(0.5, 0.2, 30, "calibrated");
        assertEquals(Gate.Verdict.KEEP, g.decide(0.5).verdict());
        assertEquals(Gate.Verdict.KEEP, g.decide(7).verdict());
        assertEquals(Gate.Verdict.TEACHER, g.decide(Math.nextDown(0.5)).verdict());
        assertEquals(Gate.Verdict.TEACHER, g.decide(0.2).verdict());
        assertEquals(Gate.Verdict.TEACHER_LOW, g.decide(0.19).verdict());
    }
}
