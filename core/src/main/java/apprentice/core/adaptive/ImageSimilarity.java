package apprentice.core.adaptive;

import apprentice.core.image.Images;
import apprentice.core.tensor.Tensor;
import java.util.Arrays;

/**
 * How close an edited image stays to its input, in pixel space: PSNR in dB over the 8-bit RGB values as they
 * would be saved ({@code 10·log10(255² / MSE)}; identical images give +∞). Chosen over LPIPS because it needs no
 * network; it measures faithfulness to the input's pixels, not perceptual similarity.
 */
public final class ImageSimilarity {
    private ImageSimilarity() {
    }

    /** PSNR of image {@code ai} of {@code a} against image {@code bi} of {@code b} ({@code [B, 3, H, W]} in [-1, 1]). */
    public static double psnr(Tensor a, int ai, Tensor b, int bi) {
        if (!Arrays.equals(Arrays.copyOfRange(a.shape(), 1, 4), Arrays.copyOfRange(b.shape(), 1, 4))) {
            throw new IllegalArgumentException("cannot compare images of shapes " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()) + ": they must have the same size");
        }
        int per = a.size() / a.dim(0);
        float[] x = a.data();
        float[] y = b.data();
        double sum = 0;
        for (int k = 0; k < per; k++) {
            double d = Images.toByte(x[ai * per + k]) - Images.toByte(y[bi * per + k]);
            sum += d * d;
        }
        double mse = sum / per;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }
}
