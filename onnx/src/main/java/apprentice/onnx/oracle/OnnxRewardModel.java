package apprentice.onnx.oracle;

import ai.onnxruntime.OnnxTensor;
import apprentice.core.oracle.Oracle;
import apprentice.core.tensor.Tensor;
import apprentice.core.tokenizer.ClipTokenizer;
import apprentice.onnx.runtime.RuntimeOptions;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A generic image–text reward model (ImageReward-, PickScore-style exports): {@code model.onnx} taking an image and
 * tokenised text and giving a scalar per pair, described by {@code reward_config.json}:
 * <pre>{@code
 * {
 *   "name": "pickscore",                  // the oracle's name is reward:<name>
 *   "image_input": "pixel_values",        // [batch, 3, H, W] float
 *   "text_input": "input_ids",            // [batch, sequence] int64/int32, CLIP BPE ids
 *   "mask_input": "attention_mask",       // optional
 *   "output": "score",                    // [batch], [batch, 1], or [batch, batch] with "output_reduction": "diagonal"
 *   "output_reduction": "none",           // "none" (default) or "diagonal" (logits_per_image of a CLIP-style model)
 *   "image_size": 224,                    // or "shortest_edge" + "crop_size"
 *   "image_mean": [0.481, 0.458, 0.408],
 *   "image_std": [0.269, 0.261, 0.276]
 * }
 * }</pre>
 * The tokenizer is the CLIP BPE tokenizer in the folder (or {@code tokenizer/}); models that need another
 * tokenizer (ImageReward's BERT) are not supported. Every model input must be named in the config.
 */
public final class OnnxRewardModel implements Oracle {
    private final OracleSession session;
    private final ImagePreprocessor preprocessor;
    private final ClipTokenizer tokenizer;
    private final String imageInput;
    private final String textInput;
    private final String maskInput;
    private final String output;
    private final boolean diagonal;
    private final String name;

    private OnnxRewardModel(OracleSession session, ImagePreprocessor preprocessor, ClipTokenizer tokenizer, String imageInput,
                            String textInput, String maskInput, String output, boolean diagonal, String name) {
        this.session = session;
        this.preprocessor = preprocessor;
        this.tokenizer = tokenizer;
        this.imageInput = imageInput;
        this.textInput = textInput;
        this.maskInput = maskInput;
        this.output = output;
        this.diagonal = diagonal;
        this.name = name;
    }

    public static OnnxRewardModel open(Path dir, RuntimeOptions options) {
        JsonNode c = OracleFiles.json(dir.resolve("reward_config.json"),
                "the reward model's interface: image_input, text_input, output, image_size, image_mean, image_std");
        String imageInput = c.path("image_input").asText("pixel_values");
        String textInput = c.path("text_input").asText("input_ids");
        String maskInput = c.hasNonNull("mask_input") ? c.get("mask_input").asText() : null;
        String output = c.path("output").asText("score");
        String reduction = c.path("output_reduction").asText("none");
        if (!reduction.equals("none") && !reduction.equals("diagonal")) {
            throw new IllegalArgumentException(dir.resolve("reward_config.json") + ": output_reduction '" + reduction
                    + "' is unknown: use none or diagonal");
        }
        Set<String> expectedInputs = new HashSet<>(List.of(imageInput, textInput));
        if (maskInput != null) {
            expectedInputs.add(maskInput);
        }
        String expected = "inputs " + expectedInputs + " and output " + output + " (as reward_config.json names them)";
        OracleSession s = OracleSession.open(dir.resolve("model.onnx"), options);
        try {
            if (!s.inputs().keySet().equals(expectedInputs) || !s.outputs().containsKey(output)) {
                throw s.mismatch("reward-model oracle", expected);
            }
            ImagePreprocessor pre;
            if (c.has("image_size")) {
                int size = c.get("image_size").asInt();
                pre = new ImagePreprocessor(size, size, size, floats(c.get("image_mean"), ImagePreprocessor.CLIP_MEAN),
                        floats(c.get("image_std"), ImagePreprocessor.CLIP_STD));
            } else {
                pre = ImagePreprocessor.fromConfig(c.has("size") || c.has("crop_size") ? c : withSize(c, s, imageInput));
            }
            String n = c.path("name").asText(OracleFiles.folderName(dir));
            return new OnnxRewardModel(s, pre, OracleFiles.tokenizer(dir), imageInput, textInput, maskInput, output,
                    reduction.equals("diagonal"), "reward:" + n);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static JsonNode withSize(JsonNode c, OracleSession s, String imageInput) {
        int h = s.fixedDim(imageInput, 2);
        if (h <= 0) {
            throw new IllegalArgumentException(s.file() + ": reward_config.json gives no image_size and the model's " + imageInput
                    + " has no fixed size: add \"image_size\"");
        }
        com.fasterxml.jackson.databind.node.ObjectNode o = ((com.fasterxml.jackson.databind.node.ObjectNode) c).deepCopy();
        o.put("size", h);
        return o;
    }

    private static float[] floats(JsonNode n, float[] dflt) {
        if (n == null || n.isNull()) {
            return dflt.clone();
        }
        float[] out = new float[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).floatValue();
        }
        return out;
    }

    @Override
    public synchronized float[] score(List<String> prompts, Tensor images) {
        Oracle.checkBatch(prompts, images);
        int b = prompts.size();
        int[][][] tok = OracleFiles.tokenize(tokenizer, prompts);
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        feeds.put(textInput, session.ids(textInput, tok[0]));
        if (maskInput != null) {
            feeds.put(maskInput, session.ids(maskInput, tok[1]));
        }
        feeds.put(imageInput, OracleSession.floats(preprocessor.apply(images), b, 3, preprocessor.cropHeight(), preprocessor.cropWidth()));
        Map<String, long[]> shapes = new LinkedHashMap<>();
        float[] raw = session.run(feeds, List.of(output), shapes).get(output);
        long[] shape = shapes.get(output);
        float[] out = new float[b];
        if (diagonal) {
            if (shape.length != 2 || shape[0] != b || shape[1] != b) {
                throw new IllegalStateException(session.file() + ": output " + output + " has shape " + Arrays.toString(shape)
                        + " but diagonal reduction needs [" + b + ", " + b + "]");
            }
            for (int i = 0; i < b; i++) {
                out[i] = raw[i * b + i];
            }
        } else {
            if (raw.length != b) {
                throw new IllegalStateException(session.file() + ": output " + output + " has shape " + Arrays.toString(shape)
                        + " but one score per image ([" + b + "] or [" + b + ", 1]) was expected; for a [batch, batch] "
                        + "similarity matrix set \"output_reduction\": \"diagonal\"");
            }
            System.arraycopy(raw, 0, out, 0, b);
        }
        return out;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        session.close();
    }
}
