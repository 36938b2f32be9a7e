package apprentice.app;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Step progress on stderr: a bar redrawn in place on a terminal ({@code [####....] 12/25 3.4 it/s ETA 0:04}),
 * or plain lines at most once a second (and at the end) when stderr goes to a file or pipe, where
 * carriage returns would garble a log.
 */
public final class ProgressBar {
    private static final int WIDTH = 24;
    private static final long PLAIN_INTERVAL_NANOS = 1_000_000_000L;

    private final PrintWriter err;
    private final boolean interactive;
    private final LongSupplier nanoTime;
    private String label = "";
    private int total;
    private long startNanos;
    private long lastPrintNanos;
    private int lastLength;

    public ProgressBar(PrintWriter err, boolean interactive) {
        this(err, interactive, System::nanoTime);
    }

    ProgressBar(PrintWriter err, boolean interactive, LongSupplier nanoTime) {
        this.err = err;
        this.interactive = interactive;
        this.nanoTime = nanoTime;
    }

    /** Starts a new bar of {@code total} steps (0 when not known yet: the first update tells). */
    public synchronized void begin(String label, int total) {
        this.label = label;
        this.total = total;
        this.startNanos = nanoTime.getAsLong();
        this.lastPrintNanos = startNanos;
        this.lastLength = 0;
        if (interactive && total > 0) {
            draw(0);
        }
    }

    /** Reports progress and the total, for runs whose step count is known only once they start. */
    public synchronized void update(int done, int total) {
        this.total = total;
        update(done);
    }

    /** Reports that {@code done} of the total steps have finished. */
    public synchronized void update(int done) {
        long now = nanoTime.getAsLong();
        if (interactive) {
            draw(done);
        } else if (done >= total || now - lastPrintNanos >= PLAIN_INTERVAL_NANOS) {
            err.println(render(done, now, false));
            err.flush();
            lastPrintNanos = now;
        }
    }

    /** Ends the bar: on a terminal moves to a fresh line so later messages do not overwrite it. */
    public synchronized void end() {
        if (interactive && lastLength > 0) {
            err.println();
            err.flush();
            lastLength = 0;
        }
    }

    private void draw(int done) {
        String line = render(done, nanoTime.getAsLong(), true);
        int pad = Math.max(0, lastLength - line.length());
        err.print("\r" + line + " ".repeat(pad));
        err.flush();
        lastLength = line.length();
    }

    String render(int done, long now, boolean withBar) {
        double elapsed = (now - startNanos) / 1e9;
        double rate = done > 0 && elapsed > 0 ? done / elapsed : 0;
        StringBuilder sb = new StringBuilder();
        if (!label.isEmpty()) {
            sb.append(label).append(' ');
        }
        if (withBar) {
            int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
            sb.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
        }
        sb.append(done).append('/').append(total).append(" steps");
        if (rate > 0) {
            sb.append(String.format(Locale.ROOT, ", %.2f it/s", rate));
        }
        if (done >= total) {
            sb.append(String.format(Locale.ROOT, ", %.1f s", elapsed));
        } else if (rate > 0) {
            sb.append(", ETA ").append(clock((total - done) / rate));
        }
        return sb.toString();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
