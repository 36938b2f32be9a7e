package apprentice.train.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import apprentice.train.ae.AutoencoderConfig;
import apprentice.train.ae.AutoencoderModel;
import apprentice.train.data.EmojiDataset;
import apprentice.train.nn.Checkpoint;
import apprentice.train.nn.ParamStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The VAE posterior (mean, std) of every dataset image, computed once with the trained
 * autoencoder (EMA weights) and stored beside the stage, plus SD's {@code scaling_factor}:
 * 1 / std of the training latents, so scaled latents have unit variance.
 */
public final class LatentCache {
    public static final int C = 4;
    public static final int S = 16;
    private final float[] mean;
    private final float[] std;
    public final float scalingFactor;

    private LatentCache(float[] mean, float[] std, float scalingFactor) {
        this.mean = mean;
        this.std = std;
        this.scalingFactor = scalingFactor;
    }

    public static LatentCache load(EmojiDataset data, Path aeDir, Path cacheFile, PrintStream log) throws IOException {
        return load(data, aeDir, AutoencoderConfig.emoji(), cacheFile, log);
    }

    /**
     * Reads {@code cacheFile} when it exists; otherwise encodes every image with the autoencoder in
     * {@code aeDir} (EMA weights, shape {@code config}) and writes the cache and {@code latents.json} beside it.
     */
    public static LatentCache load(EmojiDataset data, Path aeDir, AutoencoderConfig config, Path cacheFile, PrintStream log)
            throws IOException {
        if (config.latentChannels() != C || data.size() / config.downscaleFactor() != S) {
            throw new IllegalArgumentException("the latent cache holds " + C + "x" + S + "x" + S + " latents; the autoencoder makes "
                    + config.latentChannels() + "x" + data.size() / config.downscaleFactor() + "x" + data.size() / config.downscaleFactor());
        }
        int per = C * S * S;
        int n = data.count();
        if (Files.exists(cacheFile)) {
            try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(cacheFile), 1 << 20))) {
                float sf = in.readFloat();
                float[] mean = new float[n * per];
                float[] std = new float[n * per];
                for (int i = 0; i < mean.length; i++) {
                    mean[i] = in.readFloat();
                }
                for (int i = 0; i < std.length; i++) {
                    std[i] = in.readFloat();
                }
                return new LatentCache(mean, std, sf);
            }
        }
        float[] mean = new float[n * per];
        float[] std = new float[n * per];
        try (NDManager root = NDManager.newBaseManager()) {
            ParamStore ps = new ParamStore(root, 0);
            AutoencoderModel ae = new AutoencoderModel(ps, config);
            Checkpoint.loadWeights(aeDir, ps, true);
            int size = data.size();
            int pixels = 3 * size * size;
            for (int start = 0; start < n; start += 64) {
                int b = Math.min(64, n - start);
                try (NDManager sub = root.newSubManager()) {
                    float[] x = new float[b * pixels];
                    for (int i = 0; i < b; i++) {
                        data.imageChw(start + i, x, i * pixels);
                    }
                    NDList ml = ae.meanLogvar(ae.encode(sub.create(x, new Shape(b, 3, size, size))));
                    System.arraycopy(ml.get(0).toFloatArray(), 0, mean, start * per, b * per);
                    System.arraycopy(ml.get(1).mul(0.5f).exp().toFloatArray(), 0, std, start * per, b * per);
                }
            }
        }
        // std of sampled training latents (mean² + var averaged), as SD's scaling factor was chosen
        double sum = 0;
        double sq = 0;
        long count = 0;
        for (int i : data.indices(false)) {
            for (int k = i * per; k < (i + 1) * per; k++) {
                sum += mean[k];
                sq += (double) mean[k] * mean[k] + (double) std[k] * std[k];
                count++;
            }
        }
        double mu = sum / count;
        float sf = (float) (1.0 / Math.sqrt(sq / count - mu * mu));
        Files.createDirectories(cacheFile.getParent());
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(cacheFile), 1 << 20))) {
            out.writeFloat(sf);
            for (float v : mean) {
                out.writeFloat(v);
            }
            for (float v : std) {
                out.writeFloat(v);
            }
        }
        ObjectNode info = new ObjectMapper().createObjectNode();
        info.put("scaling_factor", sf);
        info.put("latent_mean", mu);
        new ObjectMapper().writeValue(cacheFile.resolveSibling("latents.json").toFile(), info);
        log.printf("encoded %d images to latents; scaling_factor %.5f%n", n, sf);
        return new LatentCache(mean, std, sf);
    }

    /** Scaled latent samples (mean + std·ε)·scaling_factor of the given images, flat [B, 4, 16, 16]. */
    public float[] sample(int[] idx, Random rng) {
        int per = C * S * S;
        float[] out = new float[idx.length * per];
        for (int i = 0; i < idx.length; i++) {
            int base = idx[i] * per;
            for (int k = 0; k < per; k++) {
                out[i * per + k] = (mean[base + k] + std[base + k] * (float) rng.nextGaussian()) * scalingFactor;
            }
        }
        return out;
    }

    /**
     * Unscaled posterior samples mean + std·ε of the given images, flat [B, 4, 16, 16]: what the decoder
     * receives once a denoised latent is divided by the scaling factor.
     */
    public float[] posteriorSample(int[] idx, Random rng) {
        int per = C * S * S;
        float[] out = new float[idx.length * per];
        for (int i = 0; i < idx.length; i++) {
            int base = idx[i] * per;
            for (int k = 0; k < per; k++) {
                out[i * per + k] = mean[base + k] + std[base + k] * (float) rng.nextGaussian();
            }
        }
        return out;
    }

    /** Unscaled posterior means of the given images, flat [B, 4, 16, 16]. */
    public float[] posteriorMean(int[] idx) {
        int per = C * S * S;
        float[] out = new float[idx.length * per];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(mean, idx[i] * per, out, i * per, per);
        }
        return out;
    }

    public NDArray sampleArray(NDManager m, int[] idx, Random rng) {
        return m.create(sample(idx, rng), new Shape(idx.length, C, S, S));
    }
}
