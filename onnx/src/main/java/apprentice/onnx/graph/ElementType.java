package apprentice.onnx.graph;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

/** The tensor element types the graph writer emits (the ones diffusion model interfaces use). */
public enum ElementType {
    FLOAT(DataType.FLOAT),
    INT64(DataType.INT64),
    INT32(DataType.INT32);

    private final DataType proto;

    ElementType(DataType proto) {
        this.proto = proto;
    }

    /** The ONNX {@code TensorProto.DataType} number, as used by {@code Cast}'s {@code to} attribute. */
    public int onnxCode() {
        return proto.getNumber();
    }

    DataType proto() {
        return proto;
    }
}
