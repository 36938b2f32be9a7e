package apprentice.core.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TorchGeneratorTest {
    private static JsonNode golden;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = TorchGeneratorTest.class.getResourceAsStream("/golden/torch_randn/randn.json")) {
            golden = new ObjectMapper().readTree(in);
        }
    }

    private static int[] shapeOf(JsonNode c) {
        int[] s = new int[c.get("shape").size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = c.get("shape").get(i).asInt();
        }
        return s;
    }

    /** Golden numbers are float32 values printed as doubles; narrowing recovers them exactly. */
    private static float[] floats(JsonNode arr) {
        float[] f = new float[arr.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) arr.get(i).asDouble();
        }
        return f;
    }

    @Test
    void everyGoldenCaseIsBitExactWithTorch() {
        int cases = 0;
        for (JsonNode c : golden.get("cases")) {
            long seed = c.get("seed").asLong();
            int[] shape = shapeOf(c);
            String what = "seed " + seed + " shape " + Arrays.toString(shape);
            Tensor t = new TorchGenerator(seed).randn(shape);
            assertArrayEquals(shape, t.shape(), what);
            float[] got = t.data();
            if (c.has("values")) {
                assertArrayEquals(floats(c.get("values")), got, what); // bitwise float equality
            } else {
                assertEquals(c.get("n").asInt(), got.length, what);
                float[] first = floats(c.get("first"));
                float[] last = floats(c.get("last"));
                assertArrayEquals(first, Arrays.copyOfRange(got, 0, first.length), what + " first");
                assertArrayEquals(last, Arrays.copyOfRange(got, got.length - last.length, got.length), what + " last");
                double sum = 0;
                for (float v : got) {
                    sum += v;
                }
                // one flipped last bit anywhere would move the sum by ~1e-7
                assertEquals(c.get("sum").asDouble(), sum, 1e-9, what + " sum");
            }
            cases++;
        }
        assertEquals(60, cases);
    }

    @Test
    void stateCarriesOverBetweenCalls() {
        JsonNode c = golden.get("consecutive");
        TorchGenerator g = new TorchGenerator(c.get("seed").asLong());
        int[] shape = shapeOf(c);
        assertArrayEquals(floats(c.get("first_draw")), g.randn(shape).data());
        assertArrayEquals(floats(c.get("second_draw")), g.randn(shape).data());
    }

    @Test
    void onlyTheLow32BitsOfTheSeedMatter() {
        long big = (1L << 40) + 7;
        assertArrayEquals(new TorchGenerator(7).randn(3, 5).data(), new TorchGenerator(big).randn(3, 5).data());
        assertArrayEquals(new TorchGenerator(7).randn(40).data(), new TorchGenerator(big).randn(40).data());
        assertNotEquals(new TorchGenerator(7).randn(40).data()[0], new TorchGenerator(8).randn(40).data()[0]);
    }

    @Test
    void scalarPathHandsOutTheCachedSineOnTheNextCall() {
        float[] pair = new TorchGenerator(3).randn(2).data();
        TorchGenerator g = new TorchGenerator(3);
        float first = g.randn(1).data()[0];
        float second = g.randn(1).data()[0];
        assertEquals(pair[0], first, 0f);
        assertEquals(pair[1], second, 0f);
    }

    @Test
    void emptyShapeDrawsNothing() {
        TorchGenerator g = new TorchGenerator(0);
        assertEquals(0, g.randn(0, 4).size());
        assertEquals(new TorchGenerator(0).randn(1).data()[0], g.randn(1).data()[0], 0f);
    }

    @Test
    void latentSizedDrawLooksStandardNormal() {
        float[] v = new TorchGenerator(2024).randn(4, 4, 64, 64).data();
        double mean = 0;
        double sq = 0;
        for (float x : v) {
            assertTrue(Float.isFinite(x));
            mean += x;
            sq += (double) x * x;
        }
        mean /= v.length;
        double var = sq / v.length - mean * mean;
        assertEquals(0.0, mean, 0.01);
        assertEquals(1.0, var, 0.02);
    }

    @Test
    void mersenneTwisterMatchesTheStandardSequence() {
        // C++ [rand.predef]: the 10000th output of a default-constructed std::mt19937 (seed 5489)
        Mt19937 mt = new Mt19937(5489);
        int v = 0;
        for (int i = 0; i < 10000; i++) {
            v = mt.nextInt();
        }
        assertEquals(4123659995L, v & 0xffffffffL);
    }
}
