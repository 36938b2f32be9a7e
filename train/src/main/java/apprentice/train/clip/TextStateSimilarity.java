package apprentice.train.clip;

/**
 * How far apart a text tower keeps captions: the cosine similarity of two captions' whole per-token states
 * ([77, D] flattened), which is what a UNet's cross-attention sees. A tower that gives "pizza" and the empty
 * caption nearly the same states (cosine near 1) leaves the UNet nothing to draw a pizza from.
 */
public final class TextStateSimilarity {
    private TextStateSimilarity() {
    }

    /** Cosine similarity of every pair of rows; a zero row is similar to nothing (0), not NaN. */
    public static double[][] cosineMatrix(float[][] rows) {
        int n = rows.length;
        double[] norms = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (float v : rows[i]) {
                s += (double) v * v;
            }
            norms[i] = Math.sqrt(s);
        }
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (rows[i].length != rows[j].length) {
                    throw new IllegalArgumentException("rows " + i + " and " + j + " differ in length");
                }
                double dot = 0;
                for (int k = 0; k < rows[i].length; k++) {
                    dot += (double) rows[i][k] * rows[j][k];
                }
                out[i][j] = norms[i] == 0 || norms[j] == 0 ? 0 : dot / (norms[i] * norms[j]);
            }
        }
        return out;
    }
}
