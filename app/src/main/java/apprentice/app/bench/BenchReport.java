package apprentice.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of {@code apprentice bench}: the settings and machine it ran on, and one row per timed
 * thing. Renders as Markdown (for docs/bench.md and the terminal) or JSON (for scripts).
 */
public final class BenchReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, Object> settings = new LinkedHashMap<>();
    private final List<BenchRow> rows = new ArrayList<>();
    private final Map<String, Object> notes = new LinkedHashMap<>();

    /** A setting or fact about the machine, shown in the report's header in insertion order. */
    public BenchReport setting(String key, Object value) {
        settings.put(key, value);
        return this;
    }

    public BenchReport row(BenchRow row) {
        rows.add(row);
        return this;
    }

    /** A derived figure shown under the table (e.g. NFE, the per-phase split of a generation). */
    public BenchReport note(String key, Object value) {
        notes.put(key, value);
        return this;
    }

    public List<BenchRow> rows() {
        return List.copyOf(rows);
    }

    public Map<String, Object> settings() {
        return Map.copyOf(settings);
    }

    public String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| setting | value |\n|---|---|\n");
        settings.forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        sb.append("\n| what | input | median ms | min ms | max ms | iterations | outside ORT |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (BenchRow r : rows) {
            sb.append("| ").append(r.name())
                    .append(" | ").append(r.detail())
                    .append(" | ").append(ms(r.wall().medianNanos()))
                    .append(" | ").append(ms(r.wall().minNanos()))
                    .append(" | ").append(ms(r.wall().maxNanos()))
                    .append(" | ").append(r.wall().count())
                    .append(" | ").append(percent(r.outsideShareMedian()))
                    .append(" |\n");
        }
        if (!notes.isEmpty()) {
            sb.append('\n');
            notes.forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
        }
        return sb.toString();
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.set("settings", JSON.valueToTree(settings));
        ArrayNode arr = root.putArray("rows");
        for (BenchRow r : rows) {
            ObjectNode o = arr.addObject();
            o.put("name", r.name());
            o.put("input", r.detail());
            o.put("iterations", r.wall().count());
            o.put("median_ms", round(Samples.millis(r.wall().medianNanos())));
            o.put("min_ms", round(Samples.millis(r.wall().minNanos())));
            o.put("max_ms", round(Samples.millis(r.wall().maxNanos())));
            if (!Double.isNaN(r.runtimeShareMedian())) {
                o.put("outside_ort_share", round(r.outsideShareMedian()));
            } else {
                o.putNull("outside_ort_share");
            }
        }
        root.set("notes", JSON.valueToTree(notes));
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render the bench report as JSON", e);
        }
    }

    static String ms(double nanos) {
        double ms = Samples.millis(nanos);
        return String.format(Locale.ROOT, ms >= 100 ? "%.0f" : ms >= 10 ? "%.1f" : "%.2f", ms);
    }

    static String percent(double share) {
        return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
