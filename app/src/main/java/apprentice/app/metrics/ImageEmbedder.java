package apprentice.app.metrics;

import apprentice.core.adaptive.PixelImages;
import apprentice.core.tensor.Tensor;
import apprentice.onnx.oracle.ClipScoreOracle;
import java.util.ArrayList;
import java.util.List;

/** The oracle's normalised embeddings of many images or prompts, in chunks so memory stays flat. */
final class ImageEmbedder {
    private static final int CHUNK = 64;
    private final ClipScoreOracle oracle;
    private int dim = -1;

    ImageEmbedder(ClipScoreOracle oracle) {
        this.oracle = oracle;
    }

    /**
     * Image embeddings of a {@code [N, 3, H, W]} batch in [-1, 1], first quantised to 8 bits as a saved PNG would be,
     * so generated and real images (which are 8-bit) are seen alike.
     */
    float[] images(Tensor images) {
        Tensor q = PixelImages.quantise(images);
        List<float[]> parts = new ArrayList<>();
        for (int from = 0; from < q.dim(0); from += CHUNK) {
            parts.add(oracle.imageEmbeddings(q.slice(from, Math.min(q.dim(0), from + CHUNK))));
        }
        return concat(parts, q.dim(0));
    }

    float[] texts(List<String> prompts) {
        List<float[]> parts = new ArrayList<>();
        for (int from = 0; from < prompts.size(); from += CHUNK) {
            parts.add(oracle.textEmbeddings(prompts.subList(from, Math.min(prompts.size(), from + CHUNK))));
        }
        return concat(parts, prompts.size());
    }

    int dim() {
        if (dim < 0) {
            dim = oracle.textEmbeddings(List.of("")).length;
        }
        return dim;
    }

    private float[] concat(List<float[]> parts, int rows) {
        int total = parts.stream().mapToInt(p -> p.length).sum();
        float[] out = new float[total];
        int k = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, k, p.length);
            k += p.length;
        }
        dim = total / rows;
        return out;
    }
}
