package apprentice.onnx.runtime;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import apprentice.onnx.graph.GraphBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Pieces for the few-node ONNX graphs the runtime tests write by hand (opset 17, IR 8). */
final class HandMadeGraphs {
    private HandMadeGraphs() {
    }

    static OnnxMl.ValueInfoProto value(String name, DataType type, Object... dims) {
        return GraphBuilder.valueInfo(name, type, dims);
    }

    static OnnxMl.NodeProto node(String op, String out, String... in) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).addOutput(out).addAllInput(List.of(in)).build();
    }

    /** Writes {@code dir/model.onnx} and returns {@code dir}. */
    static Path save(Path dir, OnnxMl.GraphProto graph) throws IOException {
        Files.createDirectories(dir);
        OnnxMl.ModelProto model = OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(graph).build();
        Files.write(dir.resolve("model.onnx"), model.toByteArray());
        return dir;
    }
}
