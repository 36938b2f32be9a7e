package apprentice.core.scheduler;

/**
 * The training noise schedule (betas, alphas, ᾱ) exactly as diffusers builds it in float32 on torch's CPU.
 *
 * <p>Bit-exactness matters because users compare images with diffusers pixel for pixel: a plain
 * double linspace differs from torch's AVX2 kernel by up to 2.4e-7 relative, and a float32 running
 * product for ᾱ differs in almost every entry. See {@link #torchLinspace}.
 */
public final class TrainSchedule {
    private final float[] betas;
    private final float[] alphas;
    private final float[] alphasCumprod;

    private TrainSchedule(float[] betas) {
        this.betas = betas;
        this.alphas = new float[betas.length];
        this.alphasCumprod = new float[betas.length];
        double prod = 1.0;
        for (int i = 0; i < betas.length; i++) {
            alphas[i] = 1.0f - betas[i];
            // torch.cumprod on CPU accumulates in double and rounds each prefix to float32
            prod *= alphas[i];
            alphasCumprod[i] = (float) prod;
        }
    }

    /** Builds the schedule from {@code beta_schedule}, {@code beta_start}, {@code beta_end}, {@code num_train_timesteps}, {@code trained_betas}. */
    public static TrainSchedule from(SchedulerConfig config) {
        int n = config.getInt("num_train_timesteps", 1000);
        double[] trained = config.getDoubles("trained_betas");
        if (trained != null) {
            float[] b = new float[trained.length];
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) trained[i];
            }
            return new TrainSchedule(b);
        }
        // diffusers passes Python floats: the square root is taken in double before torch rounds to float32
        double start = config.getDouble("beta_start", 0.0001);
        double end = config.getDouble("beta_end", 0.02);
        String kind = config.getString("beta_schedule", "linear");
        return switch (kind) {
            case "linear" -> new TrainSchedule(torchLinspace((float) start, (float) end, n));
            case "scaled_linear" -> {
                float[] b = torchLinspace((float) Math.sqrt(start), (float) Math.sqrt(end), n);
                for (int i = 0; i < n; i++) {
                    b[i] = b[i] * b[i];
                }
                yield new TrainSchedule(b);
            }
            case "squaredcos_cap_v2" -> new TrainSchedule(cosineBetas(n));
            default -> throw new IllegalArgumentException("unsupported beta_schedule '" + kind
                    + "': use linear, scaled_linear or squaredcos_cap_v2 in scheduler_config.json");
        };
    }

    /**
     * torch.linspace(start, end, n) in float32 as torch 1.13's AVX2 CPU kernel computes it: chunks of 8
     * anchored at a fused multiply-add from the nearer end, then {@code base + k·step}; the scalar tail
     * counts back from {@code end}.
     */
    static float[] torchLinspace(float start, float end, int n) {
        float[] out = new float[n];
        if (n == 1) {
            out[0] = start;
            return out;
        }
        float step = (end - start) / (float) (n - 1);
        int halfway = n / 2;
        int j = 0;
        for (; j + 16 <= n; j += 8) {
            float base = j < halfway ? Math.fma(step, (float) j, start) : Math.fma(-step, (float) (n - 1 - j), end);
            for (int k = 0; k < 8; k++) {
                out[j + k] = base + (float) k * step;
            }
        }
        for (; j < n; j++) {
            out[j] = j < halfway ? start + step * j : end - step * (n - 1 - j);
        }
        return out;
    }

    /** diffusers' betas_for_alpha_bar with the cosine transform (computed in double, stored as float32). */
    private static float[] cosineBetas(int n) {
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            double t1 = (double) i / n;
            double t2 = (double) (i + 1) / n;
            b[i] = (float) Math.min(1 - alphaBar(t2) / alphaBar(t1), 0.999);
        }
        return b;
    }

    private static double alphaBar(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    public int numTrainTimesteps() {
        return betas.length;
    }

    public float[] betas() {
        return betas.clone();
    }

    public float[] alphas() {
        return alphas.clone();
    }

    /** ᾱ_t (not a copy: do not modify). */
    public float[] alphasCumprod() {
        return alphasCumprod;
    }

    public float alphaCumprod(int t) {
        return alphasCumprod[t];
    }
}
