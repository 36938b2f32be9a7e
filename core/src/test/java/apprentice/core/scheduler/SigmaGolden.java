package apprentice.core.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import apprentice.core.tensor.Tensor;
import java.util.Arrays;
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
     * The img2img entries: for each (steps, strength), the scheduler's timesteps from the recorded t_start are
     * the recorded ones, and add_noise after set_begin_index gives the recorded noised latent; then the recorded
     * 10-step strength-0.5 trajectory, teacher-forced and free-running.
     *
     * @param tStartOf the img2img logic under test: (num_inference_steps, strength) to t_start
     */
    static double checkImg2Img(SchedulerGolden golden, Function<SchedulerConfig, ? extends Scheduler> factory,
            TStart tStartOf) {
        SchedulerConfig config = golden.img2imgConfig();
        double worst = 0;
        for (SchedulerGolden.GetTimesteps g : golden.img2imgGetTimesteps()) {
            String label = golden.fileName() + " img2img n=" + g.numInferenceSteps() + " strength=" + g.strength();
            Scheduler s = factory.apply(config);
            s.setTimesteps(g.numInferenceSteps());
            int tStart = tStartOf.tStart(g.numInferenceSteps(), g.strength());
            assertEquals(g.tStart(), tStart, label + ": t_start");
            double[] tail = tail(s.timesteps(), tStart * s.order());
            SchedulerGolden.assertTimesteps(g.timesteps(), tail, isWhole(g.timesteps()), label);
            assertEquals(g.effectiveNumInferenceSteps(), tail.length, label + ": effective steps");
            assertEquals(g.beginIndex(), Integer.valueOf(tStart * s.order()), label + ": begin_index");
            s.setBeginIndex(g.beginIndex());
            Tensor noised = s.addNoise(golden.imageLatent(), golden.baseLatent(), g.latentTimestep());
            worst = Math.max(worst, SchedulerGolden.assertClose(g.noisedImageLatent(), noised.data(),
                    label + ": noised_image_latent"));
        }
        SchedulerGolden.Img2ImgTrajectory tr = golden.img2imgTrajectory();
        int tStart = tStartOf.tStart(tr.numInferenceSteps(), tr.strength());
        assertEquals(tr.tStart(), tStart, "trajectory t_start");
        return Math.max(worst, golden.checkRun(golden.fileName() + " img2img trajectory", () -> {
            Scheduler s = factory.apply(config);
            s.setTimesteps(tr.numInferenceSteps());
            s.setBeginIndex(tStart * s.order());
            return s;
        }, s -> {
            double[] tail = tail(s.timesteps(), tStart * s.order());
            assertArrayEquals(tr.timesteps(), tail, 1e-3, "trajectory timesteps");
            return tail;
        }, tr.run()));
    }

    /** The img2img rule that turns (steps, strength) into the first retained step. */
    interface TStart {
        int tStart(int numInferenceSteps, double strength);
    }

    private static double[] tail(double[] ts, int from) {
        return Arrays.copyOfRange(ts, from, ts.length);
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
