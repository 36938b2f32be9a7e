package apprentice.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.platform.Fp16Conversions;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Halves a model file by storing its large float32 weights as float16: each such initializer {@code w} becomes
 * {@code w__fp16} (float16, rounded to nearest even) and a {@code Cast} node at the head of the graph turns it back
 * into float32 {@code w}. The graph's inputs, outputs and arithmetic stay float32; ONNX Runtime folds the casts when
 * it loads the session, so inference costs the same, and only the weights' rounding (relative 2^-11) changes the
 * outputs. Weights under {@code minElements} (biases of a few numbers, scalar constants) stay float32.
 */
public final class Float16Weights {
    /** Suffix of the float16 copy of a weight. */
    public static final String SUFFIX = "__fp16";

    private Float16Weights() {
    }

    /** The model with every inline float32 initializer of at least {@code minElements} values stored as float16. */
    public static ModelProto convert(ModelProto model, int minElements) {
        GraphProto graph = model.getGraph();
        GraphProto.Builder g = graph.toBuilder().clearInitializer().clearNode();
        Set<String> graphInputs = new HashSet<>();
        graph.getInputList().forEach(v -> graphInputs.add(v.getName()));
        List<NodeProto> casts = new ArrayList<>();
        for (TensorProto t : graph.getInitializerList()) {
            if (t.getDataType() != DataType.FLOAT.getNumber() || t.getDataLocation() == TensorProto.DataLocation.EXTERNAL
                    || graphInputs.contains(t.getName()) || count(t) < minElements) {
                g.addInitializer(t); // kept as is: other types, external data, overridable inputs, small constants
                continue;
            }
            float[] values = floats(t);
            ByteBuffer half = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                half.putShort(Fp16Conversions.floatToFp16(v));
            }
            String halfName = t.getName() + SUFFIX;
            g.addInitializer(TensorProto.newBuilder().setName(halfName).setDataType(DataType.FLOAT16.getNumber())
                    .addAllDims(t.getDimsList()).setRawData(ByteString.copyFrom(half.array())));
            casts.add(NodeProto.newBuilder().setOpType("Cast").setName(t.getName() + "_to_float").addInput(halfName)
                    .addOutput(t.getName()).addAttribute(AttributeProto.newBuilder().setName("to")
                            .setType(AttributeProto.AttributeType.INT).setI(DataType.FLOAT.getNumber())).build());
        }
        g.addAllNode(casts); // before every consumer: ONNX wants nodes in topological order
        g.addAllNode(graph.getNodeList());
        return model.toBuilder().setGraph(g).build();
    }

    private static long count(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        return n;
    }

    private static float[] floats(TensorProto t) {
        if (t.hasRawData()) {
            FloatBuffer fb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        }
        float[] out = new float[t.getFloatDataCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getFloatData(i);
        }
        return out;
    }
}
