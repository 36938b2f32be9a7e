package apprentice.train.nn;

import java.io.PrintStream;
import java.util.Locale;

/** One console line per report: step, smoothed loss, learning rate, speed and ETA. */
public final class Progress {
    private final PrintStream out;
    private final String stage;
    private final long total;
    private double smoothed = Double.NaN;
    private long lastStep;
    private long lastNanos;
    private double secondsPerStep = Double.NaN;

    public Progress(PrintStream out, String stage, long total, long startStep) {
        this.out = out;
        this.stage = stage;
        this.total = total;
        this.lastStep = startStep;
        this.lastNanos = System.nanoTime();
    }

    public void add(float loss) {
        smoothed = Double.isNaN(smoothed) ? loss : 0.98 * smoothed + 0.02 * loss;
    }

    public double smoothedLoss() {
        return smoothed;
    }

    public void report(long step, float lr, String extra) {
        long now = System.nanoTime();
        if (step > lastStep) {
            double sps = (now - lastNanos) / 1e9 / (step - lastStep);
            secondsPerStep = Double.isNaN(secondsPerStep) ? sps : 0.7 * secondsPerStep + 0.3 * sps;
        }
        lastStep = step;
        lastNanos = now;
        double eta = secondsPerStep * (total - step);
        out.printf(Locale.ROOT, "[%s] step %d/%d  loss %.5f  lr %.2e  %.2f s/step  ETA %s%s%n", stage, step, total,
                smoothed, lr, secondsPerStep, formatDuration(eta), extra == null ? "" : "  " + extra);
        out.flush();
    }

    public static String formatDuration(double seconds) {
        if (Double.isNaN(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    /** Linear warm-up then cosine decay to 10% of the peak. */
    public static float cosineLr(float peak, long step, long warmup, long total) {
        if (step < warmup) {
            return peak * (step + 1) / warmup;
        }
        double p = Math.min(1.0, (double) (step - warmup) / Math.max(1, total - warmup));
        return (float) (peak * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * p))));
    }
}
