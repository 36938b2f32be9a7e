package apprentice.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {

    record Case(String name, int dim, float[] a, float[] b, double scipy, double symmetric, JsonNode node) {
    }

    static List<Case> golden() throws IOException {
        try (InputStream in = FrechetDistanceTest.class.getResourceAsStream("/golden/metrics/frechet.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<Case> out = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                int dim = c.get("dim").asInt();
                out.add(new Case(c.get("name").asText(), dim, rows(c.get("a"), dim), rows(c.get("b"), dim),
                        c.get("fd_scipy_sqrtm").asDouble(), c.get("fd_symmetric_eigh").asDouble(), c));
            }
            return out;
        }
    }

    static float[] rows(JsonNode rows, int dim) {
        float[] out = new float[rows.size() * dim];
        int k = 0;
        for (JsonNode r : rows) {
            for (JsonNode v : r) {
                out[k++] = Float.parseFloat(v.asText());
            }
        }
        return out;
    }

    @Test
    void matchesScipyOnEveryGoldenCase() throws IOException {
        List<Case> cases = golden();
        assertEquals(4, cases.size());
        for (Case c : cases) {
            double fd = FrechetDistance.of(c.a(), c.b(), c.dim());
            // singular covariances: the square roots of eigenvalues that are zero up to rounding (~1e-15) differ by ~1e-8
            double tolerance = c.name().contains("singular") ? 1e-8 : 1e-11;
            assertEquals(c.symmetric(), fd, tolerance * Math.max(1, c.symmetric()), c.name() + " vs numpy eigh");
            assertEquals(c.scipy(), fd, 1e-6 * Math.max(1, c.scipy()), c.name() + " vs scipy sqrtm");
        }
    }

    @Test
    void gaussianMatchesNumpyMeanAndCovariance() throws IOException {
        for (Case c : golden()) {
            Gaussian g = Gaussian.fit(c.a(), c.dim());
            for (int d = 0; d < c.dim(); d++) {
                assertEquals(c.node().get("mean_a").get(d).asDouble(), g.mean()[d], 1e-12, c.name() + " mean " + d);
                assertEquals(c.node().get("cov_a_diag").get(d).asDouble(), g.covariance()[d][d], 1e-11, c.name() + " var " + d);
            }
        }
    }

    @Test
    void identicalSetsAreAtDistanceZeroAndTheDistanceIsSymmetric() throws IOException {
        Case c = golden().get(1);
        assertEquals(0, FrechetDistance.of(c.a(), c.a(), c.dim()), 1e-9);
        assertEquals(FrechetDistance.of(c.a(), c.b(), c.dim()), FrechetDistance.of(c.b(), c.a(), c.dim()), 1e-8);
    }

    @Test
    void shiftingOneSetAddsTheSquaredShift() {
        SplittableRandom r = new SplittableRandom(3);
        int dim = 5;
        float[] a = new float[200 * dim];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        float[] b = a.clone();
        for (int i = 0; i < b.length; i += dim) {
            b[i] += 3; // same covariance, mean moved by 3 along axis 0
        }
        assertEquals(9, FrechetDistance.of(a, b, dim), 1e-4);
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> FrechetDistance.of(new float[4], new float[8], 4));
        assertTrue(one.getMessage().contains("at least 2"), one.getMessage());
        IllegalArgumentException dims = assertThrows(IllegalArgumentException.class,
                () -> FrechetDistance.between(Gaussian.fit(new float[] {0, 1, 2, 3}, 2), Gaussian.fit(new float[] {0, 1, 2, 3}, 1)));
        assertTrue(dims.getMessage().contains("2 and 1 dimensions"), dims.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> Gaussian.fit(new float[] {0, Float.NaN, 2, 3}, 2));
        assertTrue(nan.getMessage().contains("non-finite"), nan.getMessage());
    }

    @Test
    void jacobiDecomposesASymmetricMatrix() {
        SplittableRandom r = new SplittableRandom(11);
        int n = 30;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                a[i][j] = r.nextDouble(-1, 1);
                a[j][i] = a[i][j];
            }
        }
        SymmetricEigen e = SymmetricEigen.of(a);
        double[][] v = e.vectors();
        double[] w = e.values();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double recon = 0;
                double gram = 0;
                for (int k = 0; k < n; k++) {
                    recon += v[i][k] * w[k] * v[j][k];
                    gram += v[k][i] * v[k][j];
                }
                assertEquals(a[i][j], recon, 1e-12, "V diag(w) Vᵀ at " + i + "," + j);
                assertEquals(i == j ? 1 : 0, gram, 1e-12, "VᵀV at " + i + "," + j);
            }
        }
        double trace = 0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            trace += a[i][i];
            sum += w[i];
        }
        assertEquals(trace, sum, 1e-12);
    }

    @Test
    void psdSquareRootSquaresBack() {
        double[][] a = {{4, 2, 0}, {2, 3, 1}, {0, 1, 2}};
        double[][] s = SymmetricEigen.of(a).psdSquareRoot();
        for (int i = 0; i < 3; i++) {
            double[] row = new double[3];
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    row[j] += s[i][k] * s[k][j];
                }
            }
            assertArrayEquals(a[i], row, 1e-12);
        }
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(new double[][] {{1, 2}, {0, 1}}));
    }
}
