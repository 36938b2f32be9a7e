package apprentice.core.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import apprentice.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Checks specific to the sigma-based schedulers (Euler, Euler ancestral, DPM-Solver++, UniPC) on top of
 * {@link SchedulerGolden}: their σ schedule, and the img2img entries (retained timesteps, add_noise after
 * set_begin_index, and the img2img trajectory).
 *
 * <p>An instance binds one golden file to one scheduler class and runs the checks that the four sigma-family
 * golden tests share (trajectories, add_noise, img2img, the documented grid, SD 1.5 through the factory),
 * keeping the worst relative error seen for the report printed after the class.
 */
final class SigmaGolden<S extends Scheduler> {
    /** The golden config every hand-built scheduler starts from. */
    private static final String BASE_CONFIG = "linspace_epsilon";
    final SchedulerGolden golden;
    private final Function<SchedulerConfig, S> factory;
    private final Function<S, float[]> sigmas;
    private double worst;

    SigmaGolden(String fileName, Function<SchedulerConfig, S> factory, Function<S, float[]> sigmas) {
        this.golden = SchedulerGolden.load(fileName);
        this.factory = factory;
        this.sigmas = sigmas;
    }

    /** The ids of the golden cases, for a {@code @MethodSource}. */
    Stream<String> caseIds() {
        return golden.cases().stream().map(SchedulerGolden.Case::id);
    }

    /** One golden trajectory, σ included. */
    void checkCase(String id) {
        record(checkCase(golden, factory, sigmas, golden.caseById(id)));
    }

    /** Every add_noise entry, after checking that the file holds {@code expectedCount} of them. */
    void checkAddNoise(int expectedCount) {
        assertEquals(expectedCount, golden.addNoise().size());
        for (SchedulerGolden.AddNoiseCase a : golden.addNoise()) {
            record(golden.checkAddNoise(factory, a));
        }
    }

    void checkImg2Img() {
        record(checkImg2Img(golden, factory));
    }

    /** The file holds the documented number of cases and was recorded from {@code diffusersClass}. */
    void checkDocumentedGrid(int expectedCases, String diffusersClass) {
        assertEquals(expectedCases, golden.cases().size());
        assertEquals(diffusersClass, golden.schedulerClass());
    }

    /**
     * SD 1.5's PNDM config sets no timestep_spacing: switched to this class by {@code factoryName} it runs the
     * class default "linspace", exactly the golden linspace config, so {@code caseId} must match; and the
     * golden config named by its own {@code _class_name} builds {@code type}.
     */
    void checkSd15ThroughFactory(String factoryName, String caseId, String diffusersClass, Class<S> type)
            throws Exception {
        SchedulerConfig sd = SchedulerConfig.read(Path.of(
                SigmaGolden.class.getResource("/scheduler/sd15_scheduler_config.json").toURI()));
        golden.checkCase(c -> Schedulers.create(factoryName, sd), golden.caseById(caseId));
        SchedulerConfig own = golden.config(BASE_CONFIG).with(Map.of("_class_name", diffusersClass));
        assertEquals(type, Schedulers.create(own).getClass());
    }

    /** A scheduler from the golden linspace/epsilon config with {@code extra} entries on top. */
    S scheduler(Map<String, Object> extra) {
        Map<String, Object> m = new HashMap<>(golden.config(BASE_CONFIG).asMap());
        m.putAll(extra);
        return factory.apply(new SchedulerConfig(m));
    }

    /** Prints the worst relative error of all checks run so far (for an {@code @AfterAll}). */
    void report() {
        System.out.println("[golden] " + golden.fileName() + ": max relative error " + worst);
    }

    private synchronized void record(double e) {
        worst = Math.max(worst, e);
    }

    /** {@link SchedulerGolden#checkCase} plus the recorded σ (n+1 values ending in 0); returns the worst error. */
    static <T extends Scheduler> double checkCase(SchedulerGolden golden, Function<SchedulerConfig, T> factory,
            Function<T, float[]> sigmas, SchedulerGolden.Case c) {
        T s = factory.apply(c.config());
        s.setTimesteps(c.numInferenceSteps());
        float[] expected = toFloats(c.sigmas());
        double worst = SchedulerGolden.assertClose(expected, sigmas.apply(s), golden.fileName() + " " + c.id() + ": sigmas");
        assertEquals(0f, expected[expected.length - 1], "golden sigmas end at 0 (final_sigmas_type zero)");
        return Math.max(worst, golden.checkCase(factory, c));
    }

    /**
     * The img2img entries through {@link Img2ImgTimesteps} (diffusers' get_timesteps): for each (steps,
     * strength) the retained timesteps, t_start and begin index are the recorded ones, and add_noise after
     * set_begin_index gives the recorded noised latent; then the recorded 10-step strength-0.5 trajectory,
     * teacher-forced and free-running.
     */
    static double checkImg2Img(SchedulerGolden golden, Function<SchedulerConfig, ? extends Scheduler> factory) {
        SchedulerConfig config = golden.img2imgConfig();
        double worst = 0;
        for (SchedulerGolden.GetTimesteps g : golden.img2imgGetTimesteps()) {
            String label = golden.fileName() + " img2img n=" + g.numInferenceSteps() + " strength=" + g.strength();
            Scheduler s = factory.apply(config);
            Img2ImgTimesteps r = Img2ImgTimesteps.prepare(s, g.numInferenceSteps(), g.strength());
            assertEquals(g.initTimestep(), r.initTimestep(), label + ": init_timestep");
            assertEquals(g.tStart(), r.tStart(), label + ": t_start");
            SchedulerGolden.assertTimesteps(g.timesteps(), r.timesteps(), isWhole(g.timesteps()), label);
            assertEquals(g.effectiveNumInferenceSteps(), r.effectiveSteps(), label + ": effective steps");
            assertEquals(g.beginIndex(), Integer.valueOf(r.beginIndex()), label + ": begin_index");
            assertEquals(g.latentTimestep(), r.latentTimestep(), 1e-3, label + ": latent_timestep");
            Tensor noised = s.addNoise(golden.imageLatent(), golden.baseLatent(), r.latentTimestep());
            worst = Math.max(worst, SchedulerGolden.assertClose(g.noisedImageLatent(), noised.data(),
                    label + ": noised_image_latent"));
        }
        SchedulerGolden.Img2ImgTrajectory tr = golden.img2imgTrajectory();
        return Math.max(worst, golden.checkRun(golden.fileName() + " img2img trajectory", () -> {
            Scheduler s = factory.apply(config);
            Img2ImgTimesteps r = Img2ImgTimesteps.prepare(s, tr.numInferenceSteps(), tr.strength());
            assertEquals(tr.tStart(), r.tStart(), "trajectory t_start");
            return s;
        }, s -> {
            double[] tail = Img2ImgTimesteps.select(s.timesteps(), s.order(), tr.numInferenceSteps(), tr.strength())
                    .timesteps();
            assertArrayEquals(tr.timesteps(), tail, 1e-3, "trajectory timesteps");
            return tail;
        }, tr.run()));
    }

    private static boolean isWhole(double[] ts) {
        for (double t : ts) {
            if (t != Math.rint(t)) {
                return false;
            }
        }
        return true;
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
