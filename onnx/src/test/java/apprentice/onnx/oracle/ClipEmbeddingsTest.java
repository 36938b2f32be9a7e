package apprentice.onnx.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.eval.ClipScore;
import apprentice.core.tensor.Tensor;
import apprentice.onnx.synth.SyntheticClipFolder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding accessors of {@link ClipScoreOracle} agree with its score and with themselves across batches. */
class ClipEmbeddingsTest {
    @TempDir
    static Path tmp;
    static Path clip;

    @BeforeAll
    static void writeFolder() {
        clip = tmp.resolve("tiny-clip");
        SyntheticClipFolder.write(clip, OracleModelsTest.SEED);
    }

    @Test
    void embeddingsReproduceTheOraclesClipScore() {
        List<String> prompts = List.of("a red apple", "blue sky over hills", "ねこ");
        Tensor images = OracleModelsTest.images(3, 40, 40, 9);
        try (ClipScoreOracle oracle = ClipScoreOracle.open(clip, OracleModelsTest.CPU)) {
            float[] img = oracle.imageEmbeddings(images);
            float[] txt = oracle.textEmbeddings(prompts);
            assertEquals(img.length, txt.length);
            int dim = img.length / 3;
            assertEquals(16, dim, "the synthetic oracle embeds in 16 dimensions");
            for (int r = 0; r < 3; r++) {
                assertEquals(1.0, norm(img, r, dim), 1e-5, "image row " + r + " is unit length");
                assertEquals(1.0, norm(txt, r, dim), 1e-5, "text row " + r + " is unit length");
            }
            float[] scores = oracle.score(prompts, images);
            double[] fromEmbeddings = ClipScore.perPair(img, txt, dim);
            for (int i = 0; i < 3; i++) {
                assertEquals(scores[i], fromEmbeddings[i], 1e-3, "pair " + i);
            }
        }
    }

    @Test
    void anImagesEmbeddingDoesNotDependOnItsBatch() {
        Tensor images = OracleModelsTest.images(4, 32, 32, 21);
        try (ClipScoreOracle oracle = ClipScoreOracle.open(clip, OracleModelsTest.CPU)) {
            float[] all = oracle.imageEmbeddings(images);
            float[] third = oracle.imageEmbeddings(images.slice(2, 3));
            assertArrayEquals(third, Arrays.copyOfRange(all, 2 * 16, 3 * 16), 1e-6f);
            float[] pair = oracle.textEmbeddings(List.of("one", "two"));
            assertArrayEquals(oracle.textEmbeddings(List.of("two")), Arrays.copyOfRange(pair, 16, 32), 1e-6f);
            assertTrue(!Arrays.equals(Arrays.copyOfRange(pair, 0, 16), Arrays.copyOfRange(pair, 16, 32)), "different prompts differ");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> oracle.imageEmbeddings(Tensor.zeros(2, 4, 32, 32)));
            assertTrue(e.getMessage().contains("[B, 3, H, W]"), e.getMessage());
        }
    }

    private static double norm(float[] rows, int r, int dim) {
        double s = 0;
        for (int k = 0; k < dim; k++) {
            s += rows[r * dim + k] * rows[r * dim + k];
        }
        return Math.sqrt(s);
    }
}
