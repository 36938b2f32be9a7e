package apprentice.onnx.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import apprentice.core.pipeline.TimedComponent;
import apprentice.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/** {@code vae_decoder/model.onnx}: {@code latent_sample [B, C, h, w]} (unscaled) → {@code sample [B, 3, H, W]} in about [-1, 1]. */
public final class OnnxVaeDecoder implements AutoCloseable, TimedComponent {
    static final String INPUT = "latent_sample";
    static final String OUTPUT = "sample";
    private static final String EXPECTED = "input 'latent_sample' (float, [batch, channels, height, width]) and output "
            + "'sample' (float, [batch, 3, height·f, width·f])";

    private final ModelSession session;
    private final TensorInfo input;
    private final String output;
    private final int latentChannels;

    private OnnxVaeDecoder(ModelSession session, ComponentConfig config) {
        this.session = session;
        this.input = session.input(INPUT);
        if (input == null || session.inputs().size() != 1) {
            throw session.mismatch(EXPECTED, input == null ? "it has no input 'latent_sample'" : "it has extra inputs");
        }
        if (!OrtTensors.FLOAT_TYPES.contains(input.type) || input.getShape().length != 4) {
            throw session.mismatch(EXPECTED, "'latent_sample' is " + ModelSession.typeName(input) + ModelSession.shapeText(input));
        }
        String outName = session.outputs().containsKey(OUTPUT) ? OUTPUT
                : session.outputs().size() == 1 ? session.outputs().keySet().iterator().next() : null;
        if (outName == null || session.outputs().get(outName).getShape().length != 4) {
            throw session.mismatch(EXPECTED, "it has no 4-d output 'sample'");
        }
        this.output = outName;
        this.latentChannels = (int) TensorShape.dimOr(input.getShape(), 1, config.getInt("latent_channels", 4));
    }

    public static OnnxVaeDecoder open(Path dir, RuntimeOptions options) {
        ModelSession s = ModelSession.open(dir.resolve("model.onnx"), "VAE decoder", options, Map.of());
        try {
            return new OnnxVaeDecoder(s, ComponentConfig.read(dir));
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public Tensor decode(Tensor latents) {
        try (OnnxTensor in = OrtTensors.of(latents, input.type);
             OrtSession.Result r = session.run(Map.of(INPUT, in), Set.of(output))) {
            return OrtTensors.read(r.get(0), output + " of " + session.file());
        }
    }

    public int latentChannels() {
        return latentChannels;
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
