package apprentice.onnx.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import apprentice.core.model.TextEncoder;
import apprentice.core.pipeline.TimedComponent;
import apprentice.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A CLIP-style text encoder export ({@code text_encoder/model.onnx}): {@code input_ids} (int32 or int64, as the
 * session declares) {@code [B, L]} → {@code last_hidden_state [B, L, D]} (other outputs such as
 * {@code pooler_output} are not computed). An {@code attention_mask} input, where an export has one, gets all
 * ones, which is what diffusers' Stable Diffusion pipelines mean by passing none.
 */
public final class OnnxTextEncoder implements TextEncoder, TimedComponent {
    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String HIDDEN = "last_hidden_state";
    private static final String EXPECTED = "input 'input_ids' (int32 or int64, [batch, sequence]), optionally "
            + "'attention_mask', and output 'last_hidden_state' (float, [batch, sequence, hidden])";

    private final ModelSession session;
    private final OnnxJavaType idType;
    private final OnnxJavaType maskType;
    private final String output;
    private final int sequenceLength;
    private final int hiddenSize;

    private OnnxTextEncoder(ModelSession session, ComponentConfig config) {
        this.session = session;
        TensorInfo ids = session.input(INPUT_IDS);
        if (ids == null) {
            throw session.mismatch(EXPECTED, "it has no input 'input_ids'");
        }
        if (!OrtTensors.ID_TYPES.contains(ids.type) || ids.getShape().length != 2) {
            throw session.mismatch(EXPECTED, "'input_ids' is " + ModelSession.typeName(ids) + ModelSession.shapeText(ids));
        }
        this.idType = ids.type;
        TensorInfo mask = session.input(ATTENTION_MASK);
        for (String name : session.inputs().keySet()) {
            if (!name.equals(INPUT_IDS) && !name.equals(ATTENTION_MASK)) {
                throw session.mismatch(EXPECTED, "it has an unexpected input '" + name + "'");
            }
        }
        if (mask != null && !OrtTensors.ID_TYPES.contains(mask.type)) {
            throw session.mismatch(EXPECTED, "'attention_mask' is " + ModelSession.typeName(mask));
        }
        this.maskType = mask == null ? null : mask.type;
        TensorInfo out = session.outputs().get(HIDDEN);
        String outName = HIDDEN;
        if (out == null) {
            // some exports name it differently; accept a single rank-3 float output
            var rank3 = session.outputs().entrySet().stream()
                    .filter(e -> e.getValue().getShape().length == 3 && OrtTensors.FLOAT_TYPES.contains(e.getValue().type))
                    .toList();
            if (rank3.size() != 1) {
                throw session.mismatch(EXPECTED, "it has no output 'last_hidden_state'");
            }
            outName = rank3.get(0).getKey();
            out = rank3.get(0).getValue();
        }
        if (!OrtTensors.FLOAT_TYPES.contains(out.type) || out.getShape().length != 3) {
            throw session.mismatch(EXPECTED, "'" + outName + "' is " + ModelSession.typeName(out) + ModelSession.shapeText(out));
        }
        this.output = outName;
        this.sequenceLength = (int) TensorShape.dimOr(ids.getShape(), 1, config.getInt("max_position_embeddings", 77));
        this.hiddenSize = (int) TensorShape.dimOr(out.getShape(), 2, config.getInt("hidden_size", -1));
    }

    /** Opens {@code dir/model.onnx}, reading {@code dir/config.json} where sizes are symbolic in the graph. */
    public static OnnxTextEncoder open(Path dir, RuntimeOptions options) {
        ModelSession s = ModelSession.open(dir.resolve("model.onnx"), "text encoder", options, Map.of());
        try {
            return new OnnxTextEncoder(s, ComponentConfig.read(dir));
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public synchronized Tensor encode(int[][] tokenIds) {
        for (int[] row : tokenIds) {
            if (row.length != sequenceLength) {
                throw new IllegalArgumentException("token rows must have " + sequenceLength + " ids (padded/truncated), got "
                        + row.length + " for " + session.file());
            }
        }
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            feeds.put(INPUT_IDS, OrtTensors.ids(tokenIds, idType));
            if (maskType != null) {
                int[][] ones = new int[tokenIds.length][sequenceLength];
                for (int[] r : ones) {
                    java.util.Arrays.fill(r, 1);
                }
                feeds.put(ATTENTION_MASK, OrtTensors.ids(ones, maskType));
            }
            try (OrtSession.Result r = session.run(feeds, Set.of(output))) {
                return OrtTensors.read(r.get(0), output + " of " + session.file());
            }
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public int sequenceLength() {
        return sequenceLength;
    }

    @Override
    public int hiddenSize() {
        return hiddenSize;
    }

    /** The element type the session wants for {@code input_ids}. */
    public OnnxJavaType idType() {
        return idType;
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
