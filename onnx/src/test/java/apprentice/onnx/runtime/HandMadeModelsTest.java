package apprentice.onnx.runtime;

import static apprentice.onnx.runtime.HandMadeGraphs.node;
import static apprentice.onnx.runtime.HandMadeGraphs.save;
import static apprentice.onnx.runtime.HandMadeGraphs.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.OnnxJavaType;
import apprentice.core.model.LatentDistribution;
import apprentice.core.tensor.Tensor;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interface variants the synthetic folders do not produce, on one-node graphs written here: float16 UNet
 * tensors with a static {@code [1]} float16 timestep, int32 {@code input_ids} with an {@code attention_mask},
 * and the split of {@code latent_parameters} into mean and log-variance.
 */
class HandMadeModelsTest {
    @TempDir
    Path tmp;

    private static OnnxMl.NodeProto cast(String out, String in, DataType to) {
        return node("Cast", out, in).toBuilder().addAttribute(OnnxMl.AttributeProto.newBuilder().setName("to")
                .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(to.getNumber())).build();
    }

    private static OnnxMl.TensorProto int64s(String name, long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(DataType.INT64.getNumber()).addDims(v.length)
                .setRawData(ByteString.copyFrom(b.array())).build();
    }

    @Test
    void float16UnetWithStaticTimestepOfLengthOne() throws IOException {
        // out_sample = sample + timestep (broadcast), all float16
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("unet16")
                .addInput(value("sample", DataType.FLOAT16, "batch_size", 4, "height", "width"))
                .addInput(value("timestep", DataType.FLOAT16, 1))
                .addInput(value("encoder_hidden_states", DataType.FLOAT16, "batch_size", "sequence_length", 8))
                .addNode(node("Add", "out_sample", "sample", "timestep"))
                .addOutput(value("out_sample", DataType.FLOAT16, "batch_size", 4, "height", "width")).build();
        try (OnnxUnet unet = OnnxUnet.open(save(tmp.resolve("unet"), g), RuntimeOptions.defaults())) {
            assertEquals(OnnxJavaType.FLOAT16, unet.timestepType());
            assertEquals(1, unet.timestepRank());
            assertEquals(4, unet.latentChannels());
            float[] x = new float[2 * 4 * 2 * 2];
            for (int i = 0; i < x.length; i++) {
                x[i] = 0.25f * i;
            }
            Tensor out = unet.predict(new Tensor(new int[] {2, 4, 2, 2}, x), 500, Tensor.zeros(2, 3, 8), null);
            for (int i = 0; i < x.length; i++) {
                assertEquals(500 + 0.25f * i, out.data()[i], 0.25f, "float16 keeps about 3 significant digits");
            }
        }
    }

    @Test
    void int32InputIdsWithAttentionMask() throws IOException {
        // last_hidden_state[b, l, 0] = input_ids[b, l] + attention_mask[b, l]
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("text")
                .addInput(value("input_ids", DataType.INT32, "batch_size", 5))
                .addInput(value("attention_mask", DataType.INT64, "batch_size", 5))
                .addInitializer(int64s("axes", 2))
                .addNode(cast("ids_f", "input_ids", DataType.FLOAT))
                .addNode(cast("mask_f", "attention_mask", DataType.FLOAT))
                .addNode(node("Add", "sum", "ids_f", "mask_f"))
                .addNode(node("Unsqueeze", "last_hidden_state", "sum", "axes"))
                .addOutput(value("last_hidden_state", DataType.FLOAT, "batch_size", 5, 1)).build();
        try (OnnxTextEncoder enc = OnnxTextEncoder.open(save(tmp.resolve("text_encoder"), g), RuntimeOptions.defaults())) {
            assertEquals(OnnxJavaType.INT32, enc.idType());
            assertEquals(5, enc.sequenceLength());
            assertEquals(1, enc.hiddenSize());
            Tensor h = enc.encode(new int[][] {{49406, 7, 49407, 49407, 49407}});
            assertArrayEquals(new int[] {1, 5, 1}, h.shape());
            assertArrayEquals(new float[] {49407, 8, 49408, 49408, 49408}, h.data());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> enc.encode(new int[][] {{1, 2}}));
            assertTrue(e.getMessage().contains("must have 5 ids"), e.getMessage());
        }
    }

    @Test
    void latentParametersSplitIntoMeanAndLogvarPerImage() {
        float[] p = new float[2 * 4 * 1 * 1];
        for (int i = 0; i < p.length; i++) {
            p[i] = i; // image 0: mean 0,1 logvar 2,3; image 1: mean 4,5 logvar 6,7
        }
        LatentDistribution d = OnnxVaeEncoder.split(new Tensor(new int[] {2, 4, 1, 1}, p));
        assertArrayEquals(new float[] {0, 1, 4, 5}, d.mean().data());
        assertArrayEquals(new float[] {2, 3, 6, 7}, d.logvar().data());
        assertArrayEquals(new int[] {2, 2, 1, 1}, d.mean().shape());
    }

    @Test
    void unetWithSdxlInputsIsRejectedWithItsSignature() throws IOException {
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("sdxl")
                .addInput(value("sample", DataType.FLOAT, "batch_size", 4, "height", "width"))
                .addInput(value("timestep", DataType.INT64))
                .addInput(value("encoder_hidden_states", DataType.FLOAT, "batch_size", 77, 8))
                .addInput(value("text_embeds", DataType.FLOAT, "batch_size", 8))
                .addNode(node("Identity", "out_sample", "sample"))
                .addOutput(value("out_sample", DataType.FLOAT, "batch_size", 4, "height", "width")).build();
        Path dir = save(tmp.resolve("sdxl"), g);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxUnet.open(dir, RuntimeOptions.defaults()));
        assertTrue(e.getMessage().contains("unsupported input 'text_embeds' (an SDXL UNet, not supported yet)"), e.getMessage());
        assertTrue(e.getMessage().contains("text_embeds: float[batch_size, 8]"), e.getMessage());
    }
}
