package apprentice.core.scheduler;

import apprentice.core.noise.NoiseSource;
import apprentice.core.tensor.Tensor;
import java.util.Map;

/**
 * diffusers' {@code DPMSolverMultistepScheduler} with {@code algorithm_type="dpmsolver++"}: the data-prediction
 * solver of Lu et al. (2022), first order on the first step, then the 2M multistep update with the midpoint
 * rule, dropping back to first order on the last step (lower_order_final; always when the final σ is 0).
 *
 * <p>With x̂0 the converted model output, λ = log(α/σ), h = λ_next - λ:
 * first order x ← (σ_next/σ)·x - α_next(e^{-h}-1)·x̂0; second order adds -½·α_next(e^{-h}-1)·D1 with
 * D1 = (x̂0 - x̂0_prev)·h/h_prev.
 *
 * <p>Supports solver_order 1 or 2, solver_type midpoint, timestep_spacing linspace/leading/trailing,
 * steps_offset, prediction_type epsilon/v_prediction/sample, use_karras_sigmas, final_sigmas_type
 * zero/sigma_min, lower_order_final, euler_at_final, lambda_min_clipped, rescale_betas_zero_snr.
 */
public final class DpmSolverMultistepScheduler implements Scheduler {
    private static final String NAME = "DPMSolverMultistepScheduler";
    static final Map<String, Object> DEFAULTS = SigmaFamilyConfig.defaults(Map.ofEntries(
            Map.entry("solver_order", 2),
            Map.entry("thresholding", false),
            Map.entry("dynamic_thresholding_ratio", 0.995),
            Map.entry("sample_max_value", 1.0),
            Map.entry("algorithm_type", "dpmsolver++"),
            Map.entry("solver_type", "midpoint"),
            Map.entry("lower_order_final", true),
            Map.entry("euler_at_final", false),
            Map.entry("use_karras_sigmas", false),
            Map.entry("use_exponential_sigmas", false),
            Map.entry("use_beta_sigmas", false),
            Map.entry("use_lu_lambdas", false),
            Map.entry("use_flow_sigmas", false),
            Map.entry("flow_shift", 1.0),
            Map.entry("final_sigmas_type", "zero"),
            Map.entry("lambda_min_clipped", Double.NEGATIVE_INFINITY),
            Map.entry("use_dynamic_shifting", false),
            Map.entry("time_shift_type", "exponential")));
    private final SigmaFamilyConfig config;
    private final int solverOrder;
    private final boolean karras;
    private final boolean lowerOrderFinal;
    private final boolean eulerAtFinal;
    private final MultistepSchedule.FinalSigma finalSigma;
    private final int lastTimestep;
    private final StepIndex index = new StepIndex(NAME, true);
    /** x̂0 of the current and the previous step; swapped after each step to avoid reallocating. */
    private double[] x0Current;
    private double[] x0Previous;
    private int lowerOrderNums;

    public DpmSolverMultistepScheduler(SchedulerConfig config) {
        this.config = new SigmaFamilyConfig(config, NAME, DEFAULTS);
        SigmaFamilyConfig c = this.config;
        SchedulerConfig cfg = c.raw;
        c.requireOneOf("algorithm_type", "dpmsolver++", "dpmsolver++", "deis");
        // diffusers maps the UniPC/DEIS solver types onto midpoint
        c.requireOneOf("solver_type", "midpoint", "midpoint", "logrho", "bh1", "bh2");
        c.rejectTrue("thresholding", "use_exponential_sigmas", "use_beta_sigmas", "use_lu_lambdas", "use_flow_sigmas",
                "use_dynamic_shifting");
        if (cfg.has("variance_type")) {
            throw new IllegalArgumentException(NAME + ": variance_type='" + cfg.getString("variance_type", "")
                    + "' (learned variance) is not supported: remove it from scheduler_config.json");
        }
        this.solverOrder = cfg.getInt("solver_order", 2);
        if (solverOrder != 1 && solverOrder != 2) {
            throw new IllegalArgumentException(NAME + ": solver_order=" + solverOrder
                    + " is not supported: use 1 or 2 (2 is diffusers' default for guided sampling)");
        }
        this.karras = c.flag("use_karras_sigmas");
        this.lowerOrderFinal = cfg.getBoolean("lower_order_final", true);
        this.eulerAtFinal = c.flag("euler_at_final");
        this.finalSigma = MultistepSchedule.finalSigma(c);
        this.lastTimestep = c.numTrainTimesteps - clippedCount(c.alphasCumprod,
                c.doubleOrInfinity("lambda_min_clipped", Double.NEGATIVE_INFINITY));
    }

    /**
     * How many training timesteps have λ below {@code lambdaMin} ({@code searchsorted} on the ascending
     * flipped λ, float32 as torch): the schedule then starts below them.
     */
    private static int clippedCount(float[] alphasCumprod, double lambdaMin) {
        int count = 0;
        for (float a : alphasCumprod) {
            float lambda = (float) Math.log((float) Math.sqrt(a)) - (float) Math.log((float) Math.sqrt(1f - a));
            if (lambda < lambdaMin) {
                count++;
            }
        }
        return count;
    }

    @Override
    public void setTimesteps(int numInferenceSteps) {
        boolean roundKarras = !"squaredcos_cap_v2".equals(config.raw.getString("beta_schedule", "linear"));
        MultistepSchedule schedule = MultistepSchedule.build(config, numInferenceSteps, lastTimestep, karras, null,
                null, roundKarras, finalSigma, false);
        index.reset(schedule.timesteps, schedule.sigmas);
        lowerOrderNums = 0;
    }

    @Override
    public double[] timesteps() {
        return index.timesteps().clone();
    }

    /** σ per step plus the final σ (length n+1), as float32 values. */
    public float[] sigmas() {
        return index.sigmas().clone();
    }

    @Override
    public StepResult step(Tensor modelOutput, double timestep, Tensor sample, NoiseSource noise) {
        float[] sigmas = index.sigmas();
        SampleMath.requireSameShape(modelOutput, sample, NAME);
        int i = index.current(timestep);
        int n = index.timesteps().length;
        float[] x = sample.data();
        ensureBuffers(x.length);

        double sigma = sigmas[i];
        MultistepPrediction.toX0(config.prediction, modelOutput.data(), x, sigma, x0Current);

        boolean lastStep = i == n - 1;
        boolean firstOrderHere = solverOrder == 1 || lowerOrderNums < 1
                || (lastStep && (eulerAtFinal || (lowerOrderFinal && n < 15) || finalSigma == MultistepSchedule.FinalSigma.ZERO));

        MultistepSchedule.Interval step = MultistepSchedule.Interval.between(sigma, sigmas[i + 1]);
        double sampleScale = step.sampleScale();
        double h = step.h();
        double phi = step.alphaT() * (Math.exp(-h) - 1.0);
        float[] prev = new float[x.length];
        if (firstOrderHere) {
            for (int k = 0; k < x.length; k++) {
                prev[k] = (float) (sampleScale * x[k] - phi * x0Current[k]);
            }
        } else {
            double h0 = step.lambdaS() - MultistepSchedule.lambda(sigmas[i - 1]);
            double r0 = h0 / h;
            for (int k = 0; k < x.length; k++) {
                double d1 = (1.0 / r0) * (x0Current[k] - x0Previous[k]);
                prev[k] = (float) (sampleScale * x[k] - phi * x0Current[k] - 0.5 * phi * d1);
            }
        }
        Tensor x0 = MultistepPrediction.asTensor(x0Current, sample.shape());
        double[] swap = x0Previous;
        x0Previous = x0Current;
        x0Current = swap;
        if (lowerOrderNums < solverOrder) {
            lowerOrderNums++;
        }
        index.advance();
        return new StepResult(new Tensor(sample.shape(), prev), x0);
    }

    private void ensureBuffers(int size) {
        if (x0Current == null || x0Current.length != size) {
            if (lowerOrderNums > 0) {
                throw new IllegalArgumentException(NAME + ": sample size changed mid-run from " + x0Current.length
                        + " to " + size + ": call setTimesteps before sampling a new batch");
            }
            x0Current = new double[size];
            x0Previous = new double[size];
        }
    }

    /** α_t·x + σ_t·noise (variance-preserving) at {@code timestep}'s σ, or the begin index's after img2img set one. */
    @Override
    public Tensor addNoise(Tensor originalSamples, Tensor noise, double timestep) {
        return MultistepSchedule.addNoise(originalSamples, noise, index.sigmaForAddNoise(timestep), NAME);
    }

    @Override
    public void setBeginIndex(int beginIndex) {
        index.setBeginIndex(beginIndex);
    }

    @Override
    public SchedulerConfig config() {
        return config.raw;
    }
}
