package apprentice.core.adaptive;

import java.util.Locale;

/** What the teacher does with a rejected draft. */
public enum TeacherMode {
    /** SDEdit from the draft (the paper's choice). */
    REFINE,
    /** A fresh image from new seeded noise. */
    REGENERATE,
    /** Refine drafts scoring in [τ_low, τ), regenerate those below τ_low (very bad drafts are not worth refining). */
    AUTO;

    public static TeacherMode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown teacher mode '" + s + "': use refine, regenerate or auto", e);
        }
    }
}
