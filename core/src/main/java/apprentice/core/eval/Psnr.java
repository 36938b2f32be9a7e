package apprentice.core.eval;

import apprentice.core.tensor.Tensor;
import java.util.Arrays;

/**
 * Peak signal-to-noise ratio of images in [-1, 1] ({@code [B, 3, H, W]}), on the float values (both clamped to
 * [-1, 1], as they would be displayed): {@code 10·log10(2² / MSE)}, i.e. {@code 10·log10(1 / MSE)} on the [0, 1]
 * scale. This is the definition the training export reports ({@code meanPsnrDb}), so the numbers compare.
 * Identical images give +∞ per image.
 */
public final class Psnr {
    private Psnr() {
    }

    /** Mean squared error of each image pair on the [0, 1] scale. */
    public static double[] mse(Tensor reference, Tensor test) {
        if (reference.rank() != 4 || !Arrays.equals(reference.shape(), test.shape())) {
            throw new IllegalArgumentException("PSNR needs two image batches of one shape [B, 3, H, W], got "
                    + Arrays.toString(reference.shape()) + " and " + Arrays.toString(test.shape()));
        }
        int b = reference.dim(0);
        int per = reference.size() / b;
        float[] x = reference.data();
        float[] y = test.data();
        double[] out = new double[b];
        for (int i = 0; i < b; i++) {
            double sum = 0;
            for (int k = i * per; k < (i + 1) * per; k++) {
                // halve the difference: [-1, 1] → [0, 1] scale
                double d = (clamp(x[k]) - clamp(y[k])) / 2;
                sum += d * d;
            }
            out[i] = sum / per;
        }
        return out;
    }

    /** PSNR in dB of each image pair. */
    public static double[] perImage(Tensor reference, Tensor test) {
        double[] m = mse(reference, test);
        double[] out = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = fromMse(m[i]);
        }
        return out;
    }

    /** PSNR in dB for an MSE on the [0, 1] scale (+∞ for 0). */
    public static double fromMse(double mse) {
        if (!(mse >= 0)) {
            throw new IllegalArgumentException("MSE must be >= 0, got " + mse);
        }
        return mse == 0 ? Double.POSITIVE_INFINITY : -10 * Math.log10(mse);
    }

    private static double clamp(float v) {
        if (Float.isNaN(v)) {
            throw new IllegalArgumentException("image contains NaN; the model output is invalid");
        }
        return Math.min(Math.max(v, -1f), 1f);
    }
}
