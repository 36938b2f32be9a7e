package apprentice.core.scheduler;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The options the sigma-based schedulers (Euler, Euler ancestral, DPM-Solver++, UniPC) share, read from a
 * {@link SchedulerConfig} with diffusers' class defaults for these four ({@code timestep_spacing="linspace"},
 * {@code steps_offset=0}, {@code prediction_type="epsilon"}).
 *
 * <p>Options that diffusers offers but apprentice does not implement are refused here with a message that
 * names them, rather than silently sampling with a different schedule.
 */
final class SigmaFamilyConfig {

    /** Constructor defaults shared by all four classes (diffusers' signatures). */
    static final Map<String, Object> COMMON_DEFAULTS = Map.of(
            "num_train_timesteps", 1000,
            "beta_start", 0.0001,
            "beta_end", 0.02,
            "beta_schedule", "linear",
            "prediction_type", "epsilon",
            "timestep_spacing", "linspace",
            "steps_offset", 0,
            "rescale_betas_zero_snr", false);

    /** {@link #COMMON_DEFAULTS} plus a class's own. */
    static Map<String, Object> defaults(Map<String, Object> own) {
        Map<String, Object> m = new java.util.LinkedHashMap<>(COMMON_DEFAULTS);
        m.putAll(own);
        return m;
    }

    /** What the denoiser predicts. */
    enum Prediction {
        EPSILON, V_PREDICTION, SAMPLE;

        static Prediction parse(String value, String scheduler) {
            return switch (value) {
                case "epsilon" -> EPSILON;
                case "v_prediction" -> V_PREDICTION;
                case "sample" -> SAMPLE;
                default -> throw new IllegalArgumentException(scheduler + ": unsupported prediction_type '" + value
                        + "': use epsilon, v_prediction or sample in scheduler_config.json");
            };
        }
    }

    final String scheduler;
    final SchedulerConfig raw;
    final int numTrainTimesteps;
    final TimestepSpacing spacing;
    final int stepsOffset;
    final Prediction prediction;
    /** float32 ᾱ per training timestep (zero-terminal-SNR rescaled where asked). */
    final float[] alphasCumprod;
    /** float32 σ per training timestep, increasing with t. */
    final float[] trainSigmas;

    /**
     * @param defaults the scheduler class's constructor defaults, filled in where the config lacks a key (as
     *     diffusers' {@code from_config} does), so that {@link Scheduler#config()} states every value used
     */
    SigmaFamilyConfig(SchedulerConfig config, String scheduler, Map<String, ?> defaults) {
        if (config == null) {
            throw new IllegalArgumentException(scheduler + ": config is null: pass a SchedulerConfig "
                    + "(e.g. SchedulerConfig.read(modelDir.resolve(\"scheduler/scheduler_config.json\")))");
        }
        this.scheduler = scheduler;
        this.raw = ConfigDefaults.apply(config, defaults);
        config = this.raw;
        TrainSchedule train = TrainSchedule.from(config);
        this.numTrainTimesteps = train.numTrainTimesteps();
        this.spacing = TimestepSpacing.parse(config.getString("timestep_spacing", "linspace"));
        this.stepsOffset = config.getInt("steps_offset", 0);
        this.prediction = Prediction.parse(config.getString("prediction_type", "epsilon"), scheduler);
        float[] acp = train.alphasCumprod().clone();
        if (config.getBoolean("rescale_betas_zero_snr", false)) {
            acp = AlphaBarSchedule.rescaleZeroTerminalSnr(acp);
            // as diffusers: close to 0 but not 0, so that the first σ is finite (≈4096) rather than infinite
            acp[acp.length - 1] = 0x1p-24f;
        }
        this.alphasCumprod = acp;
        this.trainSigmas = SigmaSchedule.trainSigmas(acp);
    }

    boolean flag(String key) {
        return raw.getBoolean(key, false);
    }

    /** Refuses an option that apprentice does not implement when it is switched on. */
    void rejectTrue(String... keys) {
        for (String key : keys) {
            if (raw.getBoolean(key, false)) {
                throw new IllegalArgumentException(scheduler + ": " + key
                        + "=true is not supported: set it to false in scheduler_config.json");
            }
        }
    }

    /** Refuses any value of {@code key} other than the listed ones (an absent key takes {@code dflt}). */
    String requireOneOf(String key, String dflt, String... allowed) {
        String v = raw.getString(key, dflt);
        if (!List.of(allowed).contains(v)) {
            throw new IllegalArgumentException(scheduler + ": " + key + "='" + v + "' is not supported: use "
                    + String.join(" or ", allowed));
        }
        return v;
    }

    /** An optional float option that diffusers writes as a number, null, or a string such as "-inf". */
    double doubleOrInfinity(String key, double dflt) {
        Object v = raw.asMap().get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            case "inf", "infinity" -> Double.POSITIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(scheduler + ": " + key + "='" + v + "' is not a number");
                }
            }
        };
    }

    /** A numeric option that may be absent or null (diffusers' {@code sigma_min}); null then. */
    Double optionalDouble(String key) {
        return raw.has(key) ? raw.getDouble(key, 0) : null;
    }

    /** σ for the k-diffusion parameterisation at (fractional) training timestep t, as {@code np.interp}. */
    double sigmaAt(double t) {
        return SigmaSchedule.interp(t, trainSigmas);
    }
}
