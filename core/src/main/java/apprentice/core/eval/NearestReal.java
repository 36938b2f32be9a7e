package apprentice.core.eval;

import java.util.Arrays;

/**
 * Nearest-real recognition: is a generated image closest (cosine of image embeddings) to a real image of its own
 * class? Each class scores its best-matching real image, and top-k accuracy is the share of queries whose true class
 * is among the k best-scoring classes, ties counting against the query only when strictly more than k−1 classes score
 * higher (as in {@link ZeroShot}). Image-to-image, so unlike zero-shot it does not lean on the text tower, which in
 * a family whose UNets are conditioned on a copy of that tower would favour the family's own wording.
 */
public final class NearestReal {
    private NearestReal() {
    }

    /**
     * @param queries query image embeddings, flat [n, dim]
     * @param references real image embeddings, flat [m, dim]
     * @param referenceClass the class of each real image (0..classes−1)
     * @param truth the true class of each query
     * @param k how many best classes count as a hit
     * @param leaveOneOut the queries are the references themselves (query i is reference i), and each is matched
     *     only against the others: a class whose only real image is the query itself scores nothing
     * @return the share of hits in [0, 1]
     */
    public static double topK(float[] queries, float[] references, int dim, int[] referenceClass, int classes, int[] truth,
                              int k, boolean leaveOneOut) {
        int n = queries.length / dim;
        int m = references.length / dim;
        if (queries.length != n * dim || references.length != m * dim || referenceClass.length != m || truth.length != n
                || n == 0 || m == 0 || (leaveOneOut && n != m)) {
            throw new IllegalArgumentException("nearest-real recognition needs queries [n, " + dim + "], references [m, " + dim
                    + "], one class per reference and one per query (n = m when leaving one out); got " + queries.length + ", "
                    + references.length + " values, " + referenceClass.length + " and " + truth.length + " classes");
        }
        if (k < 1) {
            throw new IllegalArgumentException("top-k needs k >= 1, got " + k);
        }
        int hits = 0;
        double[] best = new double[classes];
        for (int i = 0; i < n; i++) {
            if (truth[i] < 0 || truth[i] >= classes) {
                throw new IllegalArgumentException("query " + i + " has class " + truth[i] + " but there are " + classes + " classes");
            }
            Arrays.fill(best, Double.NEGATIVE_INFINITY);
            for (int r = 0; r < m; r++) {
                if (leaveOneOut && r == i) {
                    continue;
                }
                best[referenceClass[r]] = Math.max(best[referenceClass[r]], ClipScore.cosine(queries, i, references, r, dim));
            }
            int better = 0;
            for (int c = 0; c < classes; c++) {
                if (best[c] > best[truth[i]]) {
                    better++;
                }
            }
            if (best[truth[i]] > Double.NEGATIVE_INFINITY && better < k) {
                hits++;
            }
        }
        return (double) hits / n;
    }
}
