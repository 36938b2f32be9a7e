package apprentice.core.scheduler;

import apprentice.core.tensor.Tensor;
import java.util.Arrays;

/** Element-wise helpers for the sigma-based schedulers (computed in double, stored as float32). */
final class SampleMath {
    private SampleMath() {
    }

    /** Rejects a model output whose shape is not the sample's. */
    static void requireSameShape(Tensor modelOutput, Tensor sample, String scheduler) {
        requireSameShape(modelOutput, "model output", sample, "sample", scheduler);
    }

    static void requireSameShape(Tensor a, String aName, Tensor b, String bName, String scheduler) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(scheduler + ": " + aName + " shape " + Arrays.toString(a.shape())
                    + " differs from " + bName + " shape " + Arrays.toString(b.shape())
                    + ": pass tensors of the same shape");
        }
    }

    /** {@code a·x + b·y}, element-wise. */
    static Tensor combine(Tensor x, double a, Tensor y, double b, String scheduler) {
        requireSameShape(y, "noise", x, "original sample", scheduler);
        float[] xs = x.data();
        float[] ys = y.data();
        float[] out = new float[xs.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (a * xs[i] + b * ys[i]);
        }
        return new Tensor(x.shape(), out);
    }
}
