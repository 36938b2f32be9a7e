package apprentice.core.adaptive;

import apprentice.core.pipeline.CancellationToken;
import apprentice.core.pipeline.DiffusionPipeline;
import apprentice.core.pipeline.GenerationRequest;
import apprentice.core.pipeline.GenerationResult;
import apprentice.core.pipeline.ProgressListener;
import apprentice.core.tensor.Tensor;
import java.util.List;
import java.util.Objects;

/** The student's drafts with exactly the recorded settings (shared by calibration and generation, so they cannot drift apart). */
public final class StudentStage {
    private final DiffusionPipeline pipeline;
    private final StudentSettings settings;
    private final ControlCondition control;

    public StudentStage(DiffusionPipeline pipeline, StudentSettings settings) {
        this(pipeline, settings, null);
    }

    /** @param control ControlNet conditioning for every request of this stage, or null (the pipeline must have a ControlNet) */
    public StudentStage(DiffusionPipeline pipeline, StudentSettings settings, ControlCondition control) {
        this.pipeline = Objects.requireNonNull(pipeline, "student pipeline");
        this.settings = Objects.requireNonNull(settings, "student settings");
        this.control = control;
        if (control != null && !pipeline.hasControlNet()) {
            throw new IllegalArgumentException("a control image was given but the student pipeline has no ControlNet");
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

    public StudentSettings settings() {
        return settings;
    }

    /**
     * One draft per (prompt, seed) pair.
     *
     * @param input for editing: the user's image {@code [1 or B, 3, H, W]}; null for text-to-image
     */
    public GenerationResult draw(List<String> prompts, List<Long> seeds, Tensor input, CancellationToken cancel) {
        GenerationRequest.Builder b = GenerationRequest.builder().prompts(prompts).seeds(seeds)
                .steps(settings.steps()).guidanceScale(settings.guidanceScale()).scheduler(settings.scheduler())
                .negativePrompt(settings.negativePrompt());
        if (settings.isEdit()) {
            if (input == null) {
                throw new IllegalArgumentException("the student settings are for editing (strength " + settings.strength()
                        + ") but no input image was given");
            }
            b.initImage(input).strength(settings.strength());
        } else {
            if (input != null) {
                throw new IllegalArgumentException("an input image was given but the student settings are for text-to-image: "
                        + "set an edit strength");
            }
            b.size(settings.width(), settings.height());
        }
        return pipeline.generate(controlled(b).build(), ProgressListener.NONE, cancel);
    }
}
