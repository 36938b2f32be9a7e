package apprentice.onnx.graph;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import apprentice.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parameter names and layouts of the model graphs: the contract a trained-weight exporter relies on. */
class ModelGraphsTest {
    private static final UnetConfig UNET = new UnetConfig(4, 4, new int[] {32, 64}, 1, 1, 2, 8, 24,
            ElementType.INT64, true, 16, 8);
    private static final VaeConfig VAE = new VaeConfig(3, 4, new int[] {8, 16, 16}, 1, 4, true);
    private static final TextEncoderConfig TEXT = new TextEncoderConfig(514, 77, 24, 1, 2, 96);

    private static Map<String, List<Long>> params(ModelProto m) {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        for (TensorProto t : m.getGraph().getInitializerList()) {
            if (!t.getName().contains("const_")) {
                out.put(t.getName(), t.getDimsList());
            }
        }
        return out;
    }

    @Test
    void unetUsesDiffusersNamesAndPytorchLayouts() {
        Map<String, List<Long>> p = params(UnetGraph.build(UNET, new SeededWeights(1)));
        assertEquals(List.of(32L, 4L, 3L, 3L), p.get("conv_in.weight"));
        assertEquals(List.of(32L, 16L), p.get("time_embedding.cond_proj.weight"));
        assertEquals(List.of(128L, 32L), p.get("time_embedding.linear_1.weight"));
        assertEquals(List.of(32L, 128L), p.get("down_blocks.0.resnets.0.time_emb_proj.weight"));
        assertTrue(!p.containsKey("down_blocks.0.attentions.0.proj_in.weight"), "level 0 has no attention (attentionFromLevel 1)");
        assertEquals(List.of(64L, 32L, 1L, 1L), p.get("down_blocks.1.resnets.0.conv_shortcut.weight"));
        assertEquals(List.of(64L, 24L), p.get("down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight"));
        assertEquals(List.of(512L, 64L), p.get("down_blocks.1.attentions.0.transformer_blocks.0.ff.net.0.proj.weight"));
        assertEquals(List.of(32L, 32L, 3L, 3L), p.get("down_blocks.0.downsamplers.0.conv.weight"));
        assertEquals(List.of(64L), p.get("mid_block.attentions.0.norm.weight"));
        assertEquals(List.of(64L, 128L, 3L, 3L), p.get("up_blocks.0.resnets.0.conv1.weight"));
        assertEquals(List.of(64L, 96L, 3L, 3L), p.get("up_blocks.0.resnets.1.conv1.weight"));
        assertEquals(List.of(64L, 64L, 3L, 3L), p.get("up_blocks.0.upsamplers.0.conv.weight"));
        assertEquals(List.of(32L, 96L, 3L, 3L), p.get("up_blocks.1.resnets.0.conv1.weight"));
        assertEquals(List.of(32L, 64L, 3L, 3L), p.get("up_blocks.1.resnets.1.conv1.weight"));
        assertEquals(List.of(4L, 32L, 3L, 3L), p.get("conv_out.weight"));
    }

    @Test
    void vaeAndTextEncoderUseDiffusersAndTransformersNames() {
        Map<String, List<Long>> enc = params(VaeGraphs.encoder(VAE, new SeededWeights(1), false));
        assertEquals(List.of(16L, 16L, 3L, 3L), enc.get("encoder.down_blocks.1.downsamplers.0.conv.weight"));
        assertEquals(List.of(16L, 16L), enc.get("encoder.mid_block.attentions.0.to_q.weight"));
        assertEquals(List.of(16L), enc.get("encoder.mid_block.attentions.0.group_norm.weight"));
        assertEquals(List.of(8L, 8L, 1L, 1L), enc.get("quant_conv.weight"));
        Map<String, List<Long>> dec = params(VaeGraphs.decoder(VAE, new SeededWeights(1)));
        assertEquals(List.of(4L, 4L, 1L, 1L), dec.get("post_quant_conv.weight"));
        assertEquals(List.of(8L, 16L, 3L, 3L), dec.get("decoder.up_blocks.2.resnets.0.conv1.weight"));
        assertEquals(List.of(3L, 8L, 3L, 3L), dec.get("decoder.conv_out.weight"));
        Map<String, List<Long>> text = params(TextEncoderGraph.build(TEXT, new SeededWeights(1)));
        assertEquals(List.of(514L, 24L), text.get("text_model.embeddings.token_embedding.weight"));
        assertEquals(List.of(77L, 24L), text.get("text_model.embeddings.position_embedding.weight"));
        assertEquals(List.of(24L, 24L), text.get("text_model.encoder.layers.0.self_attn.q_proj.weight"));
        assertEquals(List.of(96L, 24L), text.get("text_model.encoder.layers.0.mlp.fc1.weight"));
        assertEquals(List.of(24L), text.get("text_model.final_layer_norm.bias"));
    }

    /** The export path: trained weights in a name → Tensor map give the same model as the source they came from. */
    @Test
    void mapWeightsExportReproducesTheModelAndReportsUnusedOrMissingNames() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        SeededWeights seeded = new SeededWeights(5);
        WeightSource recording = (name, init, shape) -> {
            float[] d = seeded.get(name, init, shape);
            state.put(name, new Tensor(shape, d));
            return d;
        };
        ModelProto original = VaeGraphs.decoder(VAE, recording);
        MapWeights trained = new MapWeights(state);
        assertArrayEquals(original.toByteArray(), VaeGraphs.decoder(VAE, trained).toByteArray());
        assertTrue(trained.unused().isEmpty(), "every parameter read: " + trained.unused());

        Map<String, Tensor> extra = new LinkedHashMap<>(state);
        extra.put("decoder.spare.weight", new Tensor(new int[] {1}, new float[1]));
        MapWeights withExtra = new MapWeights(extra);
        VaeGraphs.decoder(VAE, withExtra);
        assertEquals(java.util.Set.of("decoder.spare.weight"), withExtra.unused());

        state.remove("decoder.conv_out.bias");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VaeGraphs.decoder(VAE, new MapWeights(state)));
        assertTrue(e.getMessage().contains("missing parameter 'decoder.conv_out.bias' of shape [3]"), e.getMessage());
    }

    @Test
    void configsRejectInconsistentSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new UnetConfig(4, 4,
                new int[] {30, 60}, 1, 0, 2, 8, 24, ElementType.INT64, true, 0, 8));
        assertTrue(e.getMessage().contains("must be divisible by normGroups 8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TextEncoderConfig(514, 77, 30, 1, 4, 96));
        assertTrue(e.getMessage().contains("dim 30 must be divisible by heads 4"), e.getMessage());
    }
}
