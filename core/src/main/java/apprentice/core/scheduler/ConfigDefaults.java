package apprentice.core.scheduler;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fills a scheduler class's constructor defaults into a config, as diffusers' {@code from_config}
 * registers them: a key that is absent or null takes the class default. The result is what
 * {@link Scheduler#config()} returns, so it states every value the scheduler actually used.
 */
final class ConfigDefaults {
    private ConfigDefaults() {
    }

    static SchedulerConfig apply(SchedulerConfig config, Map<String, ?> defaults) {
        Map<String, Object> m = new LinkedHashMap<>(config.asMap());
        for (Map.Entry<String, ?> d : defaults.entrySet()) {
            if (m.get(d.getKey()) == null) {
                m.put(d.getKey(), d.getValue());
            }
        }
        return new SchedulerConfig(m);
    }
}
