package apprentice.core.scheduler;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contents of a diffusers {@code scheduler_config.json}: kept as the raw key/value map, with typed
 * accessors. Each scheduler applies its own class defaults (as diffusers' {@code from_config} does:
 * e.g. {@code timestep_spacing} defaults to "leading" for DDIM and LCM but "linspace" for Euler).
 */
public final class SchedulerConfig {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, Object> values;

    public SchedulerConfig(Map<String, ?> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static SchedulerConfig read(Path file) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = JSON.readValue(Files.readAllBytes(file), Map.class);
            return new SchedulerConfig(map);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read scheduler config " + file + ": " + e.getMessage(), e);
        }
    }

    /** A copy with some keys replaced, e.g. {@code with(Map.of("_class_name", "EulerDiscreteScheduler"))}. */
    public SchedulerConfig with(Map<String, ?> overrides) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.putAll(overrides);
        return new SchedulerConfig(m);
    }

    public Map<String, Object> asMap() {
        return values;
    }

    /** diffusers' {@code _class_name}, e.g. "DDIMScheduler"; null when absent. */
    public String className() {
        return getString("_class_name", null);
    }

    public boolean has(String key) {
        return values.get(key) != null;
    }

    public String getString(String key, String dflt) {
        Object v = values.get(key);
        return v == null ? dflt : v.toString();
    }

    public int getInt(String key, int dflt) {
        Object v = values.get(key);
        return v instanceof Number n ? n.intValue() : dflt;
    }

    public double getDouble(String key, double dflt) {
        Object v = values.get(key);
        return v instanceof Number n ? n.doubleValue() : dflt;
    }

    public boolean getBoolean(String key, boolean dflt) {
        Object v = values.get(key);
        return v instanceof Boolean b ? b : dflt;
    }

    /** A numeric list (e.g. {@code trained_betas}), or null when absent. */
    public double[] getDoubles(String key) {
        Object v = values.get(key);
        if (!(v instanceof List<?> list)) {
            return null;
        }
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).doubleValue();
        }
        return out;
    }

    @Override
    public String toString() {
        return "SchedulerConfig" + values;
    }
}
