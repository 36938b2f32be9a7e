package apprentice.onnx.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import apprentice.core.model.LatentDistribution;
import apprentice.core.pipeline.TimedComponent;
import apprentice.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * {@code vae_encoder/model.onnx}: {@code sample [B, 3, H, W]} in [-1, 1] → either {@code latent_parameters
 * [B, 2C, h, w]} (Optimum's current export: the posterior's mean and log-variance concatenated on the channel
 * axis, split here as diffusers' {@code DiagonalGaussianDistribution} does) or, from older exports,
 * {@code latent_sample [B, C, h, w]}, which is returned as the mean with no log-variance.
 */
public final class OnnxVaeEncoder implements AutoCloseable, TimedComponent {
    static final String INPUT = "sample";
    static final String PARAMETERS = "latent_parameters";
    static final String LEGACY = "latent_sample";
    private static final String EXPECTED = "input 'sample' (float, [batch, 3, height, width]) and output "
            + "'latent_parameters' (mean‖logvar, [batch, 2·channels, h, w]) or legacy 'latent_sample'";

    private final ModelSession session;
    private final TensorInfo input;
    private final String output;
    private final boolean legacy;

    private OnnxVaeEncoder(ModelSession session) {
        this.session = session;
        this.input = session.input(INPUT);
        if (input == null || session.inputs().size() != 1) {
            throw session.mismatch(EXPECTED, input == null ? "it has no input 'sample'" : "it has extra inputs");
        }
        if (!OrtTensors.FLOAT_TYPES.contains(input.type) || input.getShape().length != 4) {
            throw session.mismatch(EXPECTED, "'sample' is " + ModelSession.typeName(input) + ModelSession.shapeText(input));
        }
        if (session.outputs().containsKey(PARAMETERS)) {
            output = PARAMETERS;
            legacy = false;
        } else if (session.outputs().containsKey(LEGACY)) {
            output = LEGACY;
            legacy = true;
        } else {
            throw session.mismatch(EXPECTED, "it has neither 'latent_parameters' nor 'latent_sample'");
        }
    }

    public static OnnxVaeEncoder open(Path dir, RuntimeOptions options) {
        ModelSession s = ModelSession.open(dir.resolve("model.onnx"), "VAE encoder", options, Map.of());
        try {
            return new OnnxVaeEncoder(s);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Whether this export only gives a sample ({@code latent_sample}) instead of the posterior's parameters. */
    public boolean isLegacy() {
        return legacy;
    }

    public LatentDistribution encode(Tensor images) {
        Tensor raw;
        try (OnnxTensor in = OrtTensors.of(images, input.type);
             OrtSession.Result r = session.run(Map.of(INPUT, in), Set.of(output))) {
            raw = OrtTensors.read(r.get(0), output + " of " + session.file());
        }
        if (raw.rank() != 4) {
            throw new IllegalStateException(session.file() + " returned " + output + " of rank " + raw.rank() + ", expected 4");
        }
        if (legacy) {
            return new LatentDistribution(raw, null);
        }
        int twoC = raw.dim(1);
        if (twoC % 2 != 0) {
            throw new IllegalStateException(session.file() + " returned latent_parameters with " + twoC
                    + " channels; mean‖logvar needs an even number");
        }
        return split(raw);
    }

    /** Splits {@code [B, 2C, h, w]} into mean (first C channels) and log-variance (last C). */
    static LatentDistribution split(Tensor params) {
        int b = params.dim(0);
        int c = params.dim(1) / 2;
        int hw = params.dim(2) * params.dim(3);
        float[] src = params.data();
        float[] mean = new float[b * c * hw];
        float[] logvar = new float[b * c * hw];
        for (int n = 0; n < b; n++) {
            System.arraycopy(src, n * 2 * c * hw, mean, n * c * hw, c * hw);
            System.arraycopy(src, (n * 2 + 1) * c * hw, logvar, n * c * hw, c * hw);
        }
        int[] shape = {b, c, params.dim(2), params.dim(3)};
        return new LatentDistribution(new Tensor(shape, mean), new Tensor(shape, logvar));
    }

    @Override
    public long runtimeNanos() {
        return session.runtimeNanos();
    }

    @Override
    public void close() {
        session.close();
    }
}
