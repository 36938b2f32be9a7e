package apprentice.train.export;

import static apprentice.onnx.graph.GraphBuilder.attrs;

import ai.onnx.proto.OnnxMl.ModelProto;
import apprentice.onnx.graph.DiffusionBlocks;
import apprentice.onnx.graph.ElementType;
import apprentice.onnx.graph.GraphBuilder;
import apprentice.onnx.graph.TextEncoderConfig;
import apprentice.onnx.graph.WeightSource;
import apprentice.train.clip.ClipConfig;
import java.util.List;

/**
 * The emoji CLIP as an Optimum {@code clip}-style graph: {@code input_ids}, {@code pixel_values},
 * {@code attention_mask} → {@code logits_per_image}, {@code logits_per_text}, {@code text_embeds},
 * {@code image_embeds}. The text tower is causal and pools at the end-of-text token, so the mask is
 * accepted for interface compatibility but not needed (padding never reaches the pooled state).
 */
public final class OracleGraph {
    private OracleGraph() {
    }

    public static ModelProto build(ClipConfig c, WeightSource w) {
        GraphBuilder g = new GraphBuilder("clip").docString("emoji CLIP oracle: " + c);
        DiffusionBlocks b = new DiffusionBlocks(g, w);
        TextEncoderConfig t = c.text();
        String ids = g.input("input_ids", ElementType.INT64, "text_batch_size", "sequence_length");
        String pixels = g.input("pixel_values", ElementType.FLOAT, "image_batch_size", 3, "height", "width");
        g.input("attention_mask", ElementType.INT64, "text_batch_size", "sequence_length");
        String h = b.tokenAndPositionEmbedding("text_model.embeddings", ids, t.vocabSize(), t.maxPositions(), t.dim());
        String mask = b.causalMask(ids);
        for (int i = 0; i < t.layers(); i++) {
            h = b.clipEncoderLayer("text_model.encoder.layers." + i, h, mask, t.dim(), t.heads(), t.mlpDim());
        }
        h = b.layerNorm("text_model.final_layer_norm", h, t.dim(), 1e-5f);
        String text = normalize(b, b.linear("text_projection", b.poolAtMaxToken(h, ids), t.dim(), c.projectionDim(), false));

        int ch = c.imageChannels();
        String v = b.conv2d("vision_model.conv_in", AutoencoderGraphs.pixelUnshuffle(b, pixels, 3, 4), 48, ch, 3, 1, 1);
        v = b.resnetBlock("vision_model.res.0", v, null, ch, ch, 0, c.groups(), 1e-5f);
        v = b.conv2d("vision_model.down", v, ch, ch, 3, 2, 1);
        v = b.resnetBlock("vision_model.res.1", v, null, ch, ch, 0, c.groups(), 1e-5f);
        v = b.silu(b.groupNorm("vision_model.norm_out", v, c.groups(), ch, 1e-5f));
        v = g.op("ReduceMean", List.of(v), attrs("axes", new long[] {2, 3}, "keepdims", 0L));
        String image = normalize(b, b.linear("visual_projection", v, ch, c.projectionDim(), false));

        String scale = g.op("Exp", b.param("logit_scale", apprentice.onnx.graph.WeightInit.NORM_SHIFT, 1));
        String textT = g.op("Transpose", List.of(text), attrs("perm", new long[] {1, 0}));
        String logits = g.op("Mul", g.op("MatMul", image, textT), scale);
        g.output(logits, "logits_per_image", ElementType.FLOAT, "image_batch_size", "text_batch_size");
        g.output(g.op("Transpose", List.of(logits), attrs("perm", new long[] {1, 0})), "logits_per_text", ElementType.FLOAT,
                "text_batch_size", "image_batch_size");
        g.output(text, "text_embeds", ElementType.FLOAT, "text_batch_size", c.projectionDim());
        g.output(image, "image_embeds", ElementType.FLOAT, "image_batch_size", c.projectionDim());
        return g.build();
    }

    /** x / (‖x‖ + 1e-12), as the training code computes it. */
    private static String normalize(DiffusionBlocks b, String x) {
        GraphBuilder g = b.graph();
        String norm = g.op("Sqrt", g.op("ReduceSum", List.of(g.op("Mul", x, x), g.constInt64(-1)), attrs("keepdims", 1L)));
        return g.op("Div", x, g.op("Add", norm, g.scalar(1e-12f)));
    }
}
