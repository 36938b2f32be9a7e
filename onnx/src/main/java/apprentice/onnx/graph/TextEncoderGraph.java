package apprentice.onnx.graph;

import ai.onnx.proto.OnnxMl.ModelProto;

import static apprentice.onnx.graph.ElementType.FLOAT;
import static apprentice.onnx.graph.ElementType.INT64;

/**
 * A CLIP-style text encoder with Optimum's {@code text_encoder} interface:
 * {@code input_ids} int64 {@code [batch_size, sequence_length]} →
 * {@code last_hidden_state} float {@code [batch_size, sequence_length, D]} and
 * {@code pooler_output} float {@code [batch_size, D]} (hidden state at the end-of-text token).
 * Parameters are named as in transformers' {@code CLIPTextModel} ({@code text_model.…}).
 */
public final class TextEncoderGraph {
    private TextEncoderGraph() {
    }

    public static ModelProto build(TextEncoderConfig c, WeightSource weights) {
        GraphBuilder g = new GraphBuilder("text_encoder")
                .docString("CLIP-style causal text transformer: " + c);
        DiffusionBlocks b = new DiffusionBlocks(g, weights);
        String ids = g.input("input_ids", INT64, "batch_size", "sequence_length");
        String h = b.tokenAndPositionEmbedding("text_model.embeddings", ids, c.vocabSize(), c.maxPositions(), c.dim());
        String mask = b.causalMask(ids);
        for (int i = 0; i < c.layers(); i++) {
            h = b.clipEncoderLayer("text_model.encoder.layers." + i, h, mask, c.dim(), c.heads(), c.mlpDim());
        }
        h = b.layerNorm("text_model.final_layer_norm", h, c.dim(), 1e-5f);
        g.output(h, "last_hidden_state", FLOAT, "batch_size", "sequence_length", c.dim());
        g.output(b.poolAtMaxToken(h, ids), "pooler_output", FLOAT, "batch_size", c.dim());
        return g.build();
    }
}
