package apprentice.core.scheduler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds schedulers from diffusers {@code scheduler_config.json} contents.
 *
 * <p>{@link #create(SchedulerConfig)} picks the class by {@code _class_name}.
 * {@link #create(String, SchedulerConfig)} switches to another class by short name, as diffusers'
 * {@code OtherScheduler.from_config(pipe.scheduler.config)} does: the model's training-schedule keys
 * ({@code beta_*}, {@code num_train_timesteps}, {@code prediction_type}, {@code steps_offset}, ...) are
 * kept, and each class reads only the keys it knows, so a key the old class set and the new class
 * does not know is simply unused. A key the base config never set takes the new class's default;
 * in particular SD 1.x configs set no {@code timestep_spacing}, so DDIM and LCM run "leading" and the
 * Euler / DPM / UniPC family runs "linspace".
 *
 * <p><b>PNDMScheduler</b> (the default in SD 1.x exports) is not implemented; such configs run DDIM
 * ({@link #PNDM_SUBSTITUTE}) from the same config. Its PLMS mode ({@code skip_prk_steps=true}, what SD
 * uses) moves along DDIM's own update, on the same "leading" timesteps with the same
 * {@code steps_offset} and {@code set_alpha_to_one}, only with a 4th-order multistep estimate of ε
 * instead of the current one; DDIM is therefore the same sampler at first order and is deterministic
 * too. Images differ from diffusers' PNDM in detail, not in kind; at 50 steps (SD's default) the two
 * are close.
 */
public final class Schedulers {

    /** The short name used for {@code PNDMScheduler} configs. */
    public static final String PNDM_SUBSTITUTE = "ddim";

    /** One implemented scheduler class. */
    private record Kind(String name, List<String> aliases, String className,
                        Function<SchedulerConfig, Scheduler> constructor) {
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("ddim", List.of(), "DDIMScheduler", DdimScheduler::new),
            new Kind("euler", List.of(), "EulerDiscreteScheduler", EulerDiscreteScheduler::new),
            new Kind("euler-a", List.of("euler_a", "euler_ancestral"), "EulerAncestralDiscreteScheduler",
                    EulerAncestralDiscreteScheduler::new),
            new Kind("dpm++2m", List.of("dpm", "dpmpp_2m", "dpm++", "dpmsolver"), "DPMSolverMultistepScheduler",
                    DpmSolverMultistepScheduler::new),
            new Kind("lcm", List.of(), "LCMScheduler", LcmScheduler::new),
            new Kind("unipc", List.of(), "UniPCMultistepScheduler", UniPcMultistepScheduler::new));

    /**
     * Keys whose allowed values differ between classes that share the key name; carried across a class
     * switch they would select an invalid or different variant, so they are dropped and the new class
     * uses its default (DPM-Solver's "midpoint" vs UniPC's "bh2" {@code solver_type}).
     */
    private static final Set<String> CLASS_SPECIFIC_KEYS = Set.of("solver_type");

    /** Bookkeeping keys of diffusers' config files, meaningless to a different class. */
    private static final Set<String> BOOKKEEPING_KEYS = Set.of("_class_name", "_diffusers_version");

    private Schedulers() {
    }

    /** The scheduler named by the config's {@code _class_name}. */
    public static Scheduler create(SchedulerConfig config) {
        String cls = config.className();
        if (cls == null) {
            throw new IllegalArgumentException("scheduler config has no _class_name; set it to one of "
                    + classNames() + " or choose a scheduler by name (" + names() + ")");
        }
        if (cls.equals("PNDMScheduler")) {
            return create(PNDM_SUBSTITUTE, config);
        }
        for (Kind k : KINDS) {
            if (k.className().equals(cls)) {
                return k.constructor().apply(config);
            }
        }
        throw new IllegalArgumentException("unsupported scheduler class '" + cls + "' in scheduler_config.json; supported: "
                + classNames() + " (PNDMScheduler runs as " + PNDM_SUBSTITUTE + "), or pick one by name: " + names());
    }

    /**
     * The scheduler with short name {@code name} (see {@link #names()}), configured from {@code base}
     * (typically the model folder's scheduler config) as diffusers' {@code from_config} would.
     */
    public static Scheduler create(String name, SchedulerConfig base) {
        Kind kind = kind(name);
        return kind.constructor().apply(switchClass(base, kind));
    }

    /** The config {@link #create(String, SchedulerConfig)} hands to the new class. */
    public static SchedulerConfig configFor(String name, SchedulerConfig base) {
        return switchClass(base, kind(name));
    }

    /** The short names, e.g. {@code [ddim, euler, euler-a, dpm++2m (dpm), lcm, unipc]}, plus aliases in parentheses where they exist. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (Kind k : KINDS) {
            out.add(k.aliases().isEmpty() ? k.name() : k.name() + " (" + String.join(", ", k.aliases()) + ")");
        }
        return out;
    }

    /** The diffusers class names that {@link #create(SchedulerConfig)} accepts (besides PNDMScheduler). */
    public static List<String> classNames() {
        return KINDS.stream().map(Kind::className).toList();
    }

    /** The short name of a diffusers class name, e.g. "DDIMScheduler" -> "ddim"; PNDM gives its substitute. */
    public static String nameOf(String className) {
        if ("PNDMScheduler".equals(className)) {
            return PNDM_SUBSTITUTE;
        }
        return KINDS.stream().filter(k -> k.className().equals(className)).map(Kind::name).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unsupported scheduler class '" + className
                        + "'; supported: " + classNames()));
    }

    private static Kind kind(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (Kind k : KINDS) {
            if (k.name().equals(n) || k.aliases().contains(n)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown scheduler '" + name + "'; valid names: " + names());
    }

    private static SchedulerConfig switchClass(SchedulerConfig base, Kind target) {
        boolean sameClass = target.className().equals(base.className());
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : base.asMap().entrySet()) {
            String key = e.getKey();
            if (BOOKKEEPING_KEYS.contains(key) || (!sameClass && CLASS_SPECIFIC_KEYS.contains(key))) {
                continue;
            }
            m.put(key, e.getValue());
        }
        m.put("_class_name", target.className());
        return new SchedulerConfig(m);
    }
}
