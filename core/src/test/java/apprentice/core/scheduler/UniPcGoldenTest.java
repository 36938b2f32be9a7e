package apprentice.core.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class UniPcGoldenTest {
    private static final SchedulerGolden GOLDEN = SchedulerGolden.load("unipc_multistep.json");
    private static double worst;

    static Stream<String> caseIds() {
        return GOLDEN.cases().stream().map(SchedulerGolden.Case::id);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("caseIds")
    void matchesDiffusersTrajectory(String id) {
        record(SigmaGolden.checkCase(GOLDEN, UniPcMultistepScheduler::new, UniPcMultistepScheduler::sigmas,
                GOLDEN.caseById(id)));
    }

    @Test
    void matchesDiffusersAddNoise() {
        assertEquals(3, GOLDEN.addNoise().size());
        for (SchedulerGolden.AddNoiseCase a : GOLDEN.addNoise()) {
            record(GOLDEN.checkAddNoise(UniPcMultistepScheduler::new, a));
        }
    }

    @Test
    void matchesDiffusersImg2Img() {
        record(SigmaGolden.checkImg2Img(GOLDEN, UniPcMultistepScheduler::new));
    }

    @Test
    void goldenFileCoversTheDocumentedGrid() {
        assertEquals(8, GOLDEN.cases().size());
        assertEquals("UniPCMultistepScheduler", GOLDEN.schedulerClass());
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
        // SD 1.5's PNDM config sets no timestep_spacing: switched to this class it runs the class default
        // "linspace", exactly the golden linspace config
        SchedulerConfig sd = SchedulerConfig.read(Path.of(
                getClass().getResource("/scheduler/sd15_scheduler_config.json").toURI()));
        GOLDEN.checkCase(c -> Schedulers.create("unipc", sd), GOLDEN.caseById("linspace_epsilon_10"));
        SchedulerConfig own = GOLDEN.config("linspace_epsilon").with(Map.of("_class_name", "UniPCMultistepScheduler"));
        assertEquals(UniPcMultistepScheduler.class, Schedulers.create(own).getClass());
    }

    @AfterAll
    static void report() {
        System.out.println("[golden] unipc_multistep.json: max relative error " + worst);
    }

    private static void record(double e) {
        synchronized (UniPcGoldenTest.class) {
            worst = Math.max(worst, e);
        }
    }

    private static UniPcMultistepScheduler scheduler(Map<String, Object> extra) {
        Map<String, Object> m = new HashMap<>(GOLDEN.config("linspace_epsilon").asMap());
        m.putAll(extra);
        return new UniPcMultistepScheduler(new SchedulerConfig(m));
    }
}
