package apprentice.core.adaptive;

import java.util.Locale;
import java.util.Objects;

/**
 * Everything about how the student draws a draft that changes the distribution of its oracle scores. A
 * calibration is only valid for generation with the same values ({@link CalibrationFile#checkCompatible}).
 *
 * @param model the student model's identity (its folder name)
 * @param steps inference steps requested from the scheduler
 * @param guidanceScale classifier-free guidance (or the LCM guidance embedding's w)
 * @param scheduler scheduler short name, or null for the model folder's own scheduler
 * @param width image width in pixels (resolved, &gt; 0)
 * @param height image height in pixels (resolved, &gt; 0)
 * @param negativePrompt the negative prompt ("" for none)
 * @param bestOf drafts drawn per image with different seeds; the best-scoring one is gated (≥ 1)
 * @param strength NaN for text-to-image; for editing, the student's SDEdit strength in diffusers' img2img
 *                 convention (fraction of the timesteps run)
 */
public record StudentSettings(String model, int steps, double guidanceScale, String scheduler, int width, int height,
                              String negativePrompt, int bestOf, double strength) {

    public StudentSettings {
        Objects.requireNonNull(model, "model");
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        if (steps < 1) {
            throw new IllegalArgumentException("student steps is " + steps + ": at least 1 step is needed");
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("student image size " + width + "×" + height
                    + " is not resolved: give the size (or the model's default size) in pixels");
        }
        if (bestOf < 1) {
            throw new IllegalArgumentException("best-of is " + bestOf + ": draw at least 1 draft per image");
        }
        if (!Double.isNaN(strength) && !(strength > 0 && strength <= 1)) {
            throw new IllegalArgumentException("edit strength is " + strength + ": it must be in (0, 1] (diffusers' img2img "
                    + "strength, the fraction of the timesteps run)");
        }
    }

    /** Text-to-image settings with one draft per image. */
    public static StudentSettings textToImage(String model, int steps, double guidance, String scheduler, int width, int height) {
        return new StudentSettings(model, steps, guidance, scheduler, width, height, "", 1, Double.NaN);
    }

    public StudentSettings withBestOf(int n) {
        return new StudentSettings(model, steps, guidanceScale, scheduler, width, height, negativePrompt, n, strength);
    }

    public StudentSettings withNegativePrompt(String negative) {
        return new StudentSettings(model, steps, guidanceScale, scheduler, width, height, negative, bestOf, strength);
    }

    /** The same settings as an SDEdit of a user image at {@code editStrength}. */
    public StudentSettings withStrength(double editStrength) {
        return new StudentSettings(model, steps, guidanceScale, scheduler, width, height, negativePrompt, bestOf, editStrength);
    }

    public boolean isEdit() {
        return !Double.isNaN(strength);
    }

    /** The scheduler as recorded: its short name, or "model default". */
    public String schedulerLabel() {
        return scheduler == null ? "model default" : scheduler;
    }

    /** Human-readable form of a guidance scale for messages (8.0, 1.5). */
    static String number(double v) {
        return Double.isNaN(v) ? "none" : v == Math.rint(v) ? String.format(Locale.ROOT, "%.1f", v) : Double.toString(v);
    }
}
