package apprentice.core.eval;

/**
 * CLIP score as torchmetrics defines it: {@code 100 · max(cos(image_embed, text_embed), 0)} for each image and its
 * own caption, averaged over the pairs. Range [0, 100]; higher means the images match their captions better in the
 * oracle's eyes. Embeddings need not be normalised (the cosine normalises them).
 */
public final class ClipScore {
    private ClipScore() {
    }

    /** The score of each pair: row i of {@code images} against row i of {@code texts} (flat row-major [n, dim]). */
    public static double[] perPair(float[] images, float[] texts, int dim) {
        if (dim < 1 || images.length % dim != 0 || images.length != texts.length) {
            throw new IllegalArgumentException("image embeddings (" + images.length + " values) and text embeddings ("
                    + texts.length + " values) must both be [n, " + dim + "]: one caption per image");
        }
        int n = images.length / dim;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = 100 * Math.max(cosine(images, i, texts, i, dim), 0);
        }
        return out;
    }

    /** The mean of {@link #perPair}: the number torchmetrics' {@code CLIPScore} reports. */
    public static double mean(float[] images, float[] texts, int dim) {
        double[] s = perPair(images, texts, dim);
        if (s.length == 0) {
            throw new IllegalArgumentException("no image-caption pairs to score");
        }
        double sum = 0;
        for (double v : s) {
            sum += v;
        }
        return sum / s.length;
    }

    /** Cosine similarity of row i of a and row j of b (0 when either row is all zeros). */
    static double cosine(float[] a, int i, float[] b, int j, int dim) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int k = 0; k < dim; k++) {
            double x = a[i * dim + k];
            double y = b[j * dim + k];
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        double norm = Math.sqrt(na) * Math.sqrt(nb);
        return norm == 0 ? 0 : dot / norm;
    }
}
