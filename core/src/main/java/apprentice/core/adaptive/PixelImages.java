package apprentice.core.adaptive;

import apprentice.core.image.Images;
import apprentice.core.tensor.Tensor;

/** Pixel-space helpers of the adaptive loop. */
public final class PixelImages {
    private PixelImages() {
    }

    /**
     * The image as a saved 8-bit PNG would give it back: clamp, round to bytes as diffusers' postprocessing does,
     * and normalise again as its preprocessing does. The teacher refines exactly what a user would see of the draft
     * (the paper's code hands the student's PIL image to the refiner).
     */
    public static Tensor quantise(Tensor images) {
        float[] src = images.data();
        float[] out = new float[src.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = 2f * (Images.toByte(src[i]) / 255f) - 1f;
        }
        return new Tensor(images.shape(), out);
    }
}
