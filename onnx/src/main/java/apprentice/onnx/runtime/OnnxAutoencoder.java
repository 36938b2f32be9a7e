package apprentice.onnx.runtime;

import apprentice.core.model.Autoencoder;
import apprentice.core.model.LatentDistribution;
import apprentice.core.pipeline.TimedComponent;
import apprentice.core.tensor.Tensor;
import java.nio.file.Path;

/**
 * The VAE as two ONNX sessions: a decoder (always) and an encoder (only needed for image-to-image; a folder
 * without {@code vae_encoder/} still generates from text). Calls are serialised.
 */
public final class OnnxAutoencoder implements Autoencoder, TimedComponent {
    private final OnnxVaeEncoder encoder;
    private final OnnxVaeDecoder decoder;
    private final float scalingFactor;
    private final int downscaleFactor;
    private final Path folder;

    /**
     * @param encoder may be null
     * @param folder the model folder, named in the error when image-to-image is asked of a folder without an encoder
     */
    public OnnxAutoencoder(OnnxVaeEncoder encoder, OnnxVaeDecoder decoder, float scalingFactor, int downscaleFactor,
                           Path folder) {
        if (!(scalingFactor > 0) || Float.isInfinite(scalingFactor)) {
            throw new IllegalArgumentException("VAE scaling_factor must be a positive number, got " + scalingFactor);
        }
        if (downscaleFactor < 1) {
            throw new IllegalArgumentException("VAE down-sampling factor must be >= 1, got " + downscaleFactor);
        }
        this.encoder = encoder;
        this.decoder = decoder;
        this.scalingFactor = scalingFactor;
        this.downscaleFactor = downscaleFactor;
        this.folder = folder;
    }

    @Override
    public synchronized LatentDistribution encode(Tensor images) {
        if (encoder == null) {
            throw new IllegalStateException(folder + " has no vae_encoder/model.onnx, so it cannot do image-to-image: export "
                    + "the model with its VAE encoder (optimum-cli export onnx exports it by default)");
        }
        return encoder.encode(images);
    }

    @Override
    public synchronized Tensor decode(Tensor latents) {
        return decoder.decode(latents);
    }

    public boolean hasEncoder() {
        return encoder != null;
    }

    /** Whether the encoder is a legacy export that gives a sample instead of the posterior's parameters. */
    public boolean legacyEncoder() {
        return encoder != null && encoder.isLegacy();
    }

    @Override
    public float scalingFactor() {
        return scalingFactor;
    }

    @Override
    public int downscaleFactor() {
        return downscaleFactor;
    }

    @Override
    public long runtimeNanos() {
        return decoder.runtimeNanos() + (encoder == null ? 0 : encoder.runtimeNanos());
    }

    @Override
    public void close() {
        try {
            decoder.close();
        } finally {
            if (encoder != null) {
                encoder.close();
            }
        }
    }
}
