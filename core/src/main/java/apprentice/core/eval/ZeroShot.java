package apprentice.core.eval;

/**
 * Zero-shot classification accuracy of a CLIP-style model: each image is assigned the classes whose text embedding
 * is most similar (cosine) to its image embedding; top-k accuracy is the share of images whose true class is among
 * the k best. Ties count against the image only when strictly more than k−1 other classes score higher.
 */
public final class ZeroShot {
    private ZeroShot() {
    }

    /**
     * @param images image embeddings, flat [n, dim]
     * @param classes one text embedding per class, flat [c, dim]
     * @param truth the true class index of each image (0..c−1)
     * @param k how many best classes count as a hit (1 = top-1 accuracy)
     * @return the share of hits in [0, 1]
     */
    public static double topK(float[] images, float[] classes, int dim, int[] truth, int k) {
        int n = images.length / dim;
        int c = classes.length / dim;
        if (images.length != n * dim || classes.length != c * dim || truth.length != n || n == 0 || c == 0) {
            throw new IllegalArgumentException("zero-shot needs images [n, " + dim + "], classes [c, " + dim
                    + "] and one true class per image; got " + images.length + " and " + classes.length + " values and "
                    + truth.length + " labels");
        }
        if (k < 1) {
            throw new IllegalArgumentException("top-k needs k >= 1, got " + k);
        }
        int hits = 0;
        double[] sim = new double[c];
        for (int i = 0; i < n; i++) {
            if (truth[i] < 0 || truth[i] >= c) {
                throw new IllegalArgumentException("image " + i + " has class " + truth[i] + " but there are " + c + " classes");
            }
            for (int j = 0; j < c; j++) {
                sim[j] = ClipScore.cosine(images, i, classes, j, dim);
            }
            int better = 0;
            for (int j = 0; j < c; j++) {
                if (sim[j] > sim[truth[i]]) {
                    better++;
                }
            }
            if (better < k) {
                hits++;
            }
        }
        return (double) hits / n;
    }
}
