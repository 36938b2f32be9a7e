package apprentice.onnx.oracle;

import ai.onnxruntime.OnnxTensor;
import apprentice.core.eval.ClipScore;
import apprentice.core.oracle.Oracle;
import apprentice.core.tensor.Tensor;
import apprentice.core.tokenizer.ClipTokenizer;
import apprentice.onnx.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CLIP score from an Optimum {@code clip} ONNX export: {@code model.onnx} with inputs {@code input_ids},
 * {@code pixel_values}, {@code attention_mask} and outputs {@code text_embeds}, {@code image_embeds} (plus
 * {@code logits_per_image}), {@code preprocessor_config.json} for the image preprocessing ({@link ImagePreprocessor})
 * and the CLIP BPE tokenizer files beside it (or in {@code tokenizer/}).
 *
 * <p><b>Score.</b> torchmetrics' {@code CLIPScore}: {@code 100 · max(cos(image_embeds, text_embeds), 0)}, each pair
 * scored against its own prompt (the embeddings are re-normalised here, so exports that leave them raw work too).
 * Range [0, 100]; the name is {@code clip-score:<folder name>}.
 */
public final class ClipScoreOracle implements Oracle {
    static final String EXPECTED = "inputs input_ids [batch, sequence], pixel_values [batch, 3, height, width], attention_mask "
            + "[batch, sequence] and outputs text_embeds [batch, dim], image_embeds [batch, dim] (Optimum's `clip` export: "
            + "optimum-cli export onnx --model openai/clip-vit-base-patch32 --task zero-shot-image-classification <dir>)";
    private final OracleSession session;
    private final ImagePreprocessor preprocessor;
    private final ClipTokenizer tokenizer;
    private final String name;

    private ClipScoreOracle(OracleSession session, ImagePreprocessor preprocessor, ClipTokenizer tokenizer, String name) {
        this.session = session;
        this.preprocessor = preprocessor;
        this.tokenizer = tokenizer;
        this.name = name;
    }

    public static ClipScoreOracle open(Path dir, RuntimeOptions options) {
        OracleSession s = OracleSession.open(dir.resolve("model.onnx"), options);
        try {
            Set<String> in = s.inputs().keySet();
            if (!in.equals(Set.of("input_ids", "pixel_values", "attention_mask")) && !in.equals(Set.of("input_ids", "pixel_values"))) {
                throw s.mismatch("CLIP-score oracle", EXPECTED);
            }
            if (!s.outputs().containsKey("text_embeds") || !s.outputs().containsKey("image_embeds")) {
                throw s.mismatch("CLIP-score oracle", EXPECTED);
            }
            ImagePreprocessor pre = ImagePreprocessor.fromConfig(OracleFiles.json(dir.resolve("preprocessor_config.json"),
                    "the image preprocessing: size, crop_size, image_mean, image_std"));
            ClipTokenizer tok = OracleFiles.tokenizer(dir);
            int fixed = s.fixedDim("input_ids", 1);
            if (fixed > 0 && fixed != tok.maxLength()) {
                throw new IllegalArgumentException(dir + ": the tokenizer pads to " + tok.maxLength() + " tokens but model.onnx takes "
                        + fixed + "; the tokenizer and the model do not belong together");
            }
            return new ClipScoreOracle(s, pre, tok, "clip-score:" + OracleFiles.folderName(dir));
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public synchronized float[] score(List<String> prompts, Tensor images) {
        Oracle.checkBatch(prompts, images);
        int b = prompts.size();
        int[][][] tok = OracleFiles.tokenize(tokenizer, prompts);
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        feeds.put("input_ids", session.ids("input_ids", tok[0]));
        if (session.inputs().containsKey("attention_mask")) {
            feeds.put("attention_mask", session.ids("attention_mask", tok[1]));
        }
        feeds.put("pixel_values", OracleSession.floats(preprocessor.apply(images), b, 3, preprocessor.cropHeight(),
                preprocessor.cropWidth()));
        Map<String, float[]> out = session.run(feeds, List.of("text_embeds", "image_embeds"), null);
        return clipScores(out.get("image_embeds"), out.get("text_embeds"), b);
    }

    /**
     * The oracle's image embeddings ({@code image_embeds}) of a batch ({@code [B, 3, H, W]} in [-1, 1]), each row
     * L2-normalised: flat row-major {@code [B, dim]}. The export runs both towers at once, so the text tower is fed
     * the empty prompt; its output is discarded. For metrics in the oracle's embedding space (Fréchet distance,
     * zero-shot classification).
     */
    public synchronized float[] imageEmbeddings(Tensor images) {
        if (images.rank() != 4 || images.dim(1) != 3 || images.dim(0) < 1) {
            throw new IllegalArgumentException("expected an image batch [B, 3, H, W] with B >= 1, got "
                    + java.util.Arrays.toString(images.shape()));
        }
        int b = images.dim(0);
        int[][][] tok = OracleFiles.tokenize(tokenizer, java.util.Collections.nCopies(b, ""));
        Map<String, OnnxTensor> feeds = textFeeds(tok);
        feeds.put("pixel_values", OracleSession.floats(preprocessor.apply(images), b, 3, preprocessor.cropHeight(),
                preprocessor.cropWidth()));
        return normalisedRows(session.run(feeds, List.of("image_embeds"), null).get("image_embeds"), b, "image_embeds");
    }

    /**
     * The oracle's text embeddings ({@code text_embeds}) of prompts, each row L2-normalised: flat row-major
     * {@code [prompts, dim]}. The image tower is fed blank (all-zero, i.e. after normalisation mean-grey) pixels; its
     * output is discarded.
     */
    public synchronized float[] textEmbeddings(List<String> prompts) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts to embed; pass at least one");
        }
        int b = prompts.size();
        Map<String, OnnxTensor> feeds = textFeeds(OracleFiles.tokenize(tokenizer, prompts));
        int h = preprocessor.cropHeight();
        int w = preprocessor.cropWidth();
        feeds.put("pixel_values", OracleSession.floats(new float[b * 3 * h * w], b, 3, h, w));
        return normalisedRows(session.run(feeds, List.of("text_embeds"), null).get("text_embeds"), b, "text_embeds");
    }

    private Map<String, OnnxTensor> textFeeds(int[][][] tok) {
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        feeds.put("input_ids", session.ids("input_ids", tok[0]));
        if (session.inputs().containsKey("attention_mask")) {
            feeds.put("attention_mask", session.ids("attention_mask", tok[1]));
        }
        return feeds;
    }

    /** Rows scaled to unit length (exports differ in whether they normalise; metrics want unit rows). */
    static float[] normalisedRows(float[] rows, int batch, String what) {
        if (rows.length % batch != 0 || rows.length == 0) {
            throw new IllegalStateException(what + " has " + rows.length + " values, not " + batch + " equal rows");
        }
        int dim = rows.length / batch;
        float[] out = new float[rows.length];
        for (int b = 0; b < batch; b++) {
            double n = 0;
            for (int k = 0; k < dim; k++) {
                double x = rows[b * dim + k];
                n += x * x;
            }
            double inv = 1 / Math.max(Math.sqrt(n), 1e-12);
            for (int k = 0; k < dim; k++) {
                out[b * dim + k] = (float) (rows[b * dim + k] * inv);
            }
        }
        return out;
    }

    /** 100 · max(cos, 0) per row pair. */
    static float[] clipScores(float[] image, float[] text, int batch) {
        int dim = image.length / batch;
        if (text.length != image.length) {
            throw new IllegalStateException("image_embeds has " + image.length + " values but text_embeds " + text.length
                    + ": the model's two towers disagree");
        }
        double[] scores = ClipScore.perPair(image, text, dim);
        float[] out = new float[batch];
        for (int b = 0; b < batch; b++) {
            out[b] = (float) scores[b];
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
