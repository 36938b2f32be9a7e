package apprentice.onnx.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import apprentice.core.pipeline.TimedComponent;
import apprentice.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * {@code vae_decoder/model.onnx}: {@code latent_sample [B, C, h, w]} (unscaled) → {@code sample [B, 3, H, W]} in about
 * [-1, 1]. A float32 output is written by ONNX Runtime into a kept direct buffer (pinned output, shape
 * {@code [B, 3, h·f, w·f]}), which saves two copies of a full-size image per decode; if the graph's output shape
 * differs from that, the decoder falls back to letting ONNX Runtime allocate the output. Calls are serialised.
 */
public final class OnnxVaeDecoder implements AutoCloseable, TimedComponent {
    static final String INPUT = "latent_sample";
    static final String OUTPUT = "sample";
    private static final String EXPECTED = "input 'latent_sample' (float, [batch, channels, height, width]) and output "
            + "'sample' (float, [batch, 3, height·f, width·f])";

    private final ModelSession session;
    private final TensorInfo input;
    private final String output;
    private final int latentChannels;
    private final int scaleFactor;
    private final int imageChannels;
    private final OrtTensors.ReusableOutput pinned = new OrtTensors.ReusableOutput();
    private boolean pinnedFits;

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
        TensorInfo out = session.outputs().get(outName);
        this.imageChannels = (int) TensorShape.dimOr(out.getShape(), 1, config.getInt("out_channels", 3));
        int levels = config.arrayLength("block_out_channels");
        this.scaleFactor = levels > 0 ? 1 << (levels - 1) : 8;
        this.pinnedFits = out.type == ai.onnxruntime.OnnxJavaType.FLOAT;
    }

    /** Spatial up-sampling factor: 2^(levels−1) from {@code block_out_channels} in config.json, else SD's 8. */
    public int scaleFactor() {
        return scaleFactor;
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

    public synchronized Tensor decode(Tensor latents) {
        try (OnnxTensor in = OrtTensors.of(latents, input.type)) {
            if (pinnedFits) {
                int[] shape = {latents.dim(0), imageChannels, latents.dim(2) * scaleFactor, latents.dim(3) * scaleFactor};
                try (OrtSession.Result ignored = session.runInto(Map.of(INPUT, in),
                        Map.of(output, pinned.tensor(OrtTensors.longShape(shape))))) {
                    return pinned.read(shape);
                } catch (IllegalStateException e) {
                    // the graph's output shape is not [B, 3, h·f, w·f]: let ONNX Runtime size it from now on
                    pinnedFits = false;
                    pinned.close();
                }
            }
            try (OrtSession.Result r = session.run(Map.of(INPUT, in), Set.of(output))) {
                return OrtTensors.read(r.get(0), output + " of " + session.file());
            }
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
    public synchronized void close() {
        pinned.close();
        session.close();
    }
}
