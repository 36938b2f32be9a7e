package apprentice.app.serve;

import java.util.Locale;

/** Who draws a job's image. */
public enum Mode {
    /** The few-step student alone: its draft is the answer. */
    STUDENT,
    /** The teacher alone, from noise (or, for an edit, its own SDEdit of the input). */
    TEACHER,
    /** Student draft, oracle score, and the teacher only for drafts scoring under τ. */
    ADAPTIVE;

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
