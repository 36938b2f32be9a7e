package apprentice.core.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class UniPcGoldenTest {
    private static final SigmaGolden<UniPcMultistepScheduler> SUITE = new SigmaGolden<>(
            "unipc_multistep.json", UniPcMultistepScheduler::new, UniPcMultistepScheduler::sigmas);
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
        SUITE.checkDocumentedGrid(8, "UniPCMultistepScheduler");
    }

    @Test
    void disablingTheCorrectorChangesOnlyTheStepsAfterIt() {
        UniPcMultistepScheduler on = scheduler(Map.of());
        UniPcMultistepScheduler off = scheduler(Map.of("disable_corrector", List.of(0)));
        on.setTimesteps(5);
        off.setTimesteps(5);
        double[] ts = on.timesteps();
        Tensor x = GOLDEN.baseLatent();
        Tensor a = on.step(SchedulerGolden.fakeModel(x, ts[0]), ts[0], x, null).prevSample();
        Tensor b = off.step(SchedulerGolden.fakeModel(x, ts[0]), ts[0], x, null).prevSample();
        assertArrayEquals(a.data(), b.data(), "the first step has nothing to correct");
        Tensor a2 = on.step(SchedulerGolden.fakeModel(a, ts[1]), ts[1], a, null).prevSample();
        Tensor b2 = off.step(SchedulerGolden.fakeModel(b, ts[1]), ts[1], b, null).prevSample();
        assertTrue(Math.abs(a2.data()[0] - b2.data()[0]) > 1e-6, "step 1 corrects step 0's result unless disabled");
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> scheduler(Map.of("predict_x0", false)));
        assertTrue(e.getMessage().contains("predict_x0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> scheduler(Map.of("solver_order", 3)));
        assertThrows(IllegalArgumentException.class, () -> scheduler(Map.of("use_flow_sigmas", true)));
        assertThrows(IllegalArgumentException.class, () -> scheduler(Map.of("final_sigmas_type", "one")));
        UniPcMultistepScheduler s = scheduler(Map.of());
        assertThrows(IllegalStateException.class, () -> s.setBeginIndex(0));
    }

    @Test
    void sd15ConfigThroughTheFactoryReproducesDiffusers() throws Exception {
        SUITE.checkSd15ThroughFactory("unipc", "linspace_epsilon_10", "UniPCMultistepScheduler", UniPcMultistepScheduler.class);
    }

    @AfterAll
    static void report() {
        SUITE.report();
    }

    private static UniPcMultistepScheduler scheduler(Map<String, Object> extra) {
        return SUITE.scheduler(extra);
    }
}
