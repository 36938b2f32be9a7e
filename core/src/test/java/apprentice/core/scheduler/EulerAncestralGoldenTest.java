package apprentice.core.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EulerAncestralGoldenTest {
    private static final SchedulerGolden GOLDEN = SchedulerGolden.load("euler_ancestral_discrete.json");
    private static double worst;

    static Stream<String> caseIds() {
        return GOLDEN.cases().stream().map(SchedulerGolden.Case::id);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("caseIds")
    void matchesDiffusersTrajectory(String id) {
        record(SigmaGolden.checkCase(GOLDEN, EulerAncestralDiscreteScheduler::new,
                EulerAncestralDiscreteScheduler::sigmas, GOLDEN.caseById(id)));
    }

    @Test
    void matchesDiffusersAddNoise() {
        assertEquals(3, GOLDEN.addNoise().size());
        for (SchedulerGolden.AddNoiseCase a : GOLDEN.addNoise()) {
            record(GOLDEN.checkAddNoise(EulerAncestralDiscreteScheduler::new, a));
        }
    }

    @Test
    void matchesDiffusersImg2Img() {
        record(SigmaGolden.checkImg2Img(GOLDEN, EulerAncestralDiscreteScheduler::new));
    }

    @Test
    void goldenFileCoversTheDocumentedGrid() {
        assertEquals(18, GOLDEN.cases().size());
        assertEquals("EulerAncestralDiscreteScheduler", GOLDEN.schedulerClass());
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
        // SD 1.5's PNDM config sets no timestep_spacing: switched to this class it runs the class default
        // "linspace", exactly the golden linspace config
        SchedulerConfig sd = SchedulerConfig.read(Path.of(
                getClass().getResource("/scheduler/sd15_scheduler_config.json").toURI()));
        GOLDEN.checkCase(c -> Schedulers.create("euler_a", sd), GOLDEN.caseById("linspace_epsilon_25"));
        SchedulerConfig own = GOLDEN.config("linspace_epsilon").with(Map.of("_class_name", "EulerAncestralDiscreteScheduler"));
        assertEquals(EulerAncestralDiscreteScheduler.class, Schedulers.create(own).getClass());
    }

    @AfterAll
    static void report() {
        System.out.println("[golden] euler_ancestral_discrete.json: max relative error " + worst);
    }

    private static void record(double e) {
        synchronized (EulerAncestralGoldenTest.class) {
            worst = Math.max(worst, e);
        }
    }

    private static EulerAncestralDiscreteScheduler scheduler(Map<String, Object> extra) {
        Map<String, Object> m = new HashMap<>(GOLDEN.config("linspace_epsilon").asMap());
        m.putAll(extra);
        return new EulerAncestralDiscreteScheduler(new SchedulerConfig(m));
    }
}
