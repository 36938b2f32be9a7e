package apprentice.core.pipeline;

import apprentice.core.tensor.Tensor;

/**
 * The LCM guidance-scale embedding fed to a UNet's {@code timestep_cond} input: diffusers'
 * {@code get_guidance_scale_embedding(w, embedding_dim)}, a sinusoidal embedding of {@code 1000·w}
 * ({@code [sin | cos]}, zero-padded when the width is odd), computed in float32 as torch does.
 * The pipelines pass {@code w = guidance_scale − 1}.
 */
public final class GuidanceEmbedding {
    private GuidanceEmbedding() {
    }

    /** {@code [batch, dim]}, every row the embedding of {@code w}. */
    public static Tensor of(double w, int dim, int batch) {
        if (dim < 2) {
            throw new IllegalArgumentException("guidance embedding width is " + dim + ": it must be at least 2");
        }
        float[] row = row(w, dim);
        float[] out = new float[batch * dim];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(row, 0, out, b * dim, dim);
        }
        return new Tensor(new int[] {batch, dim}, out);
    }

    static float[] row(double w, int dim) {
        // torch.tensor(w) is float32; every operation below stays in float32
        float scaled = (float) w * 1000.0f;
        int half = dim / 2;
        float logBase = (float) Math.log(10000.0f);
        float step = half > 1 ? logBase / (float) (half - 1) : Float.POSITIVE_INFINITY;
        float[] out = new float[dim];
        for (int k = 0; k < half; k++) {
            float freq = (float) Math.exp((float) k * -step);
            float arg = scaled * freq;
            out[k] = (float) Math.sin(arg);
            out[half + k] = (float) Math.cos(arg);
        }
        // odd width: diffusers pads one zero column at the end
        return out;
    }
}
