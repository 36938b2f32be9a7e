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

class EulerGoldenTest {
    private static final SigmaGolden<EulerDiscreteScheduler> SUITE = new SigmaGolden<>(
            "euler_discrete.json", EulerDiscreteScheduler::new, EulerDiscreteScheduler::sigmas);
    private static final SchedulerGolden GOLDEN = SUITE.golden;

    static Stream<String> caseIds() {
        return SUITE.caseIds();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("caseIds")
    void matchesDiffusersTrajectory(String id) {
        SUITE.checkCase(id);
    }

    @Test
    void matchesDiffusersAddNoise() {
        SUITE.checkAddNoise(6);
    }

    @Test
    void matchesDiffusersImg2Img() {
        SUITE.checkImg2Img();
    }

    @Test
    void goldenFileCoversTheDocumentedGrid() {
        SUITE.checkDocumentedGrid(26, "EulerDiscreteScheduler");
    }

    @Test
    void linspaceTimestepsAreFractionalFloat32() {
        EulerDiscreteScheduler s = scheduler("linspace", Map.of());
        s.setTimesteps(25);
        // 999·(24-1)/24 = 957.375 is kept as is, not rounded
        assertEquals(957.375, s.timesteps()[1], 0);
        s.setTimesteps(1);
        assertArrayEquals(new double[] {0}, s.timesteps());
        assertEquals(0.0292, s.sigmas()[0], 1e-4);
    }

    @Test
    void trailingKeepsExactlyNSteps() {
        // numpy.arange(1000, 0, -1000/61) has 62 entries, the last rounding to timestep -1 in diffusers
        EulerDiscreteScheduler s = scheduler("trailing", Map.of());
        s.setTimesteps(61);
        double[] ts = s.timesteps();
        assertEquals(61, ts.length);
        assertEquals(999, ts[0], 0);
        assertTrue(ts[60] >= 0, "last trailing timestep " + ts[60]);
        assertEquals(62, s.sigmas().length);
    }

    @Test
    void leadingInitNoiseSigmaIncludesTheUnitVariance() {
        EulerDiscreteScheduler lead = scheduler("leading", Map.of());
        lead.setTimesteps(10);
        float max = lead.sigmas()[0];
        assertEquals(Math.sqrt(max * max + 1), lead.initNoiseSigma(), 1e-6);
        EulerDiscreteScheduler trail = scheduler("trailing", Map.of());
        trail.setTimesteps(10);
        assertEquals(trail.sigmas()[0], trail.initNoiseSigma(), 0);
    }

    @Test
    void finalSigmaMinEndsAtTheSmallestTrainingSigma() {
        EulerDiscreteScheduler s = scheduler("linspace", Map.of("final_sigmas_type", "sigma_min"));
        s.setTimesteps(4);
        float[] sig = s.sigmas();
        float a0 = TrainSchedule.from(s.config()).alphaCumprod(0);
        assertEquals(Math.sqrt((1 - a0) / a0), sig[4], 1e-7);
    }

    @Test
    void zeroTerminalSnrGivesAFiniteFirstSigma() {
        // diffusers rescales ᾱ to zero terminal SNR, then sets ᾱ_T = 2^-24 so that σ_T = sqrt((1-ᾱ)/ᾱ) ≈ 4096
        EulerDiscreteScheduler s = scheduler("trailing", Map.of("rescale_betas_zero_snr", true,
                "prediction_type", "v_prediction"));
        s.setTimesteps(4);
        float[] sig = s.sigmas();
        assertEquals(Math.sqrt((1 - 0x1p-24) / 0x1p-24), sig[0], 0.01);
        assertEquals(sig[0], s.initNoiseSigma(), 0);
        float[] acp = AlphaBarSchedule.rescaleZeroTerminalSnr(TrainSchedule.from(s.config()).alphasCumprod().clone());
        int t1 = (int) s.timesteps()[1];
        assertEquals(Math.sqrt((1 - acp[t1]) / acp[t1]), sig[1], 1e-5 * sig[1]);
        // at σ ≈ 4096 a v-prediction x0 is ≈ -v: the step stays finite
        Tensor x = GOLDEN.baseLatent();
        double t = s.timesteps()[0];
        StepResult r = s.step(SchedulerGolden.fakeModel(s.scaleModelInput(x, t), t), t, x, null);
        for (float v : r.prevSample().data()) {
            assertTrue(Float.isFinite(v), "prev_sample " + v);
        }
    }

    @Test
    void repeatedTimestepStartsAtTheSecondMatch() {
        double[] ts = {999, 500, 500, 0};
        assertEquals(2, SigmaSchedule.indexForTimestep(ts, 500));
        assertEquals(0, SigmaSchedule.indexForTimestep(ts, 999));
        assertEquals(-1, SigmaSchedule.indexForTimestep(ts, 7));
    }

    @Test
    void addNoiseUsesTheBeginIndexOnceSet() {
        EulerDiscreteScheduler s = scheduler("linspace", Map.of());
        s.setTimesteps(10);
        s.setBeginIndex(5);
        Tensor x = GOLDEN.imageLatent();
        Tensor z = GOLDEN.baseLatent();
        // the timestep is ignored once a begin index is set, as in diffusers
        Tensor a = s.addNoise(x, z, 999);
        float sigma5 = s.sigmas()[5];
        assertEquals(x.data()[3] + z.data()[3] * sigma5, a.data()[3], 1e-6);
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        EulerDiscreteScheduler s = scheduler("linspace", Map.of());
        assertThrows(IllegalStateException.class, s::timesteps);
        assertThrows(IllegalArgumentException.class, () -> s.setTimesteps(0));
        s.setTimesteps(10);
        Tensor x = GOLDEN.baseLatent();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.step(x, 123.25, x, null));
        assertTrue(e.getMessage().contains("123.25"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.setBeginIndex(10));
        IllegalArgumentException opt = assertThrows(IllegalArgumentException.class,
                () -> scheduler("linspace", Map.of("use_exponential_sigmas", true)));
        assertTrue(opt.getMessage().contains("use_exponential_sigmas"), opt.getMessage());
        assertThrows(IllegalArgumentException.class, () -> scheduler("karras", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> scheduler("linspace", Map.of("prediction_type", "flow")));
    }

    @Test
    void sd15ConfigThroughTheFactoryReproducesDiffusers() throws Exception {
        SUITE.checkSd15ThroughFactory("euler", "linspace_epsilon_25", "EulerDiscreteScheduler", EulerDiscreteScheduler.class);
    }

    @AfterAll
    static void report() {
        SUITE.report();
    }

    private static EulerDiscreteScheduler scheduler(String spacing, Map<String, Object> extra) {
        Map<String, Object> m = new HashMap<>(Map.of("timestep_spacing", spacing));
        m.putAll(extra);
        return SUITE.scheduler(m);
    }
}
