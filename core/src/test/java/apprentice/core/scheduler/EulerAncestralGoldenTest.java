package apprentice.core.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.tensor.Tensor;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EulerAncestralGoldenTest {
    private static final SigmaGolden<EulerAncestralDiscreteScheduler> SUITE = new SigmaGolden<>(
            "euler_ancestral_discrete.json", EulerAncestralDiscreteScheduler::new,
            EulerAncestralDiscreteScheduler::sigmas);
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
        SUITE.checkAddNoise(3);
    }

    @Test
    void matchesDiffusersImg2Img() {
        SUITE.checkImg2Img();
    }

    @Test
    void goldenFileCoversTheDocumentedGrid() {
        SUITE.checkDocumentedGrid(18, "EulerAncestralDiscreteScheduler");
    }

    @Test
    void lastStepDrawsNoiseButAddsNone() {
        EulerAncestralDiscreteScheduler s = scheduler(Map.of());
        s.setTimesteps(1);
        double t = s.timesteps()[0];
        Tensor x = GOLDEN.baseLatent();
        SchedulerGolden.ExplicitNoise noise = new SchedulerGolden.ExplicitNoise();
        Tensor in = s.scaleModelInput(x, t);
        StepResult r = s.step(SchedulerGolden.fakeModel(in, t), t, x, noise);
        assertEquals(1, noise.calls(), "diffusers draws noise even where sigma_up = 0");
        // σ_next = 0 gives σ_up = σ_down = 0: the result is the clean estimate, whatever the noise
        assertEquals(r.predOriginalSample().data()[4], r.prevSample().data()[4], 1e-6);
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        EulerAncestralDiscreteScheduler s = scheduler(Map.of());
        assertThrows(IllegalStateException.class, s::initNoiseSigma);
        s.setTimesteps(4);
        Tensor x = GOLDEN.baseLatent();
        double t = s.timesteps()[0];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.step(x, t, x, null));
        assertTrue(e.getMessage().contains("NoiseSource"), e.getMessage());
        Tensor wrong = Tensor.zeros(1, 2, 3, 2);
        assertThrows(IllegalArgumentException.class, () -> s.step(wrong, t, x, new SchedulerGolden.ExplicitNoise()));
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
                () -> scheduler(Map.of("prediction_type", "flow_prediction")));
        assertTrue(p.getMessage().contains("prediction_type"), p.getMessage());
    }

    @Test
    void sd15ConfigThroughTheFactoryReproducesDiffusers() throws Exception {
        SUITE.checkSd15ThroughFactory("euler_a", "linspace_epsilon_25", "EulerAncestralDiscreteScheduler", EulerAncestralDiscreteScheduler.class);
    }

    @AfterAll
    static void report() {
        SUITE.report();
    }

    private static EulerAncestralDiscreteScheduler scheduler(Map<String, Object> extra) {
        return SUITE.scheduler(extra);
    }
}
