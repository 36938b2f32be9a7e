package apprentice.onnx.synth;

import ai.onnx.proto.OnnxMl;
import apprentice.onnx.graph.ElementType;
import apprentice.onnx.graph.GraphBuilder;
import apprentice.onnx.graph.OnnxModelWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A ControlNet pair for tests, in the Olive / OnnxStack layout: {@link #makeUnetControllable} turns a synthetic model
 * folder's UNet into a ControlNet-ready export, {@link #writeControlNet} writes a ControlNet that fits it. Closed form,
 * with C latent channels and VAE factor f:
 * <pre>
 * ControlNet: down_i = conditioning_scale · 0.1·(i + 1) · W · AveragePool_f(controlnet_cond)   [B, C, h, w]
 *             mid    = mean over h, w of down_0                                               [B, C, 1, 1]
 * UNet:       out_sample = (original UNet) + 0.5 · Σ_i down_i + mid
 * </pre>
 * W is a fixed 3 → C channel mix. At scale 0 the controlled UNet gives exactly the original model's images.
 */
public final class SyntheticControlNet {
    private SyntheticControlNet() {
    }

    private static String down(int i) {
        return "down_block_" + i + "_additional_residual";
    }

    /** Rewrites {@code modelFolder/unet/model.onnx} (written by {@link SyntheticModelFolder}) with {@code downs} residual inputs. */
    public static void makeUnetControllable(Path modelFolder, SyntheticSpec spec, int downs) {
        Path file = modelFolder.resolve("unet").resolve("model.onnx");
        int c = spec.vae().latentChannels();
        try {
            OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file));
            OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder();
            for (OnnxMl.NodeProto.Builder node : g.getNodeBuilderList()) {
                for (int k = 0; k < node.getOutputCount(); k++) {
                    if (node.getOutput(k).equals("out_sample")) {
                        node.setOutput(k, "base_out_sample");
                    }
                }
            }
            String sum = null;
            for (int i = 0; i < downs; i++) {
                g.addInput(value(down(i), "batch_size", c, "height", "width"));
                sum = sum == null ? down(i) : add(g, "residual_sum_" + i, sum, down(i));
            }
            g.addInput(value("mid_block_additional_residual", "batch_size", c, 1, 1));
            g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("half").setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                    .addFloatData(0.5f));
            g.addNode(node("Mul", "residual_half", sum, "half"));
            String a = add(g, "with_down", "base_out_sample", "residual_half");
            g.addNode(node("Add", "out_sample", a, "mid_block_additional_residual"));
            Files.write(file, model.toBuilder().setGraph(g).build().toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code dir/model.onnx}: a ControlNet with {@code downs} down residuals for a model of {@code spec}'s shape. */
    public static void writeControlNet(Path dir, SyntheticSpec spec, int downs) {
        int c = spec.vae().latentChannels();
        int f = spec.vae().scaleFactor();
        GraphBuilder g = new GraphBuilder("synthetic_controlnet");
        g.input("sample", ElementType.FLOAT, "batch_size", c, "height", "width");
        g.input("timestep", spec.unet().timestepType(), spec.unet().timestepScalar() ? new Object[0] : new Object[] {"batch_size"});
        g.input("encoder_hidden_states", ElementType.FLOAT, "batch_size", "sequence_length", spec.text().dim());
        g.input("controlnet_cond", ElementType.FLOAT, "batch_size", 3, "image_height", "image_width");
        g.input("conditioning_scale", ElementType.FLOAT);
        String pooled = g.op("AveragePool", List.of("controlnet_cond"),
                GraphBuilder.attrs("kernel_shape", new long[] {f, f}, "strides", new long[] {f, f}));
        float[] w = new float[c * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 3 == (i / 3) % 3) ? 1f : 0.25f;
        }
        String mixed = g.op("Conv", pooled, g.initializer("mix", w, c, 3, 1, 1));
        String scaled = g.op("Mul", mixed, "conditioning_scale");
        for (int i = 0; i < downs; i++) {
            String di = g.op("Mul", scaled, g.scalar(0.1f * (i + 1)));
            g.output(di, down(i), ElementType.FLOAT, "batch_size", c, "height", "width");
            if (i == 0) {
                String mid = g.op("ReduceMean", List.of(di), GraphBuilder.attrs("axes", new long[] {2, 3}, "keepdims", 1L));
                g.output(mid, "mid_block_additional_residual", ElementType.FLOAT, "batch_size", c, 1, 1);
            }
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OnnxModelWriter.save(g.build(), dir.resolve("model.onnx"));
    }

    private static String add(OnnxMl.GraphProto.Builder g, String out, String a, String b) {
        g.addNode(node("Add", out, a, b));
        return out;
    }

    private static OnnxMl.NodeProto node(String op, String out, String... in) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(out + "_node").addOutput(out).addAllInput(List.of(in)).build();
    }

    private static OnnxMl.ValueInfoProto value(String name, Object... dims) {
        return GraphBuilder.valueInfo(name, OnnxMl.TensorProto.DataType.FLOAT, dims);
    }
}
