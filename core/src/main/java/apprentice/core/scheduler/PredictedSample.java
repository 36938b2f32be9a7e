package apprentice.core.scheduler;

import java.util.Arrays;

/**
 * The x0 estimate shared by DDIM and LCM: converting the model output to x0 according to
 * {@code prediction_type}, then optional {@code clip_sample} or dynamic {@code thresholding}.
 */
final class PredictedSample {
    enum Kind { EPSILON, V_PREDICTION, SAMPLE }

    private final Kind kind;
    private final boolean clip;
    private final double clipRange;
    private final boolean thresholding;
    private final double thresholdRatio;
    private final double sampleMaxValue;

    /** @param config a config with the scheduler class's defaults already applied */
    PredictedSample(SchedulerConfig config) {
        String p = config.getString("prediction_type", "epsilon");
        this.kind = switch (p) {
            case "epsilon" -> Kind.EPSILON;
            case "v_prediction" -> Kind.V_PREDICTION;
            case "sample" -> Kind.SAMPLE;
            default -> throw new IllegalArgumentException("unsupported prediction_type '" + p
                    + "': use epsilon, v_prediction or sample in scheduler_config.json");
        };
        this.clip = config.getBoolean("clip_sample", false);
        this.clipRange = config.getDouble("clip_sample_range", 1.0);
        this.thresholding = config.getBoolean("thresholding", false);
        this.thresholdRatio = config.getDouble("dynamic_thresholding_ratio", 0.995);
        this.sampleMaxValue = config.getDouble("sample_max_value", 1.0);
    }

    Kind kind() {
        return kind;
    }

    boolean modifiesX0() {
        return clip || thresholding;
    }

    /** x0 from the model output at a timestep with cumulative alpha {@code alphaProd}. */
    double[] x0(float[] modelOutput, float[] sample, double alphaProd) {
        double sa = Math.sqrt(alphaProd);
        double sb = Math.sqrt(1.0 - alphaProd);
        double[] x0 = new double[sample.length];
        for (int i = 0; i < x0.length; i++) {
            x0[i] = switch (kind) {
                case EPSILON -> (sample[i] - sb * modelOutput[i]) / sa;
                case V_PREDICTION -> sa * sample[i] - sb * modelOutput[i];
                case SAMPLE -> modelOutput[i];
            };
        }
        return x0;
    }

    /** ε from the model output (before any clipping of x0). */
    double[] epsilon(float[] modelOutput, float[] sample, double alphaProd) {
        double sa = Math.sqrt(alphaProd);
        double sb = Math.sqrt(1.0 - alphaProd);
        double[] eps = new double[sample.length];
        for (int i = 0; i < eps.length; i++) {
            eps[i] = switch (kind) {
                case EPSILON -> modelOutput[i];
                case V_PREDICTION -> sa * modelOutput[i] + sb * sample[i];
                case SAMPLE -> (sample[i] - sa * modelOutput[i]) / sb;
            };
        }
        return eps;
    }

    /** Applies thresholding (preferred, as in diffusers) or clip_sample to x0 in place. */
    void limit(double[] x0, int batch) {
        if (thresholding) {
            threshold(x0, batch);
        } else if (clip) {
            for (int i = 0; i < x0.length; i++) {
                x0[i] = Math.max(-clipRange, Math.min(clipRange, x0[i]));
            }
        }
    }

    /**
     * Imagen's dynamic thresholding per batch item: s = quantile(|x0|, ratio) clamped to
     * [1, sample_max_value]; x0 = clamp(x0, -s, s) / s. The quantile interpolates linearly like torch.
     */
    private void threshold(double[] x0, int batch) {
        int per = x0.length / batch;
        for (int b = 0; b < batch; b++) {
            double[] abs = new double[per];
            for (int i = 0; i < per; i++) {
                abs[i] = Math.abs(x0[b * per + i]);
            }
            Arrays.sort(abs);
            double pos = thresholdRatio * (per - 1);
            int lo = (int) Math.floor(pos);
            int hi = Math.min(lo + 1, per - 1);
            double q = abs[lo] + (abs[hi] - abs[lo]) * (pos - lo);
            double s = Math.max(1.0, Math.min(sampleMaxValue, q));
            for (int i = 0; i < per; i++) {
                int j = b * per + i;
                x0[j] = Math.max(-s, Math.min(s, x0[j])) / s;
            }
        }
    }
}
