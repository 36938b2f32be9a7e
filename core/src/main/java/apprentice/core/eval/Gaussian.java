package apprentice.core.eval;

/**
 * Mean and covariance of a set of embeddings, the summary that {@link FrechetDistance} compares. The covariance is
 * the unbiased estimate (divide by N − 1), as {@code numpy.cov} and pytorch-fid compute it.
 *
 * @param mean the mean embedding (length dim)
 * @param covariance dim × dim
 * @param count how many embeddings were summarised
 */
public record Gaussian(double[] mean, double[][] covariance, int count) {

    /**
     * Fits rows of a flat row-major {@code [count, dim]} array.
     *
     * @throws IllegalArgumentException when there are fewer than two rows, the array is not a whole number of rows,
     *     or a value is not finite
     */
    public static Gaussian fit(float[] rows, int dim) {
        if (dim < 1 || rows.length % dim != 0) {
            throw new IllegalArgumentException("embeddings hold " + rows.length + " values, not a whole number of rows of " + dim);
        }
        int n = rows.length / dim;
        if (n < 2) {
            throw new IllegalArgumentException("a covariance needs at least 2 embeddings, got " + n + "; use more images");
        }
        double[] mean = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < dim; d++) {
                float x = rows[i * dim + d];
                if (!Float.isFinite(x)) {
                    throw new IllegalArgumentException("embedding " + i + " has the non-finite value " + x + " at " + d
                            + "; the model produced invalid output");
                }
                mean[d] += x;
            }
        }
        for (int d = 0; d < dim; d++) {
            mean[d] /= n;
        }
        double[][] cov = new double[dim][dim];
        double[] centred = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < dim; d++) {
                centred[d] = rows[i * dim + d] - mean[d];
            }
            for (int a = 0; a < dim; a++) {
                double ca = centred[a];
                double[] row = cov[a];
                for (int b = a; b < dim; b++) {
                    row[b] += ca * centred[b];
                }
            }
        }
        for (int a = 0; a < dim; a++) {
            for (int b = a; b < dim; b++) {
                cov[a][b] /= (n - 1);
                cov[b][a] = cov[a][b];
            }
        }
        return new Gaussian(mean, cov, n);
    }

    public int dim() {
        return mean.length;
    }
}
