package apprentice.app.evaluate;

import apprentice.app.BadInputException;
import apprentice.core.eval.ClipScore;
import apprentice.core.eval.FrechetDistance;
import apprentice.core.eval.Gaussian;
import apprentice.core.eval.ValidationSet;
import apprentice.core.oracle.Oracle;
import apprentice.core.tensor.Tensor;
import apprentice.onnx.oracle.ClipScoreOracle;
import apprentice.onnx.runtime.RuntimeOptions;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The measures of {@link ImageMeasures} on real models: the gate's oracle score, and from a CLIP model (an Optimum
 * {@code clip} export) the CLIP score of each image against its prompt and its image embedding for the Fréchet
 * distance to the real validation images.
 */
final class ClipMeasures implements ImageMeasures, AutoCloseable {
    private final Oracle oracle;
    private final ClipScoreOracle clip;
    private final boolean ownsClip;
    private final Map<String, float[]> textCache = new HashMap<>();

    private ClipMeasures(Oracle oracle, ClipScoreOracle clip, boolean ownsClip) {
        this.oracle = oracle;
        this.clip = clip;
        this.ownsClip = ownsClip;
    }

    /**
     * @param sameAsOracle the CLIP folder is the oracle's own (then a folder that is not a CLIP export just leaves the CLIP
     *                     measures out; a --clip folder that is not one is an error)
     */
    static ClipMeasures open(Oracle oracle, Path clipDir, boolean sameAsOracle, RuntimeOptions options) {
        if (sameAsOracle && oracle instanceof ClipScoreOracle c) {
            return new ClipMeasures(oracle, c, false);
        }
        try {
            return new ClipMeasures(oracle, ClipScoreOracle.open(clipDir, options), true);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            if (sameAsOracle) {
                return new ClipMeasures(oracle, null, false);
            }
            throw new BadInputException("--clip " + clipDir + " is not a usable CLIP export: " + e.getMessage(), e);
        }
    }

    @Override
    public float[] oracleScores(List<String> prompts, Tensor images) {
        return oracle.score(prompts, images);
    }

    @Override
    public float[] clipScores(List<String> prompts, Tensor images) {
        float[] out = new float[prompts.size()];
        if (clip == null) {
            Arrays.fill(out, Float.NaN);
            return out;
        }
        float[] img = clip.imageEmbeddings(images);
        int dim = img.length / prompts.size();
        float[] txt = new float[img.length];
        for (int i = 0; i < prompts.size(); i++) {
            System.arraycopy(text(prompts.get(i)), 0, txt, i * dim, dim);
        }
        double[] s = ClipScore.perPair(img, txt, dim);
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) s[i];
        }
        return out;
    }

    private synchronized float[] text(String prompt) {
        return textCache.computeIfAbsent(prompt, p -> clip.textEmbeddings(List.of(p)));
    }

    @Override
    public float[][] embeddings(Tensor images) {
        int b = images.dim(0);
        float[][] out = new float[b][];
        if (clip == null) {
            return out;
        }
        float[] flat = clip.imageEmbeddings(images);
        int dim = flat.length / b;
        for (int i = 0; i < b; i++) {
            out[i] = Arrays.copyOfRange(flat, i * dim, (i + 1) * dim);
        }
        return out;
    }

    /** The Fréchet distance of a set of embeddings to the validation images' (null without a CLIP model). */
    MethodSummary.Distance frechetTo(ValidationSet validation) {
        if (clip == null) {
            return null;
        }
        float[] real = new float[0];
        int dim = 0;
        for (int from = 0; from < validation.size(); from += 64) {
            float[] part = clip.imageEmbeddings(validation.images(from, Math.min(validation.size(), from + 64)));
            dim = part.length / (Math.min(validation.size(), from + 64) - from);
            float[] joined = Arrays.copyOf(real, real.length + part.length);
            System.arraycopy(part, 0, joined, real.length, part.length);
            real = joined;
        }
        Gaussian reference = Gaussian.fit(real, dim);
        int d = dim;
        return embeddings -> {
            float[] rows = new float[embeddings.size() * d];
            for (int i = 0; i < embeddings.size(); i++) {
                System.arraycopy(embeddings.get(i), 0, rows, i * d, d);
            }
            return FrechetDistance.between(reference, Gaussian.fit(rows, d));
        };
    }

    @Override
    public void close() {
        if (ownsClip && clip != null) {
            clip.close();
        }
    }
}
