package apprentice.core.adaptive;

import apprentice.core.pipeline.CancellationToken;
import apprentice.core.pipeline.DiffusionPipeline;
import apprentice.core.pipeline.GenerationRequest;
import apprentice.core.pipeline.GenerationResult;
import apprentice.core.pipeline.ProgressListener;
import apprentice.core.tensor.Tensor;
import java.util.List;
import java.util.Objects;

/** The teacher's two ways to improve rejected drafts: refinement (SDEdit from the draft) and regeneration. */
public final class TeacherStage {
    private final DiffusionPipeline pipeline;
    private final TeacherSettings settings;
    private final ControlCondition control;

    public TeacherStage(DiffusionPipeline pipeline, TeacherSettings settings) {
        this(pipeline, settings, null);
    }

    /** @param control ControlNet conditioning for every request of this stage, or null (the pipeline must have a ControlNet) */
    public TeacherStage(DiffusionPipeline pipeline, TeacherSettings settings, ControlCondition control) {
        this.pipeline = Objects.requireNonNull(pipeline, "teacher pipeline");
        this.settings = Objects.requireNonNull(settings, "teacher settings");
        this.control = control;
        if (control != null && !pipeline.hasControlNet()) {
            throw new IllegalArgumentException("a control image was given but the teacher pipeline has no ControlNet");
        }
    }

    /** The ControlNet conditioning, or null. */
    public ControlCondition control() {
        return control;
    }

    private GenerationRequest.Builder controlled(GenerationRequest.Builder b) {
        return control == null ? b : b.controlImage(control.image()).controlScale(control.scale())
                .controlGuidance(control.start(), control.end());
    }

    public TeacherSettings settings() {
        return settings;
    }

    /**
     * SDEdit of the drafts at {@code refineStrength} (diffusers' img2img convention), the scheduler asked for
     * {@code int(n/σ + 1)} steps so that about n run; image i's posterior sample and noise come from
     * {@code seeds.get(i)}.
     */
    public GenerationResult refine(List<String> prompts, Tensor drafts, List<Long> seeds, CancellationToken cancel) {
        return img2img(prompts, drafts, seeds, settings.refineStrength(), cancel);
    }

    /** A new image from fresh noise drawn from each image's seed, n steps. */
    public GenerationResult regenerate(List<String> prompts, List<Long> seeds, int width, int height, CancellationToken cancel) {
        GenerationRequest r = base(prompts, seeds).steps(settings.steps()).size(width, height).build();
        return pipeline.generate(r, ProgressListener.NONE, cancel);
    }

    /** Editing's regeneration: the teacher's own SDEdit of the user's image at the edit strength. */
    public GenerationResult regenerateEdit(List<String> prompts, Tensor input, List<Long> seeds, double strength,
                                           CancellationToken cancel) {
        return img2img(prompts, input, seeds, strength, cancel);
    }

    private GenerationResult img2img(List<String> prompts, Tensor init, List<Long> seeds, double strength, CancellationToken cancel) {
        GenerationRequest r = base(prompts, seeds).steps(TeacherSettings.requestedSteps(settings.steps(), strength))
                .initImage(init).strength(strength).build();
        return pipeline.generate(r, ProgressListener.NONE, cancel);
    }

    private GenerationRequest.Builder base(List<String> prompts, List<Long> seeds) {
        return controlled(GenerationRequest.builder().prompts(prompts).seeds(seeds).guidanceScale(settings.guidanceScale())
                .scheduler(settings.scheduler()).negativePrompt(settings.negativePrompt()));
    }
}
