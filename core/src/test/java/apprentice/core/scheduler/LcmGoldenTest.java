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

class LcmGoldenTest {
    private static final SchedulerGolden GOLDEN = SchedulerGolden.load("lcm.json");

    static Stream<String> caseIds() {
        return GOLDEN.cases().stream().map(SchedulerGolden.Case::id);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("caseIds")
    void matchesDiffusersTrajectory(String id) {
        GOLDEN.checkCase(LcmScheduler::new, GOLDEN.caseById(id));
    }

    @Test
    void goldenFileCoversTheDocumentedGrid() {
        assertEquals(6, GOLDEN.cases().size());
        assertEquals("LCMScheduler", GOLDEN.schedulerClass());
        // noise on every step except the last: 0+1+3+7 (epsilon) + 0+3 (v_prediction)
        long noisy = GOLDEN.cases().stream().flatMap(c -> c.run().steps().stream()).filter(s -> s.noise() != null).count();
        assertEquals(14, noisy);
    }

    @Test
    void matchesDiffusersAddNoise() {
        assertEquals(5, GOLDEN.addNoise().size());
        for (SchedulerGolden.AddNoiseCase a : GOLDEN.addNoise()) {
            GOLDEN.checkAddNoise(LcmScheduler::new, a);
        }
    }

    @Test
    void setTimestepsWithStrengthMatchesDiffusers() {
        assertEquals(16, GOLDEN.lcmSetTimestepsWithStrength().size());
        for (SchedulerGolden.LcmStrengthSchedule e : GOLDEN.lcmSetTimestepsWithStrength()) {
            LcmScheduler s = new LcmScheduler(GOLDEN.config("epsilon"));
            s.setTimesteps(e.numInferenceSteps(), e.strength());
            SchedulerGolden.assertTimesteps(e.timesteps(), s.timesteps(), true,
                    "lcm set_timesteps(" + e.numInferenceSteps() + ", strength=" + e.strength() + ")");
        }
    }

    @Test
    void lastStepReturnsDenoisedWithoutNoise() {
        LcmScheduler s = new LcmScheduler(GOLDEN.config("epsilon"));
        s.setTimesteps(1);
        Tensor x = GOLDEN.baseLatent();
        SchedulerGolden.ExplicitNoise noise = new SchedulerGolden.ExplicitNoise();
        StepResult r = s.step(SchedulerGolden.fakeModel(x, 999), 999, x, noise);
        assertEquals(0, noise.calls());
        assertArrayEquals(r.predOriginalSample().data(), r.prevSample().data());
    }

    @Test
    void boundaryConditionMakesTimestepZeroTheIdentity() {
        // c_skip(0) = 1 and c_out(0) = 0: f(x, 0) = x whatever the model says
        LcmScheduler s = new LcmScheduler(GOLDEN.config("epsilon"));
        s.setTimesteps(4);
        s.setBeginIndex(3);
        Tensor x = GOLDEN.baseLatent();
        Tensor junk = SchedulerGolden.fakeModel(GOLDEN.imageLatent(), 0);
        StepResult r = s.step(junk, 0, x, null);
        assertArrayEquals(x.data(), r.prevSample().data(), 1e-6f);
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        LcmScheduler s = new LcmScheduler(GOLDEN.config("epsilon"));
        assertThrows(IllegalStateException.class, s::timesteps);
        assertThrows(IllegalArgumentException.class, () -> s.setTimesteps(0));
        assertThrows(IllegalArgumentException.class, () -> s.setTimesteps(51));
        assertThrows(IllegalArgumentException.class, () -> s.setTimesteps(4, 0.0));
        assertThrows(IllegalArgumentException.class, () -> s.setTimesteps(4, 1.5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.setTimesteps(8, 0.1));
        assertTrue(e.getMessage().contains("strength"), e.getMessage());
        s.setTimesteps(4);
        Tensor x = GOLDEN.baseLatent();
        assertThrows(IllegalArgumentException.class, () -> s.step(x, 500, x, new SchedulerGolden.ExplicitNoise()));
        assertThrows(IllegalArgumentException.class, () -> s.step(x, 999, x, null));
        Map<String, Object> m = new HashMap<>(GOLDEN.config("epsilon").asMap());
        m.put("prediction_type", "flow");
        assertThrows(IllegalArgumentException.class, () -> new LcmScheduler(new SchedulerConfig(m)));
    }

    @AfterAll
    static void report() {
        System.out.println("[golden] lcm.json: max relative error " + GOLDEN.maxRelError());
    }
}
