package apprentice.core.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DdimGoldenTest {
    private static final SchedulerGolden GOLDEN = SchedulerGolden.load("ddim.json");
    private static final SchedulerGolden DDIM = GOLDEN;

    static Stream<String> caseIds() {
        return GOLDEN.cases().stream().map(SchedulerGolden.Case::id);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("caseIds")
    void matchesDiffusersTrajectory(String id) {
        GOLDEN.checkCase(DdimScheduler::new, GOLDEN.caseById(id));
    }

    @Test
    void matchesDiffusersAddNoise() {
        assertEquals(6, GOLDEN.addNoise().size());
        for (SchedulerGolden.AddNoiseCase a : GOLDEN.addNoise()) {
            GOLDEN.checkAddNoise(DdimScheduler::new, a);
        }
    }

    @Test
    void goldenFileCoversTheDocumentedGrid() {
        assertEquals(42, GOLDEN.cases().size());
        assertEquals("DDIMScheduler", GOLDEN.schedulerClass());
        assertArrayEquals(SchedulerGolden.baseLatentFormula(18), GOLDEN.baseLatent().data());
        assertArrayEquals(SchedulerGolden.imageLatentFormula(18), GOLDEN.imageLatent().data());
    }

    @Test
    void oneStepSchedulesMatchTheReadme() {
        assertArrayEquals(new double[] {0}, timesteps("linspace", 1));
        assertArrayEquals(new double[] {1}, timesteps("leading", 1));
        assertArrayEquals(new double[] {999}, timesteps("trailing", 1));
    }

    @Test
    void trailingKeepsExactlyNStepsWhereNumpyArangeOvershoots() {
        // numpy.arange(1000, 0, -1000/61) has 62 entries, the last rounding to timestep -1
        double[] ts = timesteps("trailing", 61);
        assertEquals(61, ts.length);
        assertEquals(999, ts[0]);
        assertTrue(ts[60] >= 0, "last trailing timestep " + ts[60]);
    }

    @Test
    void clipSampleClampsPredictedOriginal() {
        Map<String, Object> m = new HashMap<>(GOLDEN.config("leading_epsilon").asMap());
        m.put("clip_sample", true);
        m.put("clip_sample_range", 0.25);
        DdimScheduler s = new DdimScheduler(new SchedulerConfig(m));
        s.setTimesteps(10);
        Tensor x = GOLDEN.baseLatent();
        StepResult r = s.step(SchedulerGolden.fakeModel(x, 901), 901, x, null);
        float max = 0;
        for (float v : r.predOriginalSample().data()) {
            max = Math.max(max, Math.abs(v));
        }
        assertEquals(0.25f, max, 0f);
    }

    @Test
    void samplePredictionReturnsTheModelOutputAsX0() {
        Map<String, Object> m = new HashMap<>(GOLDEN.config("leading_epsilon").asMap());
        m.put("prediction_type", "sample");
        DdimScheduler s = new DdimScheduler(new SchedulerConfig(m));
        s.setTimesteps(10);
        Tensor x = GOLDEN.baseLatent();
        Tensor out = SchedulerGolden.fakeModel(x, 501);
        StepResult r = s.step(out, 501, x, null);
        assertArrayEquals(out.data(), r.predOriginalSample().data());
    }

    @Test
    void zeroTerminalSnrRescaleEndsAtPureNoiseAndKeepsTheFirstAlpha() {
        float[] acp = DDIM.trainAlphasCumprod();
        float[] rescaled = AlphaBarSchedule.rescaleZeroTerminalSnr(acp);
        assertEquals(0f, rescaled[999], 0f);
        assertEquals(acp[0], rescaled[0], 1e-6f);
        for (int t = 1; t < 1000; t++) {
            assertTrue(rescaled[t] < rescaled[t - 1], "ᾱ must decrease at t=" + t);
        }
        // v-prediction at t=999 with ᾱ=0 gives x0 = -v (epsilon would divide by zero, as in diffusers)
        Map<String, Object> m = new HashMap<>(DDIM.config("trailing_v_prediction").asMap());
        m.put("rescale_betas_zero_snr", true);
        DdimScheduler s = new DdimScheduler(new SchedulerConfig(m));
        s.setTimesteps(10);
        Tensor x = DDIM.baseLatent();
        Tensor v = SchedulerGolden.fakeModel(x, 999);
        float[] x0 = s.step(v, 999, x, null).predOriginalSample().data();
        for (int i = 0; i < x0.length; i++) {
            assertEquals(-v.data()[i], x0[i], 1e-6f);
        }
    }

    @Test
    void dynamicThresholdingScalesX0IntoUnitRange() {
        Map<String, Object> m = new HashMap<>(DDIM.config("leading_epsilon").asMap());
        m.put("thresholding", true);
        m.put("sample_max_value", 10.0);
        DdimScheduler s = new DdimScheduler(new SchedulerConfig(m));
        s.setTimesteps(10);
        Tensor x = DDIM.baseLatent();
        // at t=901 the raw x0 reaches |x0| > 1: the 99.5% quantile s > 1 divides it back into [-1, 1]
        float[] raw = x0At(new DdimScheduler(DDIM.config("leading_epsilon")), x, 901);
        float rawMax = 0;
        for (float f : raw) {
            rawMax = Math.max(rawMax, Math.abs(f));
        }
        assertTrue(rawMax > 1, "test needs |x0| > 1, got " + rawMax);
        float[] x0 = x0At(s, x, 901);
        float max = 0;
        for (float f : x0) {
            max = Math.max(max, Math.abs(f));
        }
        assertTrue(max <= 1f && max > 0.99f, "thresholded max |x0| = " + max);
    }

    @Test
    void etaDrawsNoiseAndZeroEtaDoesNot() {
        DdimScheduler s = new DdimScheduler(GOLDEN.config("leading_epsilon"));
        s.setTimesteps(10);
        Tensor x = GOLDEN.baseLatent();
        SchedulerGolden.ExplicitNoise noise = new SchedulerGolden.ExplicitNoise();
        StepResult det = s.step(SchedulerGolden.fakeModel(x, 501), 501, x, noise);
        assertEquals(0, noise.calls());
        s.setEta(1.0);
        StepResult sto = s.step(SchedulerGolden.fakeModel(x, 501), 501, x, noise);
        assertEquals(1, noise.calls());
        // with eta the deterministic direction shrinks and σ·z is added: the results must differ
        assertTrue(Math.abs(det.prevSample().data()[0] - sto.prevSample().data()[0]) > 1e-4);
        assertThrows(IllegalArgumentException.class, () -> s.setEta(-0.1));
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        DdimScheduler s = new DdimScheduler(GOLDEN.config("leading_epsilon"));
        assertThrows(IllegalStateException.class, s::timesteps);
        assertThrows(IllegalArgumentException.class, () -> s.setTimesteps(0));
        assertThrows(IllegalArgumentException.class, () -> s.setTimesteps(1001));
        s.setTimesteps(10);
        Tensor x = GOLDEN.baseLatent();
        assertThrows(IllegalArgumentException.class, () -> s.step(x, 500.5, x, null));
        assertThrows(IllegalArgumentException.class, () -> s.addNoise(x, x, 1000));
        Map<String, Object> m = new HashMap<>(GOLDEN.config("leading_epsilon").asMap());
        m.put("timestep_spacing", "karras");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DdimScheduler(new SchedulerConfig(m)));
        assertTrue(e.getMessage().contains("timestep_spacing"), e.getMessage());
    }

    @AfterAll
    static void report() {
        System.out.println("[golden] ddim.json: max relative error " + GOLDEN.maxRelError());
    }

    private static float[] x0At(DdimScheduler s, Tensor x, int t) {
        s.setTimesteps(10);
        return s.step(SchedulerGolden.fakeModel(x, t), t, x, null).predOriginalSample().data();
    }

    private static double[] timesteps(String spacing, int n) {
        Map<String, Object> m = new HashMap<>(GOLDEN.config("leading_epsilon").asMap());
        m.put("timestep_spacing", spacing);
        DdimScheduler s = new DdimScheduler(new SchedulerConfig(m));
        s.setTimesteps(n);
        return s.timesteps();
    }
}
