package apprentice.core.adaptive;

import apprentice.core.pipeline.CancellationToken;
import apprentice.core.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Adaptive text-guided editing: the student SDEdits the user's image with the edit prompt (strength in diffusers'
 * img2img convention, default {@value #DEFAULT_STRENGTH} as in the paper), the oracle gates the edit, and rejected
 * edits are refined by the teacher from the student's edit (or, in regenerate mode, the teacher SDEdits the input
 * itself). Every record carries the PSNR of the result against the input ({@link ImageSimilarity}) next to the
 * oracle score: a high score with a very low PSNR means the edit drifted away from the input.
 */
public final class AdaptiveEditor {
    public static final double DEFAULT_STRENGTH = 0.6;
    private final AdaptivePipeline pipeline;

    /** @param pipeline an adaptive pipeline whose student settings carry the edit strength ({@link StudentSettings#withStrength}) */
    public AdaptiveEditor(AdaptivePipeline pipeline) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        if (!pipeline.studentSettings().isEdit()) {
            throw new IllegalArgumentException("the editor needs student settings with an edit strength (e.g. "
                    + DEFAULT_STRENGTH + "): use StudentSettings.withStrength");
        }
    }

    /**
     * @param input the image to edit, {@code [1, 3, H, W]} in [-1, 1], H and W those of the student settings
     * @param prompts one edit prompt per output image
     * @param seeds one seed per output image
     */
    public AdaptiveResult edit(Tensor input, List<String> prompts, List<Long> seeds, Gate gate, Consumer<AdaptiveImage> finished,
                               CancellationToken cancel) {
        if (input == null || input.rank() != 4 || input.dim(0) != 1 || input.dim(1) != 3) {
            throw new IllegalArgumentException("the input image has shape " + (input == null ? "null" : Arrays.toString(input.shape()))
                    + ": give one [1, 3, H, W] image in [-1, 1]");
        }
        StudentSettings s = pipeline.studentSettings();
        if (input.dim(2) != s.height() || input.dim(3) != s.width()) {
            throw new IllegalArgumentException("the input image is " + input.dim(3) + "x" + input.dim(2) + " but the settings say "
                    + s.width() + "x" + s.height() + ": resize the image or change the size");
        }
        return pipeline.run(prompts, seeds, input, gate, finished, cancel);
    }

    public Tensor replay(AdaptiveRecord record, Tensor input) {
        return pipeline.replay(record, input);
    }
}
