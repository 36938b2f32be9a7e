package apprentice.core.adaptive;

import apprentice.core.tensor.Tensor;

/**
 * One finished image of an adaptive run.
 *
 * @param image {@code [1, 3, H, W]} in about [-1, 1] (the kept draft or the teacher's output)
 * @param record what happened to it
 */
public record AdaptiveImage(Tensor image, AdaptiveRecord record) {
}
