package apprentice.app.serve;

import java.util.Locale;

/** What the teacher does with a rejected draft. */
public enum TeacherAction {
    /** SDEdit from the draft at the refine strength (diffusers' img2img convention). */
    REFINE,
    /** A fresh image from new seeded noise. */
    REGENERATE;

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
