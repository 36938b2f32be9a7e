package apprentice.train.diffusion;

/**
 * LCM's guidance-scale embedding ({@code get_guidance_scale_embedding} in diffusers' LCM pipeline):
 * w' = 1000·w, frequencies exp(−ln(10000)·i/(half−1)), output [sin(w'·f), cos(w'·f)], where the
 * pipeline passes w = guidance_scale − 1. Computed on the host and fed as {@code timestep_cond}.
 */
public final class GuidanceEmbedding {
    private GuidanceEmbedding() {
    }

    public static float[] embed(float w, int dim) {
        int half = dim / 2;
        double scale = Math.log(10000.0) / (half - 1);
        float[] out = new float[dim];
        float ws = w * 1000f;
        for (int i = 0; i < half; i++) {
            float freq = (float) Math.exp(i * -scale);
            out[i] = (float) Math.sin(ws * freq);
            out[half + i] = (float) Math.cos(ws * freq);
        }
        return out;
    }
}
