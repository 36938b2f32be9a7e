package apprentice.onnx.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.image.Images;
import apprentice.core.oracle.Oracle;
import apprentice.core.tensor.Tensor;
import apprentice.core.tokenizer.ClipTokenizer;
import apprentice.core.tokenizer.TokenizedText;
import apprentice.onnx.graph.SeededWeights;
import apprentice.onnx.graph.WeightInit;
import apprentice.onnx.runtime.RuntimeOptions;
import apprentice.onnx.synth.SyntheticClipFolder;
import apprentice.onnx.synth.SyntheticModelFolder;
import apprentice.onnx.synth.SyntheticSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OracleModelsTest {
    static final RuntimeOptions CPU = RuntimeOptions.defaults().withThreads(1, 1);
    static final long SEED = 77;
    static final int S = SyntheticClipFolder.IMAGE_SIZE;

    @TempDir
    static Path tmp;
    static Path clip;
    static Path reward;

    @BeforeAll
    static void writeFolders() {
        clip = tmp.resolve("tiny-clip");
        SyntheticClipFolder.write(clip, SEED);
        reward = tmp.resolve("tiny-reward");
        SyntheticClipFolder.writeReward(reward, SEED);
    }

    static Tensor images(int batch, int h, int w, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] d = new float[batch * 3 * h * w];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextDouble(-1.1, 1.1);
        }
        return new Tensor(new int[] {batch, 3, h, w}, d);
    }

    /** The synthetic graph recomputed in plain Java from the same seeded weights. */
    static double referenceCosine(String prompt, Tensor image, int index) {
        SeededWeights w = new SeededWeights(SEED);
        int td = 16;
        int ch = 16;
        int emb = 16;
        float[] table = w.get("text_model.embeddings.token_embedding.weight", WeightInit.FAN_IN_UNIFORM, 514, td);
        TokenizedText t = ClipTokenizer.load(clip).tokenize(prompt);
        int real = Math.min(t.tokenCount(), 77);
        double[] pooled = new double[td];
        for (int k = 0; k < real; k++) {
            for (int d = 0; d < td; d++) {
                pooled[d] += table[t.ids()[k] * td + d];
            }
        }
        for (int d = 0; d < td; d++) {
            pooled[d] /= real;
        }
        double[] text = linear(w.get("text_projection.weight", WeightInit.FAN_IN_UNIFORM, emb, td), pooled, emb);
        // image: 8-bit quantisation, CLIP normalisation, 8×8 stride-8 conv, tanh, mean, projection
        float[] mean = {0.48145466f, 0.4578275f, 0.40821073f};
        float[] std = {0.26862954f, 0.26130258f, 0.27577711f};
        float[] cw = w.get("vision_model.patch_embedding.weight", WeightInit.FAN_IN_UNIFORM, ch, 3, 8, 8);
        float[] cb = w.get("vision_model.patch_embedding.bias", WeightInit.BIAS, ch);
        int plane = S * S;
        double[] pooledImage = new double[ch];
        for (int o = 0; o < ch; o++) {
            for (int py = 0; py < S / 8; py++) {
                for (int px = 0; px < S / 8; px++) {
                    double acc = cb[o];
                    for (int c = 0; c < 3; c++) {
                        for (int ky = 0; ky < 8; ky++) {
                            for (int kx = 0; kx < 8; kx++) {
                                float v = image.data()[index * 3 * plane + c * plane + (py * 8 + ky) * S + px * 8 + kx];
                                float x = (Images.toByte(v) / 255f - mean[c]) / std[c];
                                acc += cw[((o * 3 + c) * 8 + ky) * 8 + kx] * x;
                            }
                        }
                    }
                    pooledImage[o] += Math.tanh(acc) / ((S / 8) * (S / 8));
                }
            }
        }
        double[] img = linear(w.get("visual_projection.weight", WeightInit.FAN_IN_UNIFORM, emb, ch), pooledImage, emb);
        img = towardsCommon(img);
        text = towardsCommon(text);
        double dot = 0;
        double ni = 0;
        double nt = 0;
        for (int d = 0; d < emb; d++) {
            dot += img[d] * text[d];
            ni += img[d] * img[d];
            nt += text[d] * text[d];
        }
        return dot / Math.sqrt(ni * nt);
    }

    static double[] towardsCommon(double[] x) {
        double n = 0;
        for (double v : x) {
            n += v * v;
        }
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] / Math.sqrt(n) + SyntheticClipFolder.COMMON / Math.sqrt(x.length);
        }
        return y;
    }

    static double[] linear(float[] weight, double[] x, int out) {
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < x.length; i++) {
                y[o] += weight[o * x.length + i] * x[i];
            }
        }
        return y;
    }

    @Test
    void clipScoreIs100TimesTheClampedCosineOfThePair() {
        List<String> prompts = List.of("a red apple", "a smiling face", "🦊 fox", "");
        Tensor imgs = images(4, S, S, 5);
        try (Oracle o = ClipScoreOracle.open(clip, CPU)) {
            assertEquals("clip-score:tiny-clip", o.name());
            float[] scores = o.score(prompts, imgs);
            int positive = 0;
            for (int i = 0; i < 4; i++) {
                double cos = referenceCosine(prompts.get(i), imgs, i);
                assertEquals(100 * Math.max(cos, 0), scores[i], 1e-3, "pair " + i);
                positive += cos > 0 ? 1 : 0;
            }
            assertTrue(positive > 0, "at least one pair with a positive cosine, so the check is not all zeros");
            // batch independence: one at a time gives the same scores
            for (int i = 0; i < 4; i++) {
                float[] one = o.score(List.of(prompts.get(i)), imgs.slice(i, i + 1));
                assertEquals(scores[i], one[0], 1e-4f);
            }
            assertTrue(assertThrows(IllegalArgumentException.class, () -> o.score(List.of("a"), imgs)).getMessage()
                    .contains("one prompt per image"));
        }
    }

    @Test
    void rewardModelAdapterReadsItsConfig() throws Exception {
        List<String> prompts = List.of("a red apple", "a smiling face", "cat");
        Tensor imgs = images(3, S, S, 9);
        try (Oracle o = Oracles.open(reward, CPU)) {
            assertEquals("reward:synthetic-reward", o.name());
            float[] scores = o.score(prompts, imgs);
            for (int i = 0; i < 3; i++) {
                // the reward folder normalises with mean/std 0.5 (its config), so it sees other pixel values than CLIP's
                assertTrue(scores[i] >= -1 && scores[i] <= 1, "cosine " + scores[i]);
            }
        }
        // the same model read as a [batch, batch] similarity matrix with diagonal reduction: 100 · cosine
        Path diag = tmp.resolve("diag");
        Files.createDirectories(diag);
        for (String f : List.of("model.onnx", "vocab.json", "merges.txt", "tokenizer_config.json")) {
            Files.copy(reward.resolve(f), diag.resolve(f));
        }
        Files.writeString(diag.resolve("reward_config.json"), "{\"name\": \"diag\", \"output\": \"logits_per_image\","
                + " \"output_reduction\": \"diagonal\", \"mask_input\": \"attention_mask\", \"image_size\": 32,"
                + " \"image_mean\": [0.5, 0.5, 0.5], \"image_std\": [0.5, 0.5, 0.5]}");
        try (Oracle a = Oracles.open(reward, CPU); Oracle b = Oracles.open(diag, CPU)) {
            float[] cos = a.score(prompts, imgs);
            float[] logits = b.score(prompts, imgs);
            for (int i = 0; i < 3; i++) {
                assertEquals(100 * cos[i], logits[i], 1e-3);
            }
        }
    }

    @Test
    void largerAndNonSquareImagesAreResizedAndCentreCropped() {
        // a 64×48 image: shortest edge 48 → 32, long edge int(32·64/48) = 42, crop 32 from x = 5
        Tensor wide = images(1, 48, 64, 3);
        ImagePreprocessor p = new ImagePreprocessor(32, 32, 32, ImagePreprocessor.CLIP_MEAN, ImagePreprocessor.CLIP_STD);
        float[] out = p.apply(wide);
        assertEquals(3 * 32 * 32, out.length);
        java.awt.image.BufferedImage resized = apprentice.core.image.Resampler.resize(Images.toImage(wide, 0), 42, 32,
                apprentice.core.image.Resampler.Filter.BICUBIC);
        int rgb = resized.getRGB(5 + 3, 0 + 7);
        assertEquals(((rgb >> 16 & 255) / 255f - ImagePreprocessor.CLIP_MEAN[0]) / ImagePreprocessor.CLIP_STD[0], out[7 * 32 + 3], 1e-6);
        try (Oracle o = ClipScoreOracle.open(clip, CPU)) {
            assertEquals(1, o.score(List.of("x"), wide).length);
        }
    }

    @Test
    void aFolderThatDoesNotFitNamesExpectedAndActualInputs() {
        Path model = tmp.resolve("sd");
        SyntheticModelFolder.write(model, SyntheticSpec.tiny());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClipScoreOracle.open(model.resolve("text_encoder"), CPU));
        assertTrue(e.getMessage().contains("does not fit the CLIP-score oracle interface"), e.getMessage());
        assertTrue(e.getMessage().contains("expected inputs input_ids [batch, sequence], pixel_values"), e.getMessage());
        assertTrue(e.getMessage().contains("the model has inputs [input_ids: int64"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Oracles.open(model, CPU)).getMessage()
                .contains("does not exist"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Oracles.open(tmp.resolve("nope"), CPU)).getMessage()
                .contains("not a directory"));
    }

    @Test
    void cudaWithoutTheGpuBuildFailsAsClearlyAsForModelFolders() {
        org.junit.jupiter.api.Assumptions.assumeFalse(RuntimeOptions.cudaAvailable(), "the GPU build of ONNX Runtime is on the class path");
        RuntimeOptions cuda = RuntimeOptions.defaults().withProvider(RuntimeOptions.Provider.CUDA);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Oracles.open(clip, cuda));
        assertTrue(e.getMessage().contains("onnxruntime_gpu"), e.getMessage());
    }

    @Test
    void syntheticFolderIsDeterministic() throws Exception {
        Path again = tmp.resolve("again");
        SyntheticClipFolder.write(again, SEED);
        assertArrayEquals(Files.readAllBytes(clip.resolve("model.onnx")), Files.readAllBytes(again.resolve("model.onnx")));
    }
}
