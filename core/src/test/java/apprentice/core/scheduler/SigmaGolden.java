package apprentice.core.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import apprentice.core.tensor.Tensor;
import java.util.function.Function;

/**
 * Checks specific to the sigma-based schedulers (Euler, Euler ancestral, DPM-Solver++, UniPC) on top of
 * {@link SchedulerGolden}: their σ schedule, and the img2img entries (retained timesteps, add_noise after
 * set_begin_index, and the img2img trajectory).
 */
final class SigmaGolden {
    private SigmaGolden() {
    }

    /** {@link SchedulerGolden#checkCase} plus the recorded σ (n+1 values ending in 0); returns the worst error. */
    static <S extends Scheduler> double checkCase(SchedulerGolden golden, Function<SchedulerConfig, S> factory,
            Function<S, float[]> sigmas, SchedulerGolden.Case c) {
        S s = factory.apply(c.config());
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
