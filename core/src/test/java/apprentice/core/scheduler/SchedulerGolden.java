package apprentice.core.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import apprentice.core.noise.NoiseSource;
import apprentice.core.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Test-side loader and runner for the diffusers scheduler golden vectors in
 * {@code src/test/resources/golden/schedulers/} (format: shared/testdata/README.md, "schedulers/").
 *
 * <p>Values are stored as the double that holds the exact float32; {@code (float) asDouble()} gives the
 * recorded float32 bit-exactly. Timesteps are kept as doubles (whole numbers for int64 schedules,
 * float32 values for the Euler family).
 *
 * <p>Typical use:
 * <pre>{@code
 * SchedulerGolden g = SchedulerGolden.load("ddim.json");
 * for (SchedulerGolden.Case c : g.cases()) {
 *     g.checkCase(DdimScheduler::new, c);   // teacher-forced and free-running, throws on mismatch
 * }
 * }</pre>
 */
public final class SchedulerGolden {
    /** The suggested per-value tolerance: {@code |a-b| <= REL_TOL * max(1, |b|)}. */
    public static final double REL_TOL = 1e-5;
    /** Absolute tolerance for fractional (float32) timesteps, e.g. Karras sigmas mapped back to t. */
    public static final double FLOAT_TIMESTEP_TOL = 1e-3;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String fileName;
    private final JsonNode root;
    private final int[] shape;
    private final List<Case> cases = new ArrayList<>();
    private final Map<String, SchedulerConfig> configsById = new LinkedHashMap<>();
    private double maxRelError;

    private SchedulerGolden(String fileName, JsonNode root) {
        this.fileName = fileName;
        this.root = root;
        this.shape = ints(root.get("shape"));
        for (JsonNode c : root.get("cases")) {
            Case parsed = parseCase(c);
            cases.add(parsed);
            configsById.putIfAbsent(configIdOf(parsed.id()), parsed.config());
        }
        JsonNode img = root.get("img2img");
        if (img != null) {
            configsById.putIfAbsent(img.get("config_id").asText(), config(img.get("config")));
        }
    }

    /** Loads {@code /golden/schedulers/<fileName>} from the test class path, e.g. {@code "ddim.json"}. */
    public static SchedulerGolden load(String fileName) {
        String resource = "/golden/schedulers/" + fileName;
        try (InputStream in = SchedulerGolden.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no golden file " + resource + " on the test class path");
            }
            return new SchedulerGolden(fileName, JSON.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    // ---------------------------------------------------------------- records

    /** One recorded sampling run (a case's loop, or the img2img trajectory). */
    public record Run(float[] initialLatents, List<Step> steps, float[] finalSample) {
    }

    /**
     * One recorded step. Nullable fields are absent in the file where the scheduler does not produce them:
     * {@code modelInput} (only where scale_model_input changed the sample), {@code noise} (only where
     * noise was drawn), {@code predOriginalSample} (DDIM, Euler, Euler-A), {@code denoised} (LCM).
     */
    public record Step(int i, double t, float[] modelInput, float[] modelOutput, float[] noise,
                       float[] predOriginalSample, float[] denoised, float[] prevSample) {
        /** What {@link StepResult#predOriginalSample()} should hold: pred_original_sample, or LCM's denoised. */
        public float[] expectedPredOriginal() {
            return predOriginalSample != null ? predOriginalSample : denoised;
        }
    }

    /**
     * One sampling case.
     *
     * @param sigmas null for DDIM and LCM
     * @param integerTimesteps true where diffusers keeps int64 timesteps (compare exactly)
     */
    public record Case(String id, SchedulerConfig config, int numInferenceSteps, int order, double[] timesteps,
                       boolean integerTimesteps, double[] sigmas, double initNoiseSigma, Run run) {
    }

    /**
     * {@code add_noise(image_latent, base_latent, [t])} on a fresh scheduler of config {@code configId},
     * after {@code set_timesteps(numInferenceSteps)} when that is non-null.
     */
    public record AddNoiseCase(String configId, Integer numInferenceSteps, Integer timestepIndex, double t,
                               float[] result) {
    }

    /** One StableDiffusionImg2ImgPipeline.get_timesteps evaluation (the img2img config of the file). */
    public record GetTimesteps(int numInferenceSteps, double strength, int initTimestep, int tStart,
                               double[] timesteps, int effectiveNumInferenceSteps, Integer beginIndex,
                               double latentTimestep, float[] noisedImageLatent) {
    }

    /** The recorded img2img run: set_timesteps(n), retain from t_start, start at the noised image latent. */
    public record Img2ImgTrajectory(int numInferenceSteps, double strength, int tStart, double[] timesteps,
                                    Run run) {
    }

    /** lcm.json only: {@code set_timesteps(n, strength=s)}. */
    public record LcmStrengthSchedule(int numInferenceSteps, double strength, double[] timesteps) {
    }

    // ---------------------------------------------------------------- accessors

    public String fileName() {
        return fileName;
    }

    /** diffusers class name, e.g. "DDIMScheduler". */
    public String schedulerClass() {
        return root.get("scheduler").asText();
    }

    public int[] shape() {
        return shape.clone();
    }

    /** {@code (float)(sin(0.37 i + 0.5)) * 1.3f}: stands in for randn latents. */
    public Tensor baseLatent() {
        return new Tensor(shape, floats(root.get("base_latent")));
    }

    /** {@code (float)(0.3 sin(0.5 i))}: stands in for the VAE-encoded init image. */
    public Tensor imageLatent() {
        return new Tensor(shape, floats(root.get("image_latent")));
    }

    /** The formula-generated base latent, to check the file and the formula agree. */
    public static float[] baseLatentFormula(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) Math.sin(0.37 * i + 0.5) * (float) 1.3;
        }
        return out;
    }

    /** The formula-generated image latent. */
    public static float[] imageLatentFormula(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (0.3 * Math.sin(0.5 * i));
        }
        return out;
    }

    public float[] trainBetas() {
        return floats(root.get("train_schedule").get("betas"));
    }

    public float[] trainAlphasCumprod() {
        return floats(root.get("train_schedule").get("alphas_cumprod"));
    }

    /** step_kwargs passed to every step (DDIM: eta=0.0). */
    public Map<String, Object> stepKwargs() {
        return toMap(root.get("step_kwargs"));
    }

    public List<Case> cases() {
        return cases;
    }

    public Case caseById(String id) {
        return cases.stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no case " + id + " in " + fileName));
    }

    /**
     * The full config named by a {@code config_id} ("leading_epsilon", LCM's "epsilon"): the config of
     * the cases whose id is {@code <configId>_<steps>}, or the img2img config.
     */
    public SchedulerConfig config(String configId) {
        SchedulerConfig c = configsById.get(configId);
        if (c == null) {
            throw new IllegalArgumentException("no config id " + configId + " in " + fileName
                    + "; known: " + configsById.keySet());
        }
        return c;
    }

    public List<AddNoiseCase> addNoise() {
        List<AddNoiseCase> out = new ArrayList<>();
        for (JsonNode a : root.get("add_noise")) {
            out.add(new AddNoiseCase(a.get("config_id").asText(), optInt(a, "num_inference_steps"),
                    optInt(a, "timestep_index"), a.get("t").asDouble(), floats(a.get("result"))));
        }
        return out;
    }

    /** The config_id of the img2img entries. */
    public String img2imgConfigId() {
        return root.get("img2img").get("config_id").asText();
    }

    public SchedulerConfig img2imgConfig() {
        return config(root.get("img2img").get("config"));
    }

    public List<GetTimesteps> img2imgGetTimesteps() {
        List<GetTimesteps> out = new ArrayList<>();
        for (JsonNode g : root.get("img2img").get("get_timesteps")) {
            out.add(new GetTimesteps(g.get("num_inference_steps").asInt(), g.get("strength").asDouble(),
                    g.get("init_timestep").asInt(), g.get("t_start").asInt(), doubles(g.get("timesteps")),
                    g.get("effective_num_inference_steps").asInt(), optInt(g, "begin_index"),
                    g.get("latent_timestep").asDouble(), floats(g.get("noised_image_latent"))));
        }
        return out;
    }

    public Img2ImgTrajectory img2imgTrajectory() {
        JsonNode t = root.get("img2img").get("trajectory");
        return new Img2ImgTrajectory(t.get("num_inference_steps").asInt(), t.get("strength").asDouble(),
                t.get("t_start").asInt(), doubles(t.get("timesteps")), parseRun(t));
    }

    /** lcm.json only; empty elsewhere. */
    public List<LcmStrengthSchedule> lcmSetTimestepsWithStrength() {
        List<LcmStrengthSchedule> out = new ArrayList<>();
        JsonNode list = root.get("lcm_set_timesteps_with_strength");
        if (list != null) {
            for (JsonNode e : list) {
                out.add(new LcmStrengthSchedule(e.get("num_inference_steps").asInt(), e.get("strength").asDouble(),
                        doubles(e.get("timesteps"))));
            }
        }
        return out;
    }

    /** The largest {@code |a-b| / max(1,|b|)} seen by this instance's checks so far (for reports). */
    public double maxRelError() {
        return maxRelError;
    }

    // ---------------------------------------------------------------- fake model and noise

    /** The fake model: {@code (float)(0.5*in + 0.1*cos(t/100))}, bit-exact with the recorded outputs. */
    public static float fakeModel(float in, double t) {
        return (float) (0.5 * (double) in + 0.1 * Math.cos(t / 100.0));
    }

    public static Tensor fakeModel(Tensor modelInput, double t) {
        float[] in = modelInput.data();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = fakeModel(in[i], t);
        }
        return new Tensor(modelInput.shape(), out);
    }

    /** The golden files' explicit noise: call k returns {@code noise_k[i] = (float) cos(1.3 i + 0.9 k + 0.2)}. */
    public static final class ExplicitNoise implements NoiseSource {
        private int calls;
        private float[] last;

        @Override
        public Tensor randn(int... shape) {
            int n = Math.toIntExact(Tensor.numel(shape));
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                out[i] = (float) Math.cos(1.3 * i + 0.9 * calls + 0.2);
            }
            calls++;
            last = out;
            return new Tensor(shape, out.clone());
        }

        /** How many tensors have been drawn (the next k). */
        public int calls() {
            return calls;
        }

        /** The most recent draw, or null. */
        public float[] last() {
            return last;
        }
    }

    // ---------------------------------------------------------------- assertions

    /** Relative error as the tolerance defines it: {@code |a-b| / max(1,|b|)}. */
    public static double relError(double actual, double expected) {
        return Math.abs(actual - expected) / Math.max(1.0, Math.abs(expected));
    }

    /** Asserts {@code |a-b| <= 1e-5*max(1,|b|)} element-wise; returns the largest relative error. */
    public static double assertClose(float[] expected, float[] actual, String what) {
        assertNotNull(actual, what + ": got null");
        assertEquals(expected.length, actual.length, what + ": length");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = relError(actual[i], expected[i]);
            if (!(e <= REL_TOL)) {
                fail(what + "[" + i + "]: expected " + expected[i] + " but got " + actual[i]
                        + " (rel error " + e + ")");
            }
            worst = Math.max(worst, e);
        }
        return worst;
    }

    public static double assertClose(double expected, double actual, String what) {
        double e = relError(actual, expected);
        if (!(e <= REL_TOL)) {
            fail(what + ": expected " + expected + " but got " + actual + " (rel error " + e + ")");
        }
        return e;
    }

    /** int64 schedules must match exactly; float32 ones within {@link #FLOAT_TIMESTEP_TOL}. */
    public static void assertTimesteps(double[] expected, double[] actual, boolean integer, String what) {
        assertNotNull(actual, what + ": got null timesteps");
        if (expected.length != actual.length) {
            fail(what + ": expected timesteps " + Arrays.toString(expected) + " but got " + Arrays.toString(actual));
        }
        for (int i = 0; i < expected.length; i++) {
            boolean ok = integer ? expected[i] == actual[i]
                    : Math.abs(expected[i] - actual[i]) <= FLOAT_TIMESTEP_TOL;
            if (!ok) {
                fail(what + ": timestep " + i + " expected " + expected[i] + " but got " + actual[i]
                        + " (all expected " + Arrays.toString(expected) + ", got " + Arrays.toString(actual) + ")");
            }
        }
    }

    private double track(double e) {
        maxRelError = Math.max(maxRelError, e);
        return e;
    }

    // ---------------------------------------------------------------- runners

    /**
     * Plays one case: builds the scheduler from the case's config, calls {@code setTimesteps(n)}, checks
     * timesteps, init_noise_sigma and the initial latents, then the run teacher-forced and free-running.
     *
     * @return the largest relative error seen
     */
    public double checkCase(Function<SchedulerConfig, ? extends Scheduler> factory, Case c) {
        String label = fileName + " " + c.id();
        Supplier<Scheduler> prepared = () -> {
            Scheduler s = factory.apply(c.config());
            s.setTimesteps(c.numInferenceSteps());
            return s;
        };
        Scheduler s = prepared.get();
        assertEquals(c.order(), s.order(), label + ": order");
        assertTimesteps(c.timesteps(), s.timesteps(), c.integerTimesteps(), label);
        double worst = track(assertClose(c.initNoiseSigma(), s.initNoiseSigma(), label + ": init_noise_sigma"));
        float[] base = baseLatent().data();
        float sigma = (float) s.initNoiseSigma();
        float[] init = new float[base.length];
        for (int i = 0; i < base.length; i++) {
            init[i] = base[i] * sigma;
        }
        worst = Math.max(worst, track(assertClose(c.run().initialLatents(), init, label + ": initial_latents")));
        return Math.max(worst, checkRun(label, prepared, Scheduler::timesteps, c.run()));
    }

    /**
     * Plays a recorded run twice from {@code run.initialLatents()}:
     * <ul>
     *   <li>teacher-forced: every step starts from the recorded previous sample (the initial latents for
     *       the first), at the recorded {@code t}, so an error shows at the step that makes it;</li>
     *   <li>free-running: the scheduler's own outputs feed the next step, at the timesteps
     *       {@code iterate} returns, and the last one is checked against {@code final_sample}.</li>
     * </ul>
     * Each step checks model_input (where recorded), model_output, the noise drawn (exactly one draw
     * where {@code noise} is recorded, none elsewhere), pred_original_sample / denoised, and prev_sample.
     *
     * @param prepared a fresh scheduler ready for the first recorded step (timesteps set, begin index set)
     * @param iterate the timesteps a pipeline would iterate with that scheduler, e.g. {@code Scheduler::timesteps}
     *        or the img2img tail of it
     * @return the largest relative error seen
     */
    public double checkRun(String label, Supplier<? extends Scheduler> prepared,
                           Function<Scheduler, double[]> iterate, Run run) {
        double worst = 0;
        // teacher-forced
        Scheduler s = prepared.get();
        ExplicitNoise noise = new ExplicitNoise();
        float[] sample = run.initialLatents();
        for (Step st : run.steps()) {
            String at = label + " teacher-forced step " + st.i() + " (t=" + st.t() + ")";
            StepResult r = playStep(s, noise, sample, st.t(), st, at);
            worst = Math.max(worst, checkStepResult(r, st, at));
            sample = st.prevSample();
        }
        // free-running
        s = prepared.get();
        double[] ts = iterate.apply(s);
        double[] recorded = run.steps().stream().mapToDouble(Step::t).toArray();
        assertTimesteps(recorded, ts, isWhole(recorded), label + " iterated");
        noise = new ExplicitNoise();
        sample = run.initialLatents();
        for (int k = 0; k < ts.length; k++) {
            Step st = run.steps().get(k);
            String at = label + " free-running step " + k + " (t=" + ts[k] + ")";
            int before = noise.calls();
            StepResult r = playStep(s, noise, sample, ts[k], null, at);
            assertEquals(st.noise() == null ? 0 : 1, noise.calls() - before, at + ": noise draws");
            sample = r.prevSample().data();
        }
        worst = Math.max(worst, track(assertClose(run.finalSample(), sample, label + " free-running final_sample")));
        return worst;
    }

    private static boolean isWhole(double[] ts) {
        for (double t : ts) {
            if (t != Math.rint(t)) {
                return false;
            }
        }
        return true;
    }

    /** scale_model_input, fake model, step; checks model_input / model_output / noise when {@code st} is given. */
    private StepResult playStep(Scheduler s, ExplicitNoise noise, float[] sample, double t, Step st, String at) {
        Tensor x = new Tensor(shape, sample.clone());
        Tensor in = s.scaleModelInput(x, t);
        if (st != null) {
            float[] expectedIn = st.modelInput() != null ? st.modelInput() : sample;
            track(assertClose(expectedIn, in.data(), at + ": model_input"));
        }
        Tensor eps = fakeModel(in, t);
        if (st != null) {
            track(assertClose(st.modelOutput(), eps.data(), at + ": model_output"));
        }
        int before = noise.calls();
        StepResult r = s.step(eps, t, x, noise);
        assertNotNull(r, at + ": step returned null");
        assertNotNull(r.prevSample(), at + ": prev_sample is null");
        assertEquals(Arrays.toString(shape), Arrays.toString(r.prevSample().shape()), at + ": prev_sample shape");
        if (st != null) {
            if (st.noise() == null) {
                assertEquals(before, noise.calls(), at + ": drew noise where diffusers draws none");
            } else {
                assertEquals(before + 1, noise.calls(), at + ": expected exactly one noise draw");
                track(assertClose(st.noise(), noise.last(), at + ": noise"));
            }
        }
        return r;
    }

    private double checkStepResult(StepResult r, Step st, String at) {
        double worst = 0;
        float[] expectedX0 = st.expectedPredOriginal();
        if (expectedX0 != null) {
            assertNotNull(r.predOriginalSample(), at + ": pred_original_sample / denoised is null");
            worst = track(assertClose(expectedX0, r.predOriginalSample().data(),
                    at + (st.denoised() != null ? ": denoised" : ": pred_original_sample")));
        }
        return Math.max(worst, track(assertClose(st.prevSample(), r.prevSample().data(), at + ": prev_sample")));
    }

    /**
     * Checks one add_noise case: fresh scheduler of the named config, {@code setTimesteps(n)} where recorded,
     * {@code addNoise(image_latent, base_latent, t)}.
     */
    public double checkAddNoise(Function<SchedulerConfig, ? extends Scheduler> factory, AddNoiseCase a) {
        Scheduler s = factory.apply(config(a.configId()));
        if (a.numInferenceSteps() != null) {
            s.setTimesteps(a.numInferenceSteps());
        }
        Tensor out = s.addNoise(imageLatent(), baseLatent(), a.t());
        assertTrue(out != null, "add_noise returned null");
        return track(assertClose(a.result(), out.data(),
                fileName + " add_noise " + a.configId() + " t=" + a.t()));
    }

    // ---------------------------------------------------------------- parsing

    private Case parseCase(JsonNode c) {
        boolean integer = "int64".equals(c.get("timesteps_dtype").asText());
        JsonNode sig = c.get("sigmas");
        return new Case(c.get("id").asText(), config(c.get("config")), c.get("num_inference_steps").asInt(),
                c.get("order").asInt(), doubles(c.get("timesteps")), integer,
                sig == null || sig.isNull() ? null : doubles(sig), c.get("init_noise_sigma").asDouble(),
                parseRun(c));
    }

    private static Run parseRun(JsonNode c) {
        List<Step> steps = new ArrayList<>();
        for (JsonNode s : c.get("steps")) {
            steps.add(new Step(s.get("i").asInt(), s.get("t").asDouble(), optFloats(s, "model_input"),
                    floats(s.get("model_output")), optFloats(s, "noise"), optFloats(s, "pred_original_sample"),
                    optFloats(s, "denoised"), floats(s.get("prev_sample"))));
        }
        return new Run(floats(c.get("initial_latents")), List.copyOf(steps), floats(c.get("final_sample")));
    }

    /** Strips the trailing {@code _<steps>} of a case id. */
    private static String configIdOf(String caseId) {
        int u = caseId.lastIndexOf('_');
        return u < 0 ? caseId : caseId.substring(0, u);
    }

    /** A config as SchedulerConfig; Python's {@code "-inf"} becomes {@link Double#NEGATIVE_INFINITY}. */
    private static SchedulerConfig config(JsonNode node) {
        return new SchedulerConfig(toMap(node));
    }

    private static Map<String, Object> toMap(JsonNode node) {
        Map<String, Object> m = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            Object value;
            if (v.isTextual() && v.asText().equals("-inf")) {
                value = Double.NEGATIVE_INFINITY;
            } else if (v.isTextual() && v.asText().equals("inf")) {
                value = Double.POSITIVE_INFINITY;
            } else {
                value = JSON.convertValue(v, Object.class);
            }
            m.put(e.getKey(), value);
        }
        return m;
    }

    private static Integer optInt(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? null : v.asInt();
    }

    private static float[] optFloats(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? null : floats(v);
    }

    static float[] floats(JsonNode arr) {
        float[] out = new float[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) arr.get(i).asDouble();
        }
        return out;
    }

    static double[] doubles(JsonNode arr) {
        double[] out = new double[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).asDouble();
        }
        return out;
    }

    private static int[] ints(JsonNode arr) {
        int[] out = new int[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).asInt();
        }
        return out;
    }
}
