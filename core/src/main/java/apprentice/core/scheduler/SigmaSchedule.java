package apprentice.core.scheduler;

import java.util.Arrays;

/**
 * The numeric building blocks shared by the sigma-parameterised schedulers (Euler, Euler ancestral,
 * DPM-Solver++, UniPC), reproducing the NumPy expressions diffusers uses to build their schedules.
 *
 * <p>Here σ is the k-diffusion noise level {@code sqrt((1-ᾱ)/ᾱ)}, not the paper's variance σ. Each method
 * mirrors one NumPy idiom (linspace, float arange, interp, the Karras ramp, log-σ interpolation) because
 * the integer timesteps must match diffusers exactly, and a different rounding path can move a timestep by one.
 */
final class SigmaSchedule {
    private SigmaSchedule() {
    }

    /**
     * σ_t = sqrt((1-ᾱ_t)/ᾱ_t) per training timestep, in float32 as torch computes it from the float32 ᾱ.
     */
    static float[] trainSigmas(float[] alphasCumprod) {
        float[] s = new float[alphasCumprod.length];
        for (int t = 0; t < s.length; t++) {
            float a = alphasCumprod[t];
            // float32 division, then a correctly rounded float32 square root (torch's pow(x, 0.5) is sqrt)
            s[t] = (float) Math.sqrt((1.0f - a) / a);
        }
        return s;
    }

    /** {@code np.log} of the float32 training sigmas, kept in float32 as NumPy does for a float32 array. */
    static float[] logOf(float[] sigmas) {
        float[] out = new float[sigmas.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) Math.log(sigmas[i]);
        }
        return out;
    }

    /** {@code np.linspace(start, stop, num)} in float64 (endpoint included; one point gives {@code start}). */
    static double[] linspace(double start, double stop, int num) {
        double[] y = new double[num];
        if (num == 1) {
            y[0] = start;
            return y;
        }
        int div = num - 1;
        double delta = stop - start;
        double step = delta / div;
        for (int i = 0; i < num; i++) {
            y[i] = step == 0 ? i / (double) div * delta + start : i * step + start;
        }
        y[num - 1] = stop;
        return y;
    }

    /**
     * {@code np.arange(start, stop, step)} for a float step: its length is {@code ceil((stop-start)/step)} and
     * its values {@code start + i·delta} with {@code delta = (start+step) - start}.
     */
    static double[] arange(double start, double stop, double step) {
        int len = (int) Math.max(0, Math.ceil((stop - start) / step));
        double[] y = new double[len];
        if (len == 0) {
            return y;
        }
        double delta = (start + step) - start;
        y[0] = start;
        for (int i = 1; i < len; i++) {
            y[i] = start + i * delta;
        }
        return y;
    }

    /**
     * diffusers' "trailing" spacing: {@code np.arange(last, 0, -T/n).round() - 1}, largest first, cut to n
     * entries. For some n (61, 103, ...) NumPy's arange yields one more entry, next to 0, which diffusers turns
     * into timestep -1 and an extra model call; apprentice keeps exactly n steps (as its DdimScheduler does).
     */
    static double[] trailing(int lastTimestep, int numTrainTimesteps, int numInferenceSteps) {
        double[] all = arange(lastTimestep, 0, -((double) numTrainTimesteps / numInferenceSteps));
        double[] t = Arrays.copyOf(all, Math.min(all.length, numInferenceSteps));
        for (int i = 0; i < t.length; i++) {
            t[i] = Math.rint(t[i]) - 1;
        }
        return t;
    }

    /**
     * diffusers' "leading" spacing: {@code (arange(0, count) * ratio)} reversed, plus {@code stepsOffset}, where
     * {@code ratio = span // count}. Euler passes {@code count = n}; DPM and UniPC pass {@code count = n+1} and
     * drop the last (smallest) entry, which {@code keep} expresses.
     */
    static double[] leading(int span, int count, int keep, int stepsOffset) {
        int ratio = span / count;
        double[] t = new double[keep];
        for (int i = 0; i < keep; i++) {
            t[i] = (double) (count - 1 - i) * ratio + stepsOffset;
        }
        return t;
    }

    /** Rounds half to even like {@code np.round}, element-wise, in place; returns {@code values}. */
    static double[] roundHalfEven(double[] values) {
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.rint(values[i]);
        }
        return values;
    }

    /** Reverses an array in place; returns it. */
    static double[] reverse(double[] values) {
        for (int i = 0, j = values.length - 1; i < j; i++, j--) {
            double tmp = values[i];
            values[i] = values[j];
            values[j] = tmp;
        }
        return values;
    }

    /**
     * {@code np.interp(x, arange(len(fp)), fp)}: linear interpolation on the integer grid, clamped at both
     * ends, with NumPy's formula {@code slope·(x - j) + fp[j]} in float64.
     */
    static double interp(double x, float[] fp) {
        int last = fp.length - 1;
        if (x <= 0) {
            return fp[0];
        }
        if (x >= last) {
            return fp[last];
        }
        int j = (int) Math.floor(x);
        if (j == x) {
            return fp[j];
        }
        double slope = (double) fp[j + 1] - (double) fp[j];
        return slope * (x - j) + fp[j];
    }

    /**
     * The Karras et al. (2022) schedule with ρ = 7: σ_i = (σmax^(1/ρ) + ramp_i·(σmin^(1/ρ) - σmax^(1/ρ)))^ρ,
     * ramp = linspace(0, 1, n), largest first.
     */
    static double[] karras(double sigmaMin, double sigmaMax, int n) {
        double rho = 7.0;
        double[] ramp = linspace(0, 1, n);
        double minInvRho = Math.pow(sigmaMin, 1 / rho);
        double maxInvRho = Math.pow(sigmaMax, 1 / rho);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = Math.pow(maxInvRho + ramp[i] * (minInvRho - maxInvRho), rho);
        }
        return s;
    }

    /**
     * diffusers' {@code _sigma_to_t}: the fractional training timestep whose σ matches, by linear interpolation
     * in log σ between the two neighbouring training timesteps.
     *
     * <p>NumPy 1.x (which produced the reference data) evaluates the distances and the weight in float32,
     * because a float64 scalar combined with a float32 array keeps the array's type; only the final blend of
     * the integer indices is float64. That is reproduced here so that rounded timesteps agree.
     *
     * @param logSigmas float32 log σ per training timestep, increasing with t
     */
    static double sigmaToT(double sigma, float[] logSigmas) {
        float logSigma = (float) Math.log(Math.max(sigma, 1e-10));
        // the last training index whose log σ is at or below ours (0 when none), clipped so that low+1 exists
        int low = 0;
        for (int i = 0; i < logSigmas.length; i++) {
            if (logSigma - logSigmas[i] >= 0) {
                low = i;
            }
        }
        low = Math.min(low, logSigmas.length - 2);
        float lo = logSigmas[low];
        float hi = logSigmas[low + 1];
        float w = (lo - logSigma) / (lo - hi);
        w = Math.max(0f, Math.min(1f, w));
        return (double) (1f - w) * low + (double) w * (low + 1);
    }

    /**
     * diffusers' {@code index_for_timestep}: the position of {@code timestep} in the schedule, taking the
     * <em>second</em> match when it repeats (so that an img2img run starting mid-schedule does not skip a σ).
     *
     * @return the index, or -1 when the timestep is not in the schedule
     */
    static int indexForTimestep(double[] timesteps, double timestep) {
        int first = -1;
        for (int i = 0; i < timesteps.length; i++) {
            if (timesteps[i] == timestep) {
                if (first >= 0) {
                    return i;
                }
                first = i;
            }
        }
        return first;
    }

    /** max of a float array, as a float (torch's {@code sigmas.max()}). */
    static float max(float[] values) {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
}
