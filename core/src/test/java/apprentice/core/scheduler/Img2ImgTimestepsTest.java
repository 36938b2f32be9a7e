package apprentice.core.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.tensor.Tensor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * StableDiffusionImg2ImgPipeline.get_timesteps against every golden file whose scheduler class
 * {@link Schedulers} builds. Each file's img2img block uses its class's SD-style config.
 */
class Img2ImgTimestepsTest {
    private static final Map<String, SchedulerGolden> LOADED = new ConcurrentHashMap<>();

    private static SchedulerGolden golden(String file) {
        return LOADED.computeIfAbsent(file, SchedulerGolden::load);
    }

    static Stream<String> goldenFiles() {
        return Stream.of("ddim.json", "euler_discrete.json", "euler_ancestral_discrete.json",
                "dpmsolver_multistep.json", "lcm.json", "unipc_multistep.json");
    }

    private static Scheduler fresh(SchedulerGolden g) {
        return Schedulers.create(g.img2imgConfig().with(Map.of("_class_name", g.schedulerClass())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenFiles")
    void getTimestepsMatchesDiffusers(String file) {
        SchedulerGolden g = golden(file);
        assertEquals(12, g.img2imgGetTimesteps().size());
        for (SchedulerGolden.GetTimesteps e : g.img2imgGetTimesteps()) {
            String at = file + " n=" + e.numInferenceSteps() + " strength=" + e.strength();
            Scheduler s = fresh(g);
            Img2ImgTimesteps r = Img2ImgTimesteps.prepare(s, e.numInferenceSteps(), e.strength());
            assertEquals(e.initTimestep(), r.initTimestep(), at + ": init_timestep");
            assertEquals(e.tStart(), r.tStart(), at + ": t_start");
            assertEquals(e.effectiveNumInferenceSteps(), r.effectiveSteps(), at + ": effective steps");
            if (e.beginIndex() != null) {
                assertEquals(e.beginIndex().intValue(), r.beginIndex(), at + ": begin_index");
            }
            SchedulerGolden.assertTimesteps(e.timesteps(), r.timesteps(), g.cases().get(0).integerTimesteps(), at);
            assertEquals(e.latentTimestep(), r.latentTimestep(), SchedulerGolden.FLOAT_TIMESTEP_TOL, at + ": latent timestep");
            // noised after set_begin_index, as the pipeline does
            Tensor noised = s.addNoise(g.imageLatent(), g.baseLatent(), r.latentTimestep());
            SchedulerGolden.assertClose(e.noisedImageLatent(), noised.data(), at + ": noised_image_latent");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenFiles")
    void trajectoryMatchesDiffusers(String file) {
        SchedulerGolden g = golden(file);
        SchedulerGolden.Img2ImgTrajectory tr = g.img2imgTrajectory();
        Scheduler probe = fresh(g);
        Img2ImgTimesteps r = Img2ImgTimesteps.prepare(probe, tr.numInferenceSteps(), tr.strength());
        assertEquals(tr.tStart(), r.tStart());
        Tensor start = probe.addNoise(g.imageLatent(), g.baseLatent(), r.latentTimestep());
        SchedulerGolden.assertClose(tr.run().initialLatents(), start.data(), file + " trajectory initial latents");
        g.checkRun(file + " img2img trajectory", () -> {
            Scheduler s = fresh(g);
            Img2ImgTimesteps.prepare(s, tr.numInferenceSteps(), tr.strength());
            return s;
        }, s -> Img2ImgTimesteps.select(s.timesteps(), s.order(), tr.numInferenceSteps(), tr.strength()).timesteps(),
                tr.run());
    }

    @Test
    void lcmOwnImg2ImgScheduleRunsAllStepsFromTheStrengthPoint() {
        SchedulerGolden g = golden("lcm.json");
        for (SchedulerGolden.LcmStrengthSchedule e : g.lcmSetTimestepsWithStrength()) {
            LcmScheduler s = new LcmScheduler(g.config("epsilon"));
            Img2ImgTimesteps r = Img2ImgTimesteps.prepareLcm(s, e.numInferenceSteps(), e.strength());
            assertArrayEquals(e.timesteps(), r.timesteps());
            assertEquals(e.numInferenceSteps(), r.effectiveSteps());
            assertEquals(0, r.beginIndex());
            assertEquals(e.timesteps()[0], r.latentTimestep());
        }
        assertTrue(Img2ImgTimesteps.prepareLcm(new LcmScheduler(g.config("epsilon")), 4, 0.0).isEmpty());
    }

    @Test
    void strengthZeroKeepsNoStepAndHasNoLatentTimestep() {
        Scheduler s = new DdimScheduler(golden("ddim.json").config("leading_epsilon"));
        Img2ImgTimesteps r = Img2ImgTimesteps.prepare(s, 10, 0.0);
        assertTrue(r.isEmpty());
        assertEquals(0, r.effectiveSteps());
        assertEquals(10, r.tStart());
        IllegalStateException e = assertThrows(IllegalStateException.class, r::latentTimestep);
        assertTrue(e.getMessage().contains("decode the input latent"), e.getMessage());
    }

    @Test
    void strengthTruncatesLikePythonInt() {
        double[] all = {900, 800, 700, 600, 500, 400, 300, 200, 100, 0};
        // 10·0.29 = 2.9 -> 2 steps kept; 10·0.7 = 7.000000000000001 -> 7
        assertArrayEquals(new double[] {100, 0}, Img2ImgTimesteps.select(all, 1, 10, 0.29).timesteps());
        assertEquals(7, Img2ImgTimesteps.select(all, 1, 10, 0.7).effectiveSteps());
        assertEquals(10, Img2ImgTimesteps.select(all, 1, 10, 1.0).timesteps().length);
    }

    @Test
    void higherOrderSchedulersSkipOrderTimesPerStep() {
        // a 2nd-order schedule lists each step's timesteps twice: t_start·order entries are skipped
        double[] all = {9, 9, 8, 8, 7, 7, 6, 6};
        Img2ImgTimesteps r = Img2ImgTimesteps.select(all, 2, 4, 0.5);
        assertEquals(2, r.tStart());
        assertEquals(4, r.beginIndex());
        assertEquals(2, r.effectiveSteps());
        assertArrayEquals(new double[] {7, 7, 6, 6}, r.timesteps());
    }

    @Test
    void strengthOutsideUnitIntervalIsRejected() {
        Scheduler s = new DdimScheduler(golden("ddim.json").config("leading_epsilon"));
        for (double bad : new double[] {-0.1, 1.01, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Img2ImgTimesteps.prepare(s, 10, bad));
            assertTrue(e.getMessage().contains("strength"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Img2ImgTimesteps.select(new double[0], 1, 0, 0.5));
    }
}
