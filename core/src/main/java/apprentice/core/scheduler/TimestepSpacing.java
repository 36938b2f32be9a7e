package apprentice.core.scheduler;

import java.util.Locale;

/**
 * diffusers' {@code timestep_spacing}: how {@code n} integer inference timesteps are picked from the
 * {@code T} training timesteps (Lin et al. 2023, "Common Diffusion Noise Schedules and Sample Steps
 * are Flawed", table 2). All results run from noisiest to cleanest.
 *
 * <ul>
 *   <li>{@code leading}: {@code k·(T/n) + steps_offset} for k = n-1..0 (integer ratio). Never reaches
 *       t = T-1; with SD's steps_offset 1, 50 steps run 981..1.</li>
 *   <li>{@code trailing}: {@code round(T - k·T/n) - 1} for k = 0..n-1: always starts at T-1.</li>
 *   <li>{@code linspace}: {@code round(linspace(0, T-1, n))} reversed: starts at T-1 and ends at 0.</li>
 * </ul>
 * Rounding is numpy's (half to even), applied to the same double values numpy computes.
 */
public enum TimestepSpacing {
    LEADING, TRAILING, LINSPACE;

    /** Parses a config value ("leading", "trailing", "linspace"). */
    public static TimestepSpacing parse(String value) {
        for (TimestepSpacing s : values()) {
            if (s.name().toLowerCase(Locale.ROOT).equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unsupported timestep_spacing '" + value
                + "': use leading, trailing or linspace in scheduler_config.json");
    }

    /** The config spelling. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The integer timesteps for {@code n} inference steps over {@code numTrainTimesteps}.
     *
     * @param stepsOffset added by {@code leading} only (diffusers ignores it for the other two)
     */
    public int[] timesteps(int numTrainTimesteps, int n, int stepsOffset) {
        if (n < 1 || n > numTrainTimesteps) {
            throw new IllegalArgumentException("num_inference_steps must be in 1.." + numTrainTimesteps
                    + " (the number of training timesteps), got " + n);
        }
        int[] out = new int[n];
        switch (this) {
            case LEADING -> {
                int ratio = numTrainTimesteps / n;
                for (int k = 0; k < n; k++) {
                    out[k] = (n - 1 - k) * ratio + stepsOffset;
                }
            }
            case TRAILING -> {
                // numpy: arange(T, 0, -T/n) fills start + k·d with d = (start + delta) - start. numpy's own
                // length computation sometimes yields n+1 values (e.g. n = 61) whose last rounds to
                // timestep -1; we keep exactly n, the schedule diffusers means.
                double delta = -(double) numTrainTimesteps / n;
                double d = (numTrainTimesteps + delta) - numTrainTimesteps;
                for (int k = 0; k < n; k++) {
                    out[k] = (int) Math.rint(numTrainTimesteps + k * d) - 1;
                }
            }
            case LINSPACE -> {
                // numpy.linspace(0, T-1, n): k·step, with the endpoint set exactly
                double stop = numTrainTimesteps - 1;
                double step = n > 1 ? stop / (n - 1) : 0;
                for (int k = 0; k < n; k++) {
                    double v = k == n - 1 && n > 1 ? stop : k * step;
                    out[n - 1 - k] = (int) Math.rint(v);
                }
            }
            default -> throw new AssertionError(this);
        }
        return out;
    }
}
