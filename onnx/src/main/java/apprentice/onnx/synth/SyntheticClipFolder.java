package apprentice.onnx.synth;

import ai.onnx.proto.OnnxMl.ModelProto;
import apprentice.core.tokenizer.ClipTokenizer;
import apprentice.onnx.graph.ElementType;
import apprentice.onnx.graph.GraphBuilder;
import apprentice.onnx.graph.Layers;
import apprentice.onnx.graph.OnnxModelWriter;
import apprentice.onnx.graph.SeededWeights;
import apprentice.onnx.graph.WeightInit;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static apprentice.onnx.graph.GraphBuilder.attrs;

/**
 * Writes a small CLIP-style oracle folder in Optimum's {@code clip} layout, for tests of the oracles and of the adaptive
 * pipeline end to end:
 * <pre>
 * model.onnx                 input_ids, pixel_values, attention_mask → logits_per_image, logits_per_text, text_embeds, image_embeds
 * preprocessor_config.json   CLIPImageProcessor settings (shortest edge and crop = imageSize, CLIP mean/std)
 * config.json                model_type clip
 * vocab.json, merges.txt, tokenizer_config.json   the 514-token byte-level CLIP vocabulary
 * </pre>
 * The towers are tiny but real: text = token embedding, mean over the attention mask, linear projection; image = a
 * patch convolution, tanh, global average pool, linear projection; both L2-normalised, moved towards a shared direction and normalised again; logits = 100 · image·textᵀ.
 * {@link #writeReward} writes the same model with an extra {@code score} output ([batch], the matched pairs' cosine)
 * and a {@code reward_config.json}, as a stand-in for exported reward models. Same seed, same bytes.
 */
public final class SyntheticClipFolder {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Side of the square image the synthetic oracle looks at. */
    public static final int IMAGE_SIZE = 32;
    private static final int PATCH = 8;
    private static final int CHANNELS = 16;
    private static final int TEXT_DIM = 16;
    private static final int EMBED = 16;
    /** Length of the shared direction added to both unit embeddings (see {@link #towardsCommon}). */
    public static final double COMMON = 0.7;

    private SyntheticClipFolder() {
    }

    /** The CLIP-score layout. */
    public static void write(Path dir, long seed) {
        writeFolder(dir, seed, false);
    }

    /** The reward-model layout: the same towers, an extra {@code score} output and a {@code reward_config.json}. */
    public static void writeReward(Path dir, long seed) {
        writeFolder(dir, seed, true);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", "synthetic-reward");
        c.put("image_input", "pixel_values");
        c.put("text_input", "input_ids");
        c.put("mask_input", "attention_mask");
        c.put("output", "score");
        c.put("output_reduction", "none");
        c.put("image_size", IMAGE_SIZE);
        c.put("image_mean", List.of(0.5, 0.5, 0.5));
        c.put("image_std", List.of(0.5, 0.5, 0.5));
        writeJson(dir.resolve("reward_config.json"), c);
    }

    private static void writeFolder(Path dir, long seed, boolean rewardOutput) {
        try {
            Files.createDirectories(dir);
            OnnxModelWriter.save(graph(seed, rewardOutput), dir.resolve("model.onnx"));
            ClipTokenizer.writeByteLevelVocabulary(dir);
            Map<String, Object> tok = new LinkedHashMap<>();
            tok.put("tokenizer_class", "CLIPTokenizer");
            tok.put("model_max_length", 77);
            tok.put("bos_token", "<|startoftext|>");
            tok.put("eos_token", "<|endoftext|>");
            tok.put("pad_token", "<|endoftext|>");
            tok.put("unk_token", "<|endoftext|>");
            writeJson(dir.resolve("tokenizer_config.json"), tok);
            Map<String, Object> pre = new LinkedHashMap<>();
            pre.put("crop_size", Map.of("height", IMAGE_SIZE, "width", IMAGE_SIZE));
            pre.put("do_center_crop", true);
            pre.put("do_normalize", true);
            pre.put("do_resize", true);
            pre.put("image_processor_type", "CLIPImageProcessor");
            pre.put("image_mean", List.of(0.48145466, 0.4578275, 0.40821073));
            pre.put("image_std", List.of(0.26862954, 0.26130258, 0.27577711));
            pre.put("resample", 3);
            pre.put("size", Map.of("shortest_edge", IMAGE_SIZE));
            writeJson(dir.resolve("preprocessor_config.json"), pre);
            Map<String, Object> cfg = new LinkedHashMap<>();
            cfg.put("model_type", "clip");
            cfg.put("projection_dim", EMBED);
            cfg.put("apprentice.synthetic_seed", seed);
            writeJson(dir.resolve("config.json"), cfg);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write synthetic CLIP folder " + dir + ": " + e.getMessage(), e);
        }
    }

    static ModelProto graph(long seed, boolean rewardOutput) {
        GraphBuilder g = new GraphBuilder("clip").docString("synthetic CLIP-style oracle, seed " + seed);
        Layers l = new Layers(g, new SeededWeights(seed));
        String ids = g.input("input_ids", ElementType.INT64, "batch_size", "sequence_length");
        String pixels = g.input("pixel_values", ElementType.FLOAT, "batch_size", 3, "height", "width");
        String mask = g.input("attention_mask", ElementType.INT64, "batch_size", "sequence_length");

        // text tower: masked mean of token embeddings, projected
        String table = l.param("text_model.embeddings.token_embedding.weight", WeightInit.FAN_IN_UNIFORM, 514, TEXT_DIM);
        String tokens = g.op("Gather", List.of(table, ids), attrs("axis", 0L));
        String m = g.op("Unsqueeze", g.op("Cast", List.of(mask), attrs("to", 1L /* TensorProto.FLOAT */)),
                g.constInt64(2));
        String summed = g.op("ReduceSum", List.of(g.op("Mul", tokens, m), g.constInt64(1)), attrs("keepdims", 0L));
        String count = g.op("ReduceSum", List.of(m, g.constInt64(1)), attrs("keepdims", 0L));
        String pooled = g.op("Div", summed, g.op("Max", count, g.scalar(1f)));
        String text = towardsCommon(g, normalise(g, l.linear("text_projection", pooled, TEXT_DIM, EMBED, false)));

        // image tower: patch conv, tanh, global average pool, projection
        String conv = g.op("Tanh", l.conv2d("vision_model.patch_embedding", pixels, 3, CHANNELS, PATCH, PATCH, 0));
        String pooledImage = g.op("Flatten", List.of(g.op("GlobalAveragePool", conv)), attrs("axis", 1L));
        String image = towardsCommon(g, normalise(g, l.linear("visual_projection", pooledImage, CHANNELS, EMBED, false)));

        String logits = g.op("Mul", g.op("MatMul", image, g.op("Transpose", List.of(text), attrs("perm", new long[] {1, 0}))),
                g.scalar(100f));
        g.output(logits, "logits_per_image", ElementType.FLOAT, "batch_size", "batch_size");
        g.output(g.op("Transpose", List.of(logits), attrs("perm", new long[] {1, 0})), "logits_per_text", ElementType.FLOAT,
                "batch_size", "batch_size");
        g.output(text, "text_embeds", ElementType.FLOAT, "batch_size", EMBED);
        g.output(image, "image_embeds", ElementType.FLOAT, "batch_size", EMBED);
        if (rewardOutput) {
            String score = g.op("ReduceSum", List.of(g.op("Mul", image, text), g.constInt64(1)), attrs("keepdims", 0L));
            g.output(score, "score", ElementType.FLOAT, "batch_size");
        }
        return g.build();
    }

    /**
     * Adds {@link #COMMON} times the unit all-ones direction and re-normalises: random 16-d embeddings alone would
     * give cosines spread around 0, most of them clamped to a CLIP score of 0; the common component makes the
     * cosines mostly positive and still varied, like a real CLIP's (typically 0.15–0.35).
     */
    private static String towardsCommon(GraphBuilder g, String unit) {
        float[] c = new float[EMBED];
        java.util.Arrays.fill(c, (float) (COMMON / Math.sqrt(EMBED)));
        return normalise(g, g.op("Add", unit, g.constFloat(c)));
    }

    private static String normalise(GraphBuilder g, String x) {
        String sq = g.op("ReduceSum", List.of(g.op("Mul", x, x), g.constInt64(1)), attrs("keepdims", 1L));
        return g.op("Div", x, g.op("Sqrt", g.op("Max", sq, g.scalar(1e-12f))));
    }

    private static void writeJson(Path file, Map<String, Object> content) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, JSON.writeValueAsBytes(content));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
