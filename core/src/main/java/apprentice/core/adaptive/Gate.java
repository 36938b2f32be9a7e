package apprentice.core.adaptive;

/**
 * Decides, draft by draft in stream order, whether the teacher gets it. A gate may learn from the scores it
 * sees (the online gate), so call {@link #decide} once per image, in order.
 */
public interface Gate {

    /** Verdict on one draft. */
    enum Verdict {
        /** score ≥ τ: keep the draft. */
        KEEP,
        /** τ_low ≤ score &lt; τ (or no lower threshold): send to the teacher. */
        TEACHER,
        /** score &lt; τ_low: send to the teacher; in auto mode regenerate rather than refine. */
        TEACHER_LOW
    }

    /**
     * @param verdict the decision
     * @param tau the threshold the score was compared with
     * @param tauLow the lower threshold, NaN when there is none
     * @param k the share (percent) of drafts meant for the teacher that τ stands for
     */
    record Decision(Verdict verdict, double tau, double tauLow, double k) {
        public boolean toTeacher() {
            return verdict != Verdict.KEEP;
        }
    }

    Decision decide(double score);

    /** "calibrated", "fixed" or "online": recorded with every image. */
    String kind();

    /** Whether the gate has a lower threshold (needed for {@link TeacherMode#AUTO}). */
    boolean hasLowerThreshold();

    /** Checks that k is a share strictly between 0 and 100 percent. */
    static double checkK(double k, String what) {
        if (!(k > 0 && k < 100)) {
            throw new IllegalArgumentException(what + " is " + k + ": it is the percentage of drafts sent to the teacher and must be "
                    + "strictly between 0 and 100 (0 would never use the teacher, 100 always: run the student or the teacher alone)");
        }
        return k;
    }
}
