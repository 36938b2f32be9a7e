package apprentice.core.adaptive;

import java.util.Locale;

/**
 * The cost model of the adaptive loop, in UNet evaluations per image (NFE; a CFG step with the doubled batch
 * counts once): {@code avgNFE = studentNFE + k/100 · teacherNFE}, where studentNFE is the student's steps
 * times best-of, and teacherNFE the steps the teacher actually runs ({@link TeacherSettings#stepsRun} for
 * refinement, n for regeneration; in auto mode the kLow share is regenerated, the rest of k refined).
 */
public final class Budget {
    private Budget() {
    }

    /**
     * Student NFE per image. For edits the estimate is {@code int(steps·strength)} (diffusers' get_timesteps); a true
     * LCM student (LCM scheduler + timestep_cond) runs all its steps from strength·T instead: the records always carry
     * the counts actually run.
     */
    public static int studentNfe(StudentSettings s) {
        int perDraft = s.isEdit() ? Math.min((int) (s.steps() * s.strength()), s.steps()) : s.steps();
        return perDraft * s.bestOf();
    }

    /** Teacher NFE of one refined image. */
    public static int refineNfe(TeacherSettings t) {
        return TeacherSettings.stepsRun(t.steps(), t.refineStrength());
    }

    /** Expected average NFE for share k (percent), kLow of which are regenerated (NaN: none, or all when mode is REGENERATE). */
    public static double averageNfe(StudentSettings s, TeacherSettings t, TeacherMode mode, double k, double kLow) {
        Gate.checkK(k, "k");
        double student = studentNfe(s);
        return switch (mode) {
            case REFINE -> student + k / 100.0 * refineNfe(t);
            case REGENERATE -> student + k / 100.0 * t.steps();
            case AUTO -> student + (k - low(kLow)) / 100.0 * refineNfe(t) + low(kLow) / 100.0 * t.steps();
        };
    }

    private static double low(double kLow) {
        return Double.isNaN(kLow) ? 0 : kLow;
    }

    /**
     * The k that gives an average of {@code targetNfe}, solving {@link #averageNfe} for k.
     *
     * @throws IllegalArgumentException when the target is not reachable with 0 &lt; k &lt; 100, naming the reachable range
     */
    public static double kForTargetNfe(double targetNfe, StudentSettings s, TeacherSettings t, TeacherMode mode, double kLow) {
        double student = studentNfe(s);
        double refine = refineNfe(t);
        double regen = t.steps();
        double k;
        double max;
        switch (mode) {
            case REFINE -> {
                k = 100.0 * (targetNfe - student) / refine;
                max = student + refine;
            }
            case REGENERATE -> {
                k = 100.0 * (targetNfe - student) / regen;
                max = student + regen;
            }
            default -> {
                double l = low(kLow);
                k = l + 100.0 * (targetNfe - student - l / 100.0 * regen) / refine;
                max = student + (100 - l) / 100.0 * refine + l / 100.0 * regen;
            }
        }
        if (!(k > 0 && k < 100) || (mode == TeacherMode.AUTO && !Double.isNaN(kLow) && k <= kLow)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "target average NFE %.2f is not reachable: the student alone costs %.0f UNet evaluations per image and "
                            + "sending every image to the teacher %.2f; give a target strictly between them (or change steps)",
                    targetNfe, student, max));
        }
        return k;
    }
}
