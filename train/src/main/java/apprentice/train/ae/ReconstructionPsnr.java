package apprentice.train.ae;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Validation PSNR of reconstructions, accumulated batch by batch: the mean of per-image PSNRs and the
 * PSNR of the pooled MSE, both on the [0, 1] pixel scale. The export and the decoder fine-tune report
 * the same numbers through this one class.
 */
public final class ReconstructionPsnr {
    private double psnrSum;
    private double mseSum;
    private int images;

    /** Adds a batch: reconstructions (clipped to [-1, 1] here) and originals, both [N, 3, H, W] in [-1, 1]. */
    public void add(NDArray recon, NDArray images) {
        long n = images.getShape().get(0);
        float[] mse = recon.clip(-1f, 1f).sub(images).square().reshape(n, -1).mean(new int[] {1}).toFloatArray();
        for (float m : mse) {
            // images in [-1, 1]: the MSE on [0, 1] is a quarter of it
            double mse01 = m / 4.0;
            psnrSum += 10 * Math.log10(1.0 / mse01);
            mseSum += mse01;
            this.images++;
        }
    }

    public int images() {
        return images;
    }

    public double meanPsnrDb() {
        return psnrSum / images;
    }

    public double pooledPsnrDb() {
        return 10 * Math.log10(1.0 / (mseSum / images));
    }

    /** {"validationImages", "meanPsnrDb", "pooledPsnrDb"}: the layout of every stage's metrics.json for the VAE. */
    public ObjectNode toJson() {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("validationImages", images);
        o.put("meanPsnrDb", meanPsnrDb());
        o.put("pooledPsnrDb", pooledPsnrDb());
        return o;
    }
}
