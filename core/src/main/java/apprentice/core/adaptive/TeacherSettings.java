package apprentice.core.adaptive;

import java.util.Objects;

/**
 * How the teacher improves rejected drafts.
 *
 * <p><b>Strength convention.</b> {@code refineStrength} σ is diffusers' img2img {@code strength}: the
 * fraction of the teacher scheduler's timesteps that are run; the draft's latent is noised with
 * {@code add_noise} at the first retained timestep. It is <em>not</em> the paper's variance form
 * {@code x_σ = sqrt(1−σ)·x0 + sqrt(σ)·z} (on SD's schedule strength 0.7 starts near t≈700, noise variance
 * ≈0.92, while variance 0.7 is t≈483). To run {@code n} real steps, the teacher is asked for
 * {@code int(n/σ + 1)} steps as the paper's code does; {@code int(N·σ)} of them then run.
 *
 * @param model the teacher model's identity (folder name)
 * @param steps n: the denoising steps the teacher should really run (refinement and regeneration)
 * @param guidanceScale the teacher's classifier-free guidance
 * @param scheduler scheduler short name, or null for the folder's own
 * @param refineStrength σ in (0, 1], diffusers' img2img strength (see above)
 * @param negativePrompt the teacher's negative prompt ("" for none)
 */
public record TeacherSettings(String model, int steps, double guidanceScale, String scheduler, double refineStrength,
                              String negativePrompt) {
    /** How {@code refineStrength} is to be read; written next to every strength in records and files. */
    public static final String STRENGTH_CONVENTION = "diffusers img2img strength (fraction of the teacher's timesteps run)";

    public TeacherSettings {
        Objects.requireNonNull(model, "model");
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        if (steps < 1) {
            throw new IllegalArgumentException("teacher steps is " + steps + ": at least 1 step is needed");
        }
        if (!(refineStrength > 0 && refineStrength <= 1)) {
            throw new IllegalArgumentException("refine strength is " + refineStrength + ": it must be in (0, 1] ("
                    + STRENGTH_CONVENTION + ")");
        }
    }

    /** The step count asked from the scheduler for an SDEdit at strength σ that should run n steps: {@code int(n/σ + 1)}. */
    public static int requestedSteps(int n, double strength) {
        return (int) (n / strength + 1.0);
    }

    /** Steps that then actually run: {@code min(int(N·σ), N)} with N the requested count (diffusers' get_timesteps). */
    public static int stepsRun(int n, double strength) {
        int requested = requestedSteps(n, strength);
        return Math.min((int) (requested * strength), requested);
    }

    public int refineRequestedSteps() {
        return requestedSteps(steps, refineStrength);
    }

    public TeacherSettings withRefineStrength(double s) {
        return new TeacherSettings(model, steps, guidanceScale, scheduler, s, negativePrompt);
    }
}
