package apprentice.app.evaluate;

/**
 * Names of the images computed once per prompt; every method's curve is derived from them. Text-to-image variants
 * share the prompt's seed s (the same initial noise for student and teacher); best-of candidates j ≥ 1 use
 * {@code DerivedSeeds.candidate(s, j)}; refinements take their noise from {@code DerivedSeeds.teacher} of the refined
 * draft's seed, as the adaptive loop does.
 */
final class Variants {
    private Variants() {
    }

    /** The student's draft with {@code steps} steps from seed s. */
    static String student(int steps) {
        return "student-" + steps;
    }

    /** Best-of candidate j ≥ 1 at the run's student steps (candidate 0 is {@link #student} at those steps). */
    static String candidate(int j) {
        return "candidate-" + j;
    }

    /** The teacher's refinement of the run's draft (candidate 0), {@code steps} steps actually run. */
    static String refine(int steps) {
        return "refine-" + steps;
    }

    /** The teacher's refinement of the best-of-n chosen draft (the run's teacher steps). */
    static final String REFINE_BEST = "refine-best-of";

    /** The teacher from the draft's own initial noise (seed s), the run's teacher steps and scheduler. */
    static final String REGENERATE = "regenerate";

    static String ddim(int steps) {
        return "teacher-ddim-" + steps;
    }

    static String dpm(int steps) {
        return "teacher-dpm-" + steps;
    }

    /** Editing: the student's SDEdit of the input. */
    static final String EDIT_STUDENT = "edit-student";
    /** Editing: the teacher's own SDEdit of the input at the edit strength (editing's regeneration). */
    static final String EDIT_TEACHER = "edit-teacher";
    /** Editing: the teacher's refinement of the student's edit. */
    static final String EDIT_REFINE = "edit-refine";
}
