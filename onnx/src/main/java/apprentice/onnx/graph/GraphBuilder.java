package apprentice.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A small fluent writer of ONNX graphs (IR version 8, default-domain opset 17).
 * <p>Values are referred to by name. {@link #op} appends a node and returns the name of its
 * (unique) output, so graphs read like straight-line code:
 * <pre>{@code
 * GraphBuilder g = new GraphBuilder("tiny");
 * String x = g.input("x", ElementType.FLOAT, "batch_size", 4);
 * String y = g.op("Relu", x);
 * g.output(y, "y", ElementType.FLOAT, "batch_size", 4);
 * ModelProto model = g.build();
 * }</pre>
 * Dims are {@code Integer}/{@code Long} (fixed) or {@code String} (symbolic, e.g. Optimum's
 * {@code batch_size}); no dims means a scalar. Node and constant names come from a counter, prefixed
 * by the current {@link #scope}, so the same calls always give the same bytes.
 */
public final class GraphBuilder {
    public static final long IR_VERSION = 8;
    public static final long OPSET = 17;

    private final String graphName;
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<String> scopes = new ArrayList<>();
    private String producerName = "apprentice";
    private String producerVersion = "0.1.0";
    private String docString = "";
    private int counter;

    public GraphBuilder(String graphName) {
        this.graphName = requireName(graphName, "graph name");
    }

    // ---- model metadata ----

    public GraphBuilder producer(String name, String version) {
        this.producerName = name;
        this.producerVersion = version;
        return this;
    }

    public GraphBuilder docString(String doc) {
        this.docString = doc;
        return this;
    }

    /** Adds a {@code metadata_props} entry (readable from ORT's {@code OnnxModelMetadata}). */
    public GraphBuilder metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    // ---- naming ----

    /**
     * Runs {@code body} with generated node and constant names prefixed by {@code prefix}
     * (nested calls join prefixes with "/"). Purely cosmetic: it makes graphs readable in Netron.
     */
    public <T> T scoped(String prefix, java.util.function.Supplier<T> body) {
        scopes.add(prefix);
        try {
            return body.get();
        } finally {
            scopes.remove(scopes.size() - 1);
        }
    }

    private String fresh(String base) {
        String prefix = scopes.isEmpty() ? "" : String.join("/", scopes) + "/";
        String name;
        do {
            name = prefix + base + "_" + counter++;
        } while (names.contains(name));
        return name;
    }

    private void claim(String name) {
        requireName(name, "value name");
        if (!names.add(name)) {
            throw new IllegalArgumentException("value name '" + name + "' is already used in graph '" + graphName
                    + "': choose a unique name");
        }
    }

    private static String requireName(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(what + " must be a non-empty string");
        }
        return name;
    }

    // ---- graph inputs and outputs ----

    /** Declares a graph input and returns its name. */
    public String input(String name, ElementType type, Object... dims) {
        claim(name);
        graph.addInput(valueInfo(name, type, dims));
        return name;
    }

    /**
     * Declares {@code value} as a graph output called {@code name}. If the names differ an
     * {@code Identity} node renames it (graph outputs are matched by name in ONNX).
     */
    public GraphBuilder output(String value, String name, ElementType type, Object... dims) {
        if (!value.equals(name)) {
            claim(name);
            graph.addNode(NodeProto.newBuilder().setOpType("Identity").setName(name + "_identity")
                    .addInput(value).addOutput(name));
        }
        graph.addOutput(valueInfo(name, type, dims));
        return this;
    }

    private static ValueInfoProto valueInfo(String name, ElementType type, Object... dims) {
        return valueInfo(name, type.proto(), dims);
    }

    /**
     * A tensor's declaration (graph input or output) for code that edits or writes graphs directly: dims are fixed
     * sizes (Integer or Long) or symbolic names (String); any ONNX element type, float16 included.
     */
    public static ValueInfoProto valueInfo(String name, ai.onnx.proto.OnnxMl.TensorProto.DataType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) {
                dim.setDimParam(s);
            } else if (d instanceof Integer || d instanceof Long) {
                long v = ((Number) d).longValue();
                if (v < 0) {
                    throw new IllegalArgumentException("fixed dim of '" + name + "' must be >= 0, got " + v
                            + ": use a String for a symbolic (dynamic) dim");
                }
                dim.setDimValue(v);
            } else {
                throw new IllegalArgumentException("dim of '" + name + "' must be Integer, Long or String, got " + d);
            }
            shape.addDim(dim);
        }
        TypeProto.Tensor tensorType = TypeProto.Tensor.newBuilder().setElemType(type.getNumber())
                .setShape(shape).build();
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(tensorType)).build();
    }

    // ---- initializers and constants ----

    /** A float32 initializer stored as little-endian {@code raw_data}. */
    public String initializer(String name, float[] data, long... shape) {
        checkCount(name, data.length, shape);
        claim(name);
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        graph.addInitializer(tensor(name, ElementType.FLOAT, shape, ByteString.copyFrom(buf.array())));
        return name;
    }

    /** An int64 initializer stored as little-endian {@code raw_data}. */
    public String initializer(String name, long[] data, long... shape) {
        checkCount(name, data.length, shape);
        claim(name);
        ByteBuffer buf = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(data);
        graph.addInitializer(tensor(name, ElementType.INT64, shape, ByteString.copyFrom(buf.array())));
        return name;
    }

    /** A 1-D int64 constant (shapes, axes, perm-like data for Reshape/Slice/...). */
    public String constInt64(long... values) {
        return initializer(fresh("const"), values.clone(), values.length);
    }

    /** A 1-D float constant. */
    public String constFloat(float... values) {
        return initializer(fresh("const"), values.clone(), values.length);
    }

    /** A float scalar (shape {@code []}), for broadcasting arithmetic. */
    public String scalar(float value) {
        return initializer(fresh("const"), new float[] {value});
    }

    /** An int64 scalar (shape {@code []}), e.g. Trilu's diagonal offset. */
    public String scalarInt64(long value) {
        return initializer(fresh("const"), new long[] {value});
    }

    /** A float constant of any shape. */
    public String constFloat(float[] values, long... shape) {
        return initializer(fresh("const"), values.clone(), shape);
    }

    private static void checkCount(String name, int count, long... shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("initializer '" + name + "' has a negative dim " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != count) {
            throw new IllegalArgumentException("initializer '" + name + "' has " + count + " values but shape "
                    + Arrays.toString(shape) + " needs " + n);
        }
    }

    private static TensorProto tensor(String name, ElementType type, long[] shape, ByteString raw) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.proto().getNumber());
        for (long d : shape) {
            t.addDims(d);
        }
        return t.setRawData(raw).build();
    }

    // ---- nodes ----

    /** A node without attributes; returns its single output. */
    public String op(String type, String... inputs) {
        return op(type, Arrays.asList(inputs), Map.of());
    }

    /**
     * Appends a node with one output and returns the output's name. Use {@code ""} for an omitted
     * optional input. Attribute values: Integer/Long (INT), Float/Double (FLOAT), String (STRING),
     * int[]/long[] (INTS), float[] (FLOATS).
     */
    public String op(String type, List<String> inputs, Map<String, ?> attrs) {
        return op(type, inputs, attrs, 1).get(0);
    }

    /** Appends a node with {@code outputs} outputs (Split, ...) and returns their names. */
    public List<String> op(String type, List<String> inputs, Map<String, ?> attrs, int outputs) {
        requireName(type, "op type");
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(type);
        for (String in : inputs) {
            if (!in.isEmpty() && !names.contains(in)) {
                throw new IllegalArgumentException(type + " input '" + in + "' is not a value of graph '" + graphName
                        + "': declare it with input(), an initializer or an earlier op()");
            }
            node.addInput(in);
        }
        List<String> outs = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            String out = fresh(type);
            claim(out);
            node.addOutput(out);
            outs.add(out);
        }
        node.setName(outs.get(0) + "_node");
        // Sorted so that attribute order never depends on the Map's iteration order.
        for (Map.Entry<String, ?> a : new TreeMap<>(attrs).entrySet()) {
            node.addAttribute(attribute(type, a.getKey(), a.getValue()));
        }
        graph.addNode(node);
        return outs;
    }

    /** Builds an attribute map from alternating keys and values, in order. */
    public static Map<String, Object> attrs(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("attrs needs key/value pairs, got " + keyValues.length + " items");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static AttributeProto attribute(String op, String key, Object v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(key);
        if (v instanceof Integer || v instanceof Long) {
            a.setType(AttributeProto.AttributeType.INT).setI(((Number) v).longValue());
        } else if (v instanceof Float || v instanceof Double) {
            a.setType(AttributeProto.AttributeType.FLOAT).setF(((Number) v).floatValue());
        } else if (v instanceof String s) {
            a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
        } else if (v instanceof long[] ls) {
            a.setType(AttributeProto.AttributeType.INTS);
            for (long l : ls) {
                a.addInts(l);
            }
        } else if (v instanceof int[] is) {
            a.setType(AttributeProto.AttributeType.INTS);
            for (int i : is) {
                a.addInts(i);
            }
        } else if (v instanceof float[] fs) {
            a.setType(AttributeProto.AttributeType.FLOATS);
            for (float f : fs) {
                a.addFloats(f);
            }
        } else {
            throw new IllegalArgumentException(op + " attribute '" + key + "' has unsupported value type "
                    + (v == null ? "null" : v.getClass().getSimpleName()) + ": use Long, Float, String, long[] or float[]");
        }
        return a.build();
    }

    // ---- result ----

    /** The finished model: IR 8, opset 17, with the producer, doc string and metadata set so far. */
    public ModelProto build() {
        if (graph.getOutputCount() == 0) {
            throw new IllegalStateException("graph '" + graphName + "' has no outputs: call output() before build()");
        }
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName(producerName)
                .setProducerVersion(producerVersion)
                .setDocString(docString)
                .setGraph(graph.clone().setName(graphName));
        metadata.forEach((k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build();
    }
}
