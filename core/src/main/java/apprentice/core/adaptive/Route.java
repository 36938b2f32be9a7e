package apprentice.core.adaptive;

import java.util.Locale;

/** What happened to one image. */
public enum Route {
    /** The student's draft scored at least τ and was kept. */
    KEPT,
    /** The draft scored below τ; the teacher refined it (SDEdit from the draft). */
    REFINED,
    /** The draft scored below τ (in auto mode: below the lower threshold); the teacher drew a new image from fresh seeded noise. */
    REGENERATED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
