package apprentice.onnx.runtime;

import static apprentice.onnx.runtime.HandMadeGraphs.node;
import static apprentice.onnx.runtime.HandMadeGraphs.save;
import static apprentice.onnx.runtime.HandMadeGraphs.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import apprentice.core.model.ControlResiduals;
import apprentice.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ControlNet interface of Olive / OnnxStack exports on hand-made graphs with closed-form outputs:
 * ControlNet down_0 = s·sample, down_1 = s·mean(controlnet_cond), mid = 2·s·mean(controlnet_cond);
 * UNet out_sample = sample + down_0 + down_1 + mid.
 */
class ControlNetModelsTest {
    @TempDir
    Path tmp;

    private static OnnxMl.NodeProto meanOverCHW(String out, String in) {
        return node("ReduceMean", out, in).toBuilder().addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axes")
                .setType(OnnxMl.AttributeProto.AttributeType.INTS).addAllInts(List.of(1L, 2L, 3L))).build();
    }

    private static OnnxMl.TensorProto scalar(String name, float v) {
        return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(DataType.FLOAT.getNumber()).addFloatData(v).build();
    }

    private static OnnxMl.GraphProto.Builder controlNetInputs() {
        return OnnxMl.GraphProto.newBuilder().setName("controlnet")
                .addInput(value("sample", DataType.FLOAT, "batch_size", 4, "height", "width"))
                .addInput(value("timestep", DataType.INT64, "batch_size"))
                .addInput(value("encoder_hidden_states", DataType.FLOAT, "batch_size", "sequence_length", 8))
                .addInput(value("controlnet_cond", DataType.FLOAT, "batch_size", 3, "image_height", "image_width"));
    }

    private static OnnxMl.GraphProto.Builder controlNetOutputs(OnnxMl.GraphProto.Builder g) {
        return g.addOutput(value("down_block_0_additional_residual", DataType.FLOAT, "batch_size", 4, "height", "width"))
                .addOutput(value("down_block_1_additional_residual", DataType.FLOAT, "batch_size", 1, 1, 1))
                .addOutput(value("mid_block_additional_residual", DataType.FLOAT, "batch_size", 1, 1, 1));
    }

    /** With a {@code conditioning_scale} input, as Olive exports it. */
    private Path controlNetWithScale() throws IOException {
        OnnxMl.GraphProto.Builder g = controlNetInputs()
                .addInput(value("conditioning_scale", DataType.FLOAT))
                .addInitializer(scalar("two", 2f))
                .addNode(node("Mul", "down_block_0_additional_residual", "sample", "conditioning_scale"))
                .addNode(meanOverCHW("m", "controlnet_cond"))
                .addNode(node("Mul", "down_block_1_additional_residual", "m", "conditioning_scale"))
                .addNode(node("Mul", "mid_block_additional_residual", "down_block_1_additional_residual", "two"));
        return save(tmp.resolve("cn").resolve("controlnet"), controlNetOutputs(g).build()).getParent();
    }

    /** Without one: the residuals come out unscaled and {@link OnnxControlNet} weights them. */
    private Path controlNetWithoutScale() throws IOException {
        OnnxMl.GraphProto.Builder g = controlNetInputs()
                .addInitializer(scalar("two", 2f))
                .addNode(node("Identity", "down_block_0_additional_residual", "sample"))
                .addNode(meanOverCHW("down_block_1_additional_residual", "controlnet_cond"))
                .addNode(node("Mul", "mid_block_additional_residual", "down_block_1_additional_residual", "two"));
        return save(tmp.resolve("cn-noscale"), controlNetOutputs(g).build());
    }

    private Path controlledUnet() throws IOException {
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("unet")
                .addInput(value("sample", DataType.FLOAT, "batch_size", 4, "height", "width"))
                .addInput(value("timestep", DataType.INT64, "batch_size"))
                .addInput(value("encoder_hidden_states", DataType.FLOAT, "batch_size", "sequence_length", 8))
                .addInput(value("down_block_0_additional_residual", DataType.FLOAT, "batch_size", 4, "height", "width"))
                .addInput(value("down_block_1_additional_residual", DataType.FLOAT, "batch_size", 1, 1, 1))
                .addInput(value("mid_block_additional_residual", DataType.FLOAT, "batch_size", 1, 1, 1))
                .addNode(node("Add", "a", "sample", "down_block_0_additional_residual"))
                .addNode(node("Add", "b", "a", "down_block_1_additional_residual"))
                .addNode(node("Add", "out_sample", "b", "mid_block_additional_residual"))
                .addOutput(value("out_sample", DataType.FLOAT, "batch_size", 4, "height", "width")).build();
        return save(tmp.resolve("unet"), g);
    }

    private static Tensor ramp(int[] shape, float step) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = step * i;
        }
        return new Tensor(shape, v);
    }

    private static double mean(Tensor t, int b) {
        int per = t.size() / t.dim(0);
        double s = 0;
        for (int i = 0; i < per; i++) {
            s += t.data()[b * per + i];
        }
        return s / per;
    }

    private void checkResidualsAndUnet(Path controlNetFolder) throws IOException {
        Tensor sample = ramp(new int[] {2, 4, 2, 2}, 0.1f);
        Tensor hidden = ramp(new int[] {2, 3, 8}, 0.01f);
        Tensor cond = ramp(new int[] {2, 3, 4, 4}, 0.01f);
        double s = 0.7;
        try (OnnxControlNet cn = OnnxControlNet.open(controlNetFolder, RuntimeOptions.defaults());
             OnnxUnet unet = OnnxUnet.open(controlledUnet(), RuntimeOptions.defaults())) {
            assertEquals(2, cn.downResiduals());
            assertEquals(2, unet.controlResidualInputs());
            ControlResiduals r = cn.residuals(sample, 999, hidden, cond, s);
            assertEquals(2, r.down().size());
            for (int i = 0; i < sample.size(); i++) {
                assertEquals(s * sample.data()[i], r.down().get(0).data()[i], 1e-6);
            }
            for (int b = 0; b < 2; b++) {
                assertEquals(s * mean(cond, b), r.down().get(1).data()[b], 1e-5);
                assertEquals(2 * s * mean(cond, b), r.mid().data()[b], 1e-5);
            }
            Tensor out = unet.predict(sample, 999, hidden, null, r);
            int per = sample.size() / 2;
            for (int i = 0; i < sample.size(); i++) {
                double m = mean(cond, i / per);
                assertEquals((1 + s) * sample.data()[i] + 3 * s * m, out.data()[i], 1e-5, "element " + i);
            }
        }
    }

    @Test
    void aControlNetWithAScaleInputFeedsTheControlNetReadyUnet() throws IOException {
        checkResidualsAndUnet(controlNetWithScale()); // a model folder holding controlnet/model.onnx
    }

    @Test
    void aControlNetWithoutAScaleInputIsWeightedHere() throws IOException {
        checkResidualsAndUnet(controlNetWithoutScale()); // the ControlNet folder itself
    }

    @Test
    void aControlNetReadyUnetRefusesToRunWithoutResidualsAndAPlainOneWithThem() throws IOException {
        try (OnnxUnet unet = OnnxUnet.open(controlledUnet(), RuntimeOptions.defaults())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> unet.predict(ramp(new int[] {1, 4, 2, 2}, 0.1f), 1, ramp(new int[] {1, 3, 8}, 0.1f), null));
            assertTrue(e.getMessage().contains("ControlNet-ready export"), e.getMessage());
        }
    }

    @Test
    void malformedExportsAreRejectedNamingWhatIsMissing() throws IOException {
        OnnxMl.GraphProto noMid = OnnxMl.GraphProto.newBuilder().setName("unet")
                .addInput(value("sample", DataType.FLOAT, "batch_size", 4, "height", "width"))
                .addInput(value("timestep", DataType.INT64, "batch_size"))
                .addInput(value("encoder_hidden_states", DataType.FLOAT, "batch_size", "sequence_length", 8))
                .addInput(value("down_block_0_additional_residual", DataType.FLOAT, "batch_size", 4, "height", "width"))
                .addNode(node("Add", "out_sample", "sample", "down_block_0_additional_residual"))
                .addOutput(value("out_sample", DataType.FLOAT, "batch_size", 4, "height", "width")).build();
        Path dir = save(tmp.resolve("nomid"), noMid);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxUnet.open(dir, RuntimeOptions.defaults()));
        assertTrue(e.getMessage().contains("no 'mid_block_additional_residual'"), e.getMessage());

        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> OnnxControlNet.open(tmp.resolve("nowhere"), RuntimeOptions.defaults()));
        assertTrue(none.getMessage().contains("no ControlNet at"), none.getMessage());
        IllegalArgumentException notCn = assertThrows(IllegalArgumentException.class,
                () -> OnnxControlNet.open(controlledUnet(), RuntimeOptions.defaults()));
        assertTrue(notCn.getMessage().contains("controlnet_cond"), notCn.getMessage());
    }
}
