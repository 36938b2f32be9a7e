package apprentice.train.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NoiseScheduleTest {
    private final NoiseSchedule schedule = new NoiseSchedule();

    @Test
    void snrFallsFromCleanToNoisy() {
        // SD's scaled-linear betas: ᾱ_0 = 1 − 0.00085, so SNR_0 = 0.99915 / 0.00085 ≈ 1175.5
        assertEquals(0.99915 / 0.00085, schedule.snr(0), 0.5);
        for (int t = 1; t < NoiseSchedule.STEPS; t++) {
            assertTrue(schedule.snr(t) < schedule.snr(t - 1), "SNR decreasing at t=" + t);
        }
        assertTrue(schedule.snr(999) < 0.01, "the last step is almost pure noise");
    }

    @Test
    void minSnrWeightIsGammaOverSnrWhereTheSnrExceedsGammaAndOneElsewhere() {
        double gamma = 5;
        assertEquals(gamma / schedule.snr(0), schedule.minSnrWeight(0, gamma), 1e-12);
        assertEquals(1.0, schedule.minSnrWeight(999, gamma), 0.0);
        int crossing = 0;
        while (schedule.snr(crossing) > gamma) {
            crossing++;
        }
        assertTrue(crossing > 50 && crossing < 400, "SNR crosses 5 in the low-noise range, at t=" + crossing);
        assertTrue(schedule.minSnrWeight(crossing - 1, gamma) < 1.0);
        assertEquals(1.0, schedule.minSnrWeight(crossing, gamma), 0.0);
        for (int t = 0; t < NoiseSchedule.STEPS; t++) {
            assertEquals(1.0, schedule.minSnrWeight(t, 0), 0.0, "γ = 0 is plain ε-MSE");
        }
    }

    @Test
    void anSnrFloorLiftsOnlyTheNoisySteps() {
        NoiseSchedule schedule = new NoiseSchedule();
        double gamma = 5, floor = 0.25;
        // at t = 999 (SNR ≈ 0.0047) the x0-space weight is the floor: ε-weight floor / SNR, about 53
        assertEquals(floor / schedule.snr(999), schedule.snrWeight(999, gamma, floor), 1e-9);
        assertTrue(schedule.snrWeight(999, gamma, floor) > 50);
        for (int t = 0; t < 1000; t++) {
            double snr = schedule.snr(t);
            double expected = snr >= floor ? schedule.minSnrWeight(t, gamma) : floor / snr;
            assertEquals(expected, schedule.snrWeight(t, gamma, floor), 1e-9, "t = " + t);
            assertEquals(schedule.minSnrWeight(t, gamma), schedule.snrWeight(t, gamma, 0), 0.0, "no floor, t = " + t);
        }
    }
}
