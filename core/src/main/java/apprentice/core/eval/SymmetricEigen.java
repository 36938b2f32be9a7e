package apprentice.core.eval;

/**
 * Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method, in double precision:
 * {@code A = V · diag(values) · Vᵀ} with orthonormal eigenvectors in the columns of V.
 *
 * <p>Jacobi is slower than Householder + QR for large matrices but simple, unconditionally stable and accurate to
 * a few ulps even for tiny eigenvalues, which is what the matrix square roots of (nearly singular) covariance
 * matrices in {@link FrechetDistance} need. Embedding sizes here are 64–768, where a decomposition takes
 * milliseconds to a few seconds.
 */
public final class SymmetricEigen {
    private static final int MAX_SWEEPS = 100;

    private final double[] values;
    private final double[][] vectors;

    private SymmetricEigen(double[] values, double[][] vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    /** Decomposes {@code a} (n×n, symmetric; only read, not modified). */
    public static SymmetricEigen of(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) {
                throw new IllegalArgumentException("matrix is not square: row " + i + " has " + a[i].length + " entries, expected " + n);
            }
            m[i] = a[i].clone();
        }
        double asym = 0;
        double scale = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (!Double.isFinite(m[i][j])) {
                    throw new IllegalArgumentException("matrix entry (" + i + ", " + j + ") is " + m[i][j] + "; the input has non-finite values");
                }
                asym = Math.max(asym, Math.abs(m[i][j] - m[j][i]));
                scale = Math.max(scale, Math.abs(m[i][j]));
            }
        }
        if (asym > 1e-9 * Math.max(scale, Double.MIN_NORMAL)) {
            throw new IllegalArgumentException("matrix is not symmetric (largest |a_ij - a_ji| = " + asym + ")");
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            double diag = 0;
            for (int i = 0; i < n; i++) {
                diag += m[i][i] * m[i][i];
                for (int j = i + 1; j < n; j++) {
                    off += m[i][j] * m[i][j];
                }
            }
            // converged once the off-diagonal mass is below rounding of the diagonal
            if (off == 0 || off <= 1e-30 * diag) {
                break;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (m[p][q] != 0) {
                        rotate(m, v, p, q);
                    }
                }
            }
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = m[i][i];
        }
        return new SymmetricEigen(values, v);
    }

    /** One Jacobi rotation in the (p, q) plane that zeroes m[p][q]: m ← Jᵀ m J, v ← v J. */
    private static void rotate(double[][] m, double[][] v, int p, int q) {
        double theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
        // the smaller root of t² + 2θt − 1 = 0 keeps the rotation angle under π/4 (stable)
        double t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (Double.isInfinite(theta * theta)) {
            t = 1 / (2 * theta);
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        int n = m.length;
        for (int k = 0; k < n; k++) {
            double kp = m[k][p];
            double kq = m[k][q];
            m[k][p] = c * kp - s * kq;
            m[k][q] = s * kp + c * kq;
        }
        for (int k = 0; k < n; k++) {
            double pk = m[p][k];
            double qk = m[q][k];
            m[p][k] = c * pk - s * qk;
            m[q][k] = s * pk + c * qk;
        }
        m[p][q] = 0;
        m[q][p] = 0;
        for (int k = 0; k < n; k++) {
            double kp = v[k][p];
            double kq = v[k][q];
            v[k][p] = c * kp - s * kq;
            v[k][q] = s * kp + c * kq;
        }
    }

    /** Eigenvalues, in no particular order (value i belongs to column i of {@link #vectors()}). */
    public double[] values() {
        return values.clone();
    }

    /** Eigenvectors as the columns of an n×n orthonormal matrix (a copy). */
    public double[][] vectors() {
        double[][] out = new double[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            out[i] = vectors[i].clone();
        }
        return out;
    }

    /**
     * The principal square root {@code V · diag(sqrt(max(λ, 0))) · Vᵀ} of a positive semi-definite matrix. Negative
     * eigenvalues, which only rounding produces in a covariance matrix, are taken as zero.
     */
    public double[][] psdSquareRoot() {
        int n = values.length;
        double[] root = new double[n];
        for (int i = 0; i < n; i++) {
            root[i] = Math.sqrt(Math.max(values[i], 0));
        }
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += vectors[i][k] * root[k] * vectors[j][k];
                }
                out[i][j] = s;
                out[j][i] = s;
            }
        }
        return out;
    }
}
