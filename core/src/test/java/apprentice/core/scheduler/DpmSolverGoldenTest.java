package apprentice.core.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

class DpmSolverGoldenTest {
    private static final SigmaGolden<DpmSolverMultistepScheduler> SUITE = new SigmaGolden<>(
            "dpmsolver_multistep.json", DpmSolverMultistepScheduler::new, DpmSolverMultistepScheduler::sigmas);
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
        SUITE.checkDocumentedGrid(17, "DPMSolverMultistepScheduler");
    }

    @Test
    void karrasTimestepsAreWholeNumbers() {
        DpmSolverMultistepScheduler s = scheduler(Map.of("use_karras_sigmas", true));
        s.setTimesteps(25);
        for (double t : s.timesteps()) {
            assertEquals(Math.rint(t), t, 0, "Karras timestep " + t);
        }
        // the σ are the Karras ones, not those of the rounded timesteps
        float[] sig = s.sigmas();
        float[] train = SigmaSchedule.trainSigmas(TrainSchedule.from(s.config()).alphasCumprod());
        assertEquals(train[999], sig[0], 1e-6);
        assertEquals(train[0], sig[24], 1e-6);
    }

    @Test
    void lambdaMinClippedShortensTheSchedule() {
        DpmSolverMultistepScheduler full = scheduler(Map.of());
        full.setTimesteps(5);
        assertEquals(999, full.timesteps()[0], 0);
        // SD's λ at t=999 is about -2.8; clipping at -2 drops the noisiest timesteps
        DpmSolverMultistepScheduler clipped = scheduler(Map.of("lambda_min_clipped", -2.0));
        clipped.setTimesteps(5);
        assertTrue(clipped.timesteps()[0] < 999, "first timestep " + clipped.timesteps()[0]);
    }

    @Test
    void solverOrderOneIsTheFirstOrderUpdateEverywhere() {
        DpmSolverMultistepScheduler two = scheduler(Map.of());
        DpmSolverMultistepScheduler one = scheduler(Map.of("solver_order", 1));
        two.setTimesteps(5);
        one.setTimesteps(5);
        Tensor x = GOLDEN.baseLatent();
        double[] ts = two.timesteps();
        // the first step is first order in both
        Tensor a = two.step(SchedulerGolden.fakeModel(x, ts[0]), ts[0], x, null).prevSample();
        Tensor b = one.step(SchedulerGolden.fakeModel(x, ts[0]), ts[0], x, null).prevSample();
        assertArrayEquals(a.data(), b.data());
        Tensor a2 = two.step(SchedulerGolden.fakeModel(a, ts[1]), ts[1], a, null).prevSample();
        Tensor b2 = one.step(SchedulerGolden.fakeModel(b, ts[1]), ts[1], b, null).prevSample();
        assertTrue(Math.abs(a2.data()[0] - b2.data()[0]) > 1e-6, "second step should differ by the D1 term");
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        assertThrows(IllegalArgumentException.class, () -> scheduler(Map.of("algorithm_type", "sde-dpmsolver++")));
        assertThrows(IllegalArgumentException.class, () -> scheduler(Map.of("solver_order", 3)));
        assertThrows(IllegalArgumentException.class, () -> scheduler(Map.of("solver_type", "heun")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> scheduler(Map.of("thresholding", true)));
        assertTrue(e.getMessage().contains("thresholding"), e.getMessage());
        DpmSolverMultistepScheduler s = scheduler(Map.of());
        assertThrows(IllegalStateException.class, s::timesteps);
        assertThrows(IllegalArgumentException.class, () -> s.setTimesteps(0));
    }

    @Test
    void sd15ConfigThroughTheFactoryReproducesDiffusers() throws Exception {
        SUITE.checkSd15ThroughFactory("dpmpp_2m", "linspace_epsilon_25", "DPMSolverMultistepScheduler", DpmSolverMultistepScheduler.class);
    }

    @AfterAll
    static void report() {
        SUITE.report();
    }

    private static DpmSolverMultistepScheduler scheduler(Map<String, Object> extra) {
        return SUITE.scheduler(extra);
    }
}
