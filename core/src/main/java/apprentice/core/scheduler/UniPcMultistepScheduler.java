package apprentice.core.scheduler;

import apprentice.core.noise.NoiseSource;
import apprentice.core.tensor.Tensor;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * diffusers' {@code UniPCMultistepScheduler} in its data-prediction form ({@code predict_x0=true}): each step
 * first corrects the incoming sample with the UniC corrector (using the model output just computed at it),
 * then predicts the next sample with the UniP predictor (Zhao et al., 2023).
 *
 * <p>With x̂0 the converted model outputs, λ = log(α/σ), h = λ_next - λ and B(h) = e^{-h}-1 (bh2) or -h (bh1):
 * the predictor is x' = (σ_next/σ)·x - α_next(e^{-h}-1)·x̂0 - α_next·B(h)·½·D1 with D1 = (x̂0_prev - x̂0)/r,
 * r = (λ_prev - λ)/h (order 2; order 1 drops the last term); the corrector re-does the previous step with
 * coefficients from a small linear solve that also uses the new x̂0.
 *
 * <p>Supports solver_order 1 or 2, solver_type bh1/bh2, lower_order_final, disable_corrector, timestep_spacing
 * linspace/leading/trailing, steps_offset, prediction_type epsilon/v_prediction/sample, use_karras_sigmas,
 * final_sigmas_type zero/sigma_min, rescale_betas_zero_snr.
 */
public final class UniPcMultistepScheduler implements Scheduler {
    private static final String NAME = "UniPCMultistepScheduler";
    static final Map<String, Object> DEFAULTS = SigmaFamilyConfig.defaults(Map.ofEntries(
            Map.entry("solver_order", 2),
            Map.entry("thresholding", false),
            Map.entry("dynamic_thresholding_ratio", 0.995),
            Map.entry("sample_max_value", 1.0),
            Map.entry("predict_x0", true),
            Map.entry("solver_type", "bh2"),
            Map.entry("lower_order_final", true),
            Map.entry("disable_corrector", List.of()),
            Map.entry("use_karras_sigmas", false),
            Map.entry("use_exponential_sigmas", false),
            Map.entry("use_beta_sigmas", false),
            Map.entry("use_flow_sigmas", false),
            Map.entry("flow_shift", 1.0),
            Map.entry("final_sigmas_type", "zero"),
            Map.entry("use_dynamic_shifting", false),
            Map.entry("time_shift_type", "exponential")));
    private final SigmaFamilyConfig config;
    private final int solverOrder;
    private final boolean bh2;
    private final boolean lowerOrderFinal;
    private final Set<Integer> disableCorrector = new HashSet<>();
    private final boolean karras;
    private final Double sigmaMin;
    private final Double sigmaMax;
    private final MultistepSchedule.FinalSigma finalSigma;
    private final StepIndex index = new StepIndex(NAME, true);
    /** x̂0 of this step, of the previous step, and a spare; rotated each step to avoid reallocating. */
    private double[] x0Now;
    private double[] x0Last;
    private double[] x0Before;
    /** The (corrected) sample the previous step predicted from; null before the first step. */
    private double[] lastSample;
    /** Buffer for the next corrected sample (swapped with lastSample each step). */
    private double[] spareSample;
    private int lastOrder;
    private int lowerOrderNums;

    public UniPcMultistepScheduler(SchedulerConfig config) {
        this.config = new SigmaFamilyConfig(config, NAME, DEFAULTS);
        SigmaFamilyConfig c = this.config;
        SchedulerConfig cfg = c.raw;
        c.rejectTrue("thresholding", "use_exponential_sigmas", "use_beta_sigmas", "use_flow_sigmas",
                "use_dynamic_shifting");
        if (!cfg.getBoolean("predict_x0", true)) {
            throw new IllegalArgumentException(NAME + ": predict_x0=false (noise-prediction UniPC) is not supported:"
                    + " set predict_x0 to true");
        }
        if (cfg.has("solver_p")) {
            throw new IllegalArgumentException(NAME + ": solver_p is not supported: remove it from the config");
        }
        // diffusers maps the DPM-Solver solver types onto bh2
        this.bh2 = !"bh1".equals(c.requireOneOf("solver_type", "bh2", "bh1", "bh2", "midpoint", "heun", "logrho"));
        this.solverOrder = cfg.getInt("solver_order", 2);
        if (solverOrder != 1 && solverOrder != 2) {
            throw new IllegalArgumentException(NAME + ": solver_order=" + solverOrder
                    + " is not supported: use 1 or 2 (2 is diffusers' default for guided sampling)");
        }
        this.lowerOrderFinal = cfg.getBoolean("lower_order_final", true);
        double[] disabled = cfg.getDoubles("disable_corrector");
        if (disabled != null) {
            for (double d : disabled) {
                disableCorrector.add((int) d);
            }
        }
        this.karras = c.flag("use_karras_sigmas");
        this.sigmaMin = c.optionalDouble("sigma_min");
        this.sigmaMax = c.optionalDouble("sigma_max");
        this.finalSigma = MultistepSchedule.finalSigma(c);
    }

    @Override
    public void setTimesteps(int numInferenceSteps) {
        MultistepSchedule schedule = MultistepSchedule.build(config, numInferenceSteps, config.numTrainTimesteps,
                karras, sigmaMin, sigmaMax, true, finalSigma, true);
        index.reset(schedule.timesteps, schedule.sigmas);
        lowerOrderNums = 0;
        lastSample = null;
        spareSample = null;
        lastOrder = 0;
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
        float[] xIn = sample.data();
        ensureBuffers(xIn.length);

        // the new x̂0 goes into the spare buffer: the corrector still needs the two previous ones
        double[] x0New = x0Before;
        MultistepPrediction.toX0(config.prediction, modelOutput.data(), xIn, sigmas[i], x0New);

        double[] x = spareSample != null ? spareSample : new double[xIn.length];
        boolean useCorrector = i > 0 && !disableCorrector.contains(i - 1) && lastSample != null;
        if (useCorrector) {
            correct(sigmas, i, x0New, xIn, x);
        } else {
            for (int k = 0; k < x.length; k++) {
                x[k] = xIn[k];
            }
        }
        x0Before = x0Last;
        x0Last = x0Now;
        x0Now = x0New;

        int order = lowerOrderFinal ? Math.min(solverOrder, n - i) : solverOrder;
        order = Math.min(order, lowerOrderNums + 1);
        lastOrder = order;
        spareSample = lastSample != null ? lastSample : new double[x.length];
        lastSample = x;
        float[] prev = predict(sigmas, i, x, order);
        if (lowerOrderNums < solverOrder) {
            lowerOrderNums++;
        }
        index.advance();
        return new StepResult(new Tensor(sample.shape(), prev), MultistepPrediction.asTensor(x0Now, sample.shape()));
    }

    /** UniP: from x at σ_i to σ_{i+1}, using x̂0 of this step and (order 2) of the previous one. */
    private float[] predict(float[] sigmas, int i, double[] x, int order) {
        MultistepSchedule.Interval step = MultistepSchedule.Interval.between(sigmas[i], sigmas[i + 1]);
        double alphaT = step.alphaT();
        double sampleScale = step.sampleScale();
        double h = step.h();
        double hh = -h;
        double hPhi1 = Math.expm1(hh);
        double bH = bh2 ? Math.expm1(hh) : hh;
        float[] out = new float[x.length];
        if (order == 2) {
            double rk = (MultistepSchedule.lambda(sigmas[i - 1]) - step.lambdaS()) / h;
            // rhos_p = 0.5 for order 2
            for (int k = 0; k < x.length; k++) {
                double d1 = (x0Last[k] - x0Now[k]) / rk;
                out[k] = (float) (sampleScale * x[k] - alphaT * hPhi1 * x0Now[k] - alphaT * bH * (0.5 * d1));
            }
        } else {
            for (int k = 0; k < x.length; k++) {
                out[k] = (float) (sampleScale * x[k] - alphaT * hPhi1 * x0Now[k]);
            }
        }
        return out;
    }

    /**
     * UniC: re-does the previous step (from {@code lastSample} at σ_{i-1} to σ_i) with the model output now
     * available at σ_i, at the order the previous prediction used; writes the corrected sample into {@code out}.
     */
    private void correct(float[] sigmas, int i, double[] x0New, float[] predicted, double[] out) {
        int order = lastOrder;
        MultistepSchedule.Interval step = MultistepSchedule.Interval.between(sigmas[i - 1], sigmas[i]);
        double alphaT = step.alphaT();
        double sampleScale = step.sampleScale();
        double h = step.h();
        double hh = -h;
        double hPhi1 = Math.expm1(hh);
        double bH = bh2 ? Math.expm1(hh) : hh;
        double[] b = new double[order];
        double hPhiK = hPhi1 / hh - 1;
        double factorial = 1;
        for (int j = 1; j <= order; j++) {
            b[j - 1] = hPhiK * factorial / bH;
            factorial *= j + 1;
            hPhiK = hPhiK / hh - 1 / factorial;
        }
        double[] m0 = x0Now;
        if (order == 1) {
            double rho = 0.5;
            for (int k = 0; k < out.length; k++) {
                double base = sampleScale * lastSample[k] - alphaT * hPhi1 * m0[k];
                out[k] = base - alphaT * bH * (rho * (x0New[k] - m0[k]));
            }
        } else {
            double rk = (MultistepSchedule.lambda(sigmas[i - 2]) - step.lambdaS()) / h;
            // solve [[1, 1], [rk, 1]]·ρ = b
            double rho0 = (b[0] - b[1]) / (1 - rk);
            double rho1 = b[0] - rho0;
            for (int k = 0; k < out.length; k++) {
                double d1 = (x0Last[k] - m0[k]) / rk;
                double base = sampleScale * lastSample[k] - alphaT * hPhi1 * m0[k];
                out[k] = base - alphaT * bH * (rho0 * d1 + rho1 * (x0New[k] - m0[k]));
            }
        }
    }

    private void ensureBuffers(int size) {
        if (x0Now == null || x0Now.length != size) {
            if (lowerOrderNums > 0) {
                throw new IllegalArgumentException(NAME + ": sample size changed mid-run from " + x0Now.length
                        + " to " + size + ": call setTimesteps before sampling a new batch");
            }
            x0Now = new double[size];
            x0Last = new double[size];
            x0Before = new double[size];
            spareSample = new double[size];
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
