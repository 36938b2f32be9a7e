package apprentice.core.eval;

/**
 * Fréchet distance between two sets of embeddings, each summarised as a Gaussian (the FID formula, here applied in
 * whatever embedding space the caller chooses, e.g. a CLIP oracle's image embeddings):
 * <pre>
 * FD = |μ₁ − μ₂|² + Tr(Σ₁ + Σ₂ − 2·(Σ₁^½ Σ₂ Σ₁^½)^½)
 * </pre>
 * {@code Tr((Σ₁Σ₂)^½)}, as pytorch-fid writes it, equals {@code Tr((Σ₁^½ Σ₂ Σ₁^½)^½)}: both matrices have the same
 * eigenvalues. The symmetric form is used because its square root is that of a symmetric positive semi-definite
 * matrix, taken exactly through {@link SymmetricEigen}, with no complex round-off to discard. Lower is closer; 0 for
 * identical statistics. Checked against scipy's {@code sqrtm} on fixed data (test resources golden/metrics).
 */
public final class FrechetDistance {
    private FrechetDistance() {
    }

    /** FD between two flat row-major {@code [n, dim]} embedding arrays. */
    public static double of(float[] a, float[] b, int dim) {
        return between(Gaussian.fit(a, dim), Gaussian.fit(b, dim));
    }

    public static double between(Gaussian x, Gaussian y) {
        int n = x.dim();
        if (y.dim() != n) {
            throw new IllegalArgumentException("cannot compare embeddings of " + n + " and " + y.dim()
                    + " dimensions; embed both sets with the same model");
        }
        double meanTerm = 0;
        for (int i = 0; i < n; i++) {
            double d = x.mean()[i] - y.mean()[i];
            meanTerm += d * d;
        }
        double trace = 0;
        for (int i = 0; i < n; i++) {
            trace += x.covariance()[i][i] + y.covariance()[i][i];
        }
        double[][] root = SymmetricEigen.of(x.covariance()).psdSquareRoot();
        double[][] product = multiply(multiply(root, y.covariance()), root);
        symmetrise(product);
        double traceSqrt = 0;
        for (double lambda : SymmetricEigen.of(product).values()) {
            traceSqrt += Math.sqrt(Math.max(lambda, 0));
        }
        // rounding can leave a tiny negative value for (nearly) identical statistics; the distance is never below 0
        return Math.max(meanTerm + trace - 2 * traceSqrt, 0);
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            double[] row = out[i];
            for (int k = 0; k < n; k++) {
                double aik = a[i][k];
                if (aik == 0) {
                    continue;
                }
                double[] bk = b[k];
                for (int j = 0; j < n; j++) {
                    row[j] += aik * bk[j];
                }
            }
        }
        return out;
    }

    /** (M + Mᵀ)/2: removes the rounding asymmetry of R·Σ·R, which is symmetric in exact arithmetic. */
    private static void symmetrise(double[][] m) {
        for (int i = 0; i < m.length; i++) {
            for (int j = i + 1; j < m.length; j++) {
                double s = (m[i][j] + m[j][i]) / 2;
                m[i][j] = s;
                m[j][i] = s;
            }
        }
    }
}
