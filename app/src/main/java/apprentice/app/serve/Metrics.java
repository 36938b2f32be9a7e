package apprentice.app.serve;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The service's counters and histograms in Prometheus' text exposition format (version 0.0.4):
 * requests by route and status, jobs by outcome, adaptive routes, queue depth per lane, per-stage
 * latency and student batch sizes.
 */
final class Metrics {
    private static final double[] SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};
    private static final double[] BATCH = {1, 2, 4, 8, 16, 32};

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> jobs = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> routes = new ConcurrentHashMap<>();
    private final Map<String, Histogram> stages = new ConcurrentHashMap<>();
    private final Histogram batchSizes = new Histogram(BATCH);
    private final Histogram teacherBatchSizes = new Histogram(BATCH);
    private final Map<String, IntSupplier> gauges = new ConcurrentHashMap<>();

    void request(String route, int status) {
        requests.computeIfAbsent(label("route", route) + "," + label("status", Integer.toString(status)), x -> new LongAdder()).increment();
    }

    void job(String mode, String outcome) {
        jobs.computeIfAbsent(label("mode", mode) + "," + label("outcome", outcome), x -> new LongAdder()).increment();
    }

    void route(String route) {
        routes.computeIfAbsent(label("route", route), x -> new LongAdder()).increment();
    }

    void stage(String stage, long nanos) {
        stages.computeIfAbsent(label("stage", stage), x -> new Histogram(SECONDS)).observe(nanos / 1e9);
    }

    void studentBatch(int size) {
        batchSizes.observe(size);
    }

    void teacherBatch(int size) {
        teacherBatchSizes.observe(size);
    }

    void queueGauge(String lane, IntSupplier depth) {
        gauges.put(label("lane", lane), depth);
    }

    long requestCount(String route, int status) {
        LongAdder a = requests.get(label("route", route) + "," + label("status", Integer.toString(status)));
        return a == null ? 0 : a.sum();
    }

    String render() {
        StringBuilder out = new StringBuilder();
        counter(out, "apprentice_http_requests_total", "HTTP requests answered, by route and status.", requests);
        counter(out, "apprentice_jobs_total", "Finished jobs by mode and outcome (done, failed, cancelled, timeout, shutdown).", jobs);
        counter(out, "apprentice_routes_total", "Where images went: student, teacher, kept, refined, regenerated.", routes);
        out.append("# HELP apprentice_queue_depth Jobs waiting in each lane.\n# TYPE apprentice_queue_depth gauge\n");
        new TreeMap<>(gauges).forEach((labels, g) -> out.append("apprentice_queue_depth{").append(labels).append("} ")
                .append(g.getAsInt()).append('\n'));
        out.append("# HELP apprentice_stage_seconds Time per job stage: queue, student, oracle, teacher, total.\n"
                + "# TYPE apprentice_stage_seconds histogram\n");
        new TreeMap<>(stages).forEach((labels, h) -> h.render(out, "apprentice_stage_seconds", labels));
        out.append("# HELP apprentice_student_batch_size Requests per student call (micro-batching).\n"
                + "# TYPE apprentice_student_batch_size histogram\n");
        batchSizes.render(out, "apprentice_student_batch_size", "");
        out.append("# HELP apprentice_teacher_batch_size Images per teacher call (compatible queued refinements or regenerations).\n"
                + "# TYPE apprentice_teacher_batch_size histogram\n");
        teacherBatchSizes.render(out, "apprentice_teacher_batch_size", "");
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, Map<String, LongAdder> values) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        new TreeMap<>(values).forEach((labels, v) -> out.append(name).append('{').append(labels).append("} ").append(v.sum()).append('\n'));
    }

    /** {@code name="value"} with the value escaped as the format requires. */
    static String label(String name, String value) {
        return name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /** A cumulative histogram with fixed upper bounds. */
    static final class Histogram {
        private final double[] bounds;
        private final long[] counts;
        private double sum;
        private long count;

        Histogram(double[] bounds) {
            this.bounds = bounds;
            this.counts = new long[bounds.length];
        }

        synchronized void observe(double v) {
            for (int i = 0; i < bounds.length; i++) {
                if (v <= bounds[i]) {
                    counts[i]++;
                }
            }
            sum += v;
            count++;
        }

        synchronized void render(StringBuilder out, String name, String labels) {
            String sep = labels.isEmpty() ? "" : labels + ",";
            for (int i = 0; i < bounds.length; i++) {
                out.append(name).append("_bucket{").append(sep).append("le=\"").append(fmt(bounds[i])).append("\"} ")
                        .append(counts[i]).append('\n');
            }
            out.append(name).append("_bucket{").append(sep).append("le=\"+Inf\"} ").append(count).append('\n');
            String braces = labels.isEmpty() ? "" : "{" + labels + "}";
            out.append(name).append("_sum").append(braces).append(' ').append(String.format(Locale.ROOT, "%.6f", sum)).append('\n');
            out.append(name).append("_count").append(braces).append(' ').append(count).append('\n');
        }

        private static String fmt(double d) {
            return d == Math.rint(d) ? String.format(Locale.ROOT, "%.1f", d) : Double.toString(d);
        }
    }
}
