package apprentice.app.evaluate;

import apprentice.core.tensor.Tensor;
import java.util.List;

/** The quality measures taken of every generated image. */
public interface ImageMeasures {
    /** The gate oracle's score of each image against its prompt. */
    float[] oracleScores(List<String> prompts, Tensor images);

    /** The CLIP score of each image against its prompt; NaN where not measured. */
    float[] clipScores(List<String> prompts, Tensor images);

    /** Each image's embedding for the Fréchet distance; null entries where not measured. */
    float[][] embeddings(Tensor images);
}
