package apprentice.app.serve;

import apprentice.core.adaptive.DerivedSeeds;
import apprentice.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One image to make, validated. Strengths are diffusers' img2img {@code strength} (the fraction of the
 * scheduler's timesteps that run), never the noise variance.
 *
 * @param mode student, teacher or adaptive
 * @param prompt the text
 * @param negativePrompt "" for none
 * @param seed the image's seed; the teacher's noise comes from {@link #teacherSeed()}
 * @param width pixels, a multiple of the model's VAE factor
 * @param height pixels
 * @param steps student inference steps
 * @param guidance student guidance scale
 * @param k adaptive budget: the percentage of drafts meant for the teacher (τ is the k-th percentile of recent scores)
 * @param teacherSteps denoising steps the teacher really runs
 * @param teacherGuidance the teacher's guidance scale
 * @param refineStrength SDEdit strength of a refinement
 * @param teacherAction refine or regenerate rejected drafts
 * @param initImage editing: the user's image {@code [1, 3, H, W]} in [-1, 1]; null for text-to-image
 * @param editStrength editing: the student's (and a regenerating teacher's) SDEdit strength
 * @param controlImage ControlNet conditioning {@code [1, 3, H, W]} in [0, 1] at the job's size, for both stages; null for none
 * @param controlScale diffusers' {@code controlnet_conditioning_scale}
 */
public record JobSpec(Mode mode, String prompt, String negativePrompt, long seed, int width, int height, int steps,
                      double guidance, double k, int teacherSteps, double teacherGuidance, double refineStrength,
                      TeacherAction teacherAction, Tensor initImage, double editStrength, Tensor controlImage,
                      double controlScale) {

    /** Requests that may share one student call: same size, steps and guidance, and no input image. */
    record BatchKey(int width, int height, int steps, double guidance) {
    }

    /** The micro-batching key, or null when the job must run alone (an edit or a control image is its own input). */
    BatchKey batchKey() {
        return initImage != null || controlImage != null ? null : new BatchKey(width, height, steps, guidance);
    }

    boolean isControlled() {
        return controlImage != null;
    }

    boolean isEdit() {
        return initImage != null;
    }

    /**
     * The seed of the teacher's noise in adaptive mode: the adaptive pipeline's own derivation
     * ({@link DerivedSeeds#teacher}), so a served image replays exactly with {@code AdaptivePipeline.replay}.
     */
    long teacherSeed() {
        return DerivedSeeds.teacher(seed);
    }

    /** The request as echoed back in results and PNG metadata. */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", mode.label());
        m.put("prompt", prompt);
        m.put("negative_prompt", negativePrompt);
        m.put("seed", seed);
        m.put("width", width);
        m.put("height", height);
        m.put("steps", steps);
        m.put("guidance", guidance);
        if (mode == Mode.ADAPTIVE) {
            m.put("k", k);
            m.put("teacher_mode", teacherAction.label());
        }
        if (mode != Mode.STUDENT) {
            m.put("teacher_steps", teacherSteps);
            m.put("teacher_guidance", teacherGuidance);
            if (mode == Mode.ADAPTIVE && teacherAction == TeacherAction.REFINE) {
                m.put("refine_strength", refineStrength);
            }
        }
        if (isEdit()) {
            m.put("edit_strength", editStrength);
        }
        if (isControlled()) {
            m.put("control_scale", controlScale);
        }
        if (isEdit() || (mode == Mode.ADAPTIVE && teacherAction == TeacherAction.REFINE)) {
            m.put("strength_convention", "diffusers img2img strength (fraction of the timesteps run)");
        }
        return m;
    }
}
