package apprentice.core.noise;

/**
 * The single-precision logarithm, sine and cosine that torch's AVX2 CPU kernel uses for
 * {@code randn} on float tensors of at least 16 elements, reproduced bit for bit.
 *
 * <p>torch computes them with Cephes-style polynomials (avx_mathfun, after Julien Pommier's
 * sse_mathfun), not with libm, so using {@link Math#log} here would differ in the last bit for
 * about a third of the samples. The constants are the Cephes single-precision coefficients.
 *
 * <p>GCC compiles torch with {@code -mfma} and contracts a multiply into the add or subtract that
 * consumes it when that is the multiply's only use. Which operations became fused
 * multiply-adds is therefore part of the result; each {@link Math#fma} below marks one such
 * contraction, and every plain operation is rounded to float on its own. With these exact
 * contractions the outputs match torch 1.13's on every golden vector (see TorchGeneratorTest);
 * without them a few values in a thousand differ by one ulp.
 */
final class TorchAvx2Math {
    private TorchAvx2Math() {
    }

    // Constants are written as C does: a double literal narrowed to float (parsing the decimal
    // straight to float could round differently).
    private static final float SQRT_HALF = (float) 0.707106781186547524;
    private static final float[] LOG_POLY = {
        (float) 7.0376836292E-2, (float) -1.1514610310E-1, (float) 1.1676998740E-1, (float) -1.2420140846E-1, (float) 1.4249322787E-1,
        (float) -1.6668057665E-1, (float) 2.0000714765E-1, (float) -2.4999993993E-1, (float) 3.3333331174E-1,
    };
    /** log(2) split in two parts so that {@code e * LN2_HI} is exact. */
    private static final float LN2_LO = (float) -2.12194440e-4;
    private static final float LN2_HI = (float) 0.693359375;

    private static final float FOUR_OVER_PI = (float) 1.27323954473516;
    /** -pi/4 split in three parts for an extended-precision range reduction. */
    private static final float MINUS_DP1 = (float) -0.78515625;
    private static final float MINUS_DP2 = (float) -2.4187564849853515625e-4;
    private static final float MINUS_DP3 = (float) -3.77489497744594108e-8;
    private static final float SIN_P0 = (float) -1.9515295891E-4;
    private static final float SIN_P1 = (float) 8.3321608736E-3;
    private static final float SIN_P2 = (float) -1.6666654611E-1;
    private static final float COS_P0 = (float) 2.443315711809948E-005;
    private static final float COS_P1 = (float) -1.388731625493765E-003;
    private static final float COS_P2 = (float) 4.166664568298827E-002;

    private static final int SIGN_BIT = 0x80000000;

    /**
     * Natural logarithm for a positive, normal float (the sampler only passes values in
     * [2^-24, 1]); torch's NaN and denormal handling is not needed for that range.
     */
    static float log(float v) {
        int bits = Float.floatToRawIntBits(v);
        float e = (float) ((bits >>> 23) - 0x7f) + 1f;
        // mantissa scaled into [0.5, 1)
        float x = Float.intBitsToFloat((bits & ~0x7f800000) | Float.floatToRawIntBits(0.5f));
        boolean small = x < SQRT_HALF;
        float extra = small ? x : 0f;
        x = x - 1f;
        e = e - (small ? 1f : 0f);
        x = x + extra;

        float z = x * x;
        float y = LOG_POLY[0];
        for (int i = 1; i < LOG_POLY.length; i++) {
            y = Math.fma(y, x, LOG_POLY[i]);
        }
        y = y * x;
        y = Math.fma(y, z, e * LN2_LO);
        y = Math.fma(-z, 0.5f, y);
        x = x + y;
        return Math.fma(e, LN2_HI, x);
    }

    /**
     * Sine and cosine of a non-negative float of moderate size (the sampler passes [0, 2pi)),
     * written into {@code out[0]} (sine) and {@code out[1]} (cosine).
     */
    static void sinCos(float v, float[] out) {
        int signSin = Float.floatToRawIntBits(v) & SIGN_BIT;
        float x = Math.abs(v);
        int j = (int) (x * FOUR_OVER_PI);
        j = (j + 1) & ~1; // round the octant up to an even number, as Cephes does
        float y = (float) j;
        signSin ^= (j & 4) << 29;
        boolean sinUsesSinPoly = (j & 2) == 0;
        int signCos = (~(j - 2) & 4) << 29;

        x = Math.fma(y, MINUS_DP1, x);
        x = Math.fma(y, MINUS_DP2, x);
        x = Math.fma(y, MINUS_DP3, x);

        float z = x * x;
        float c = Math.fma(COS_P0, z, COS_P1);
        c = Math.fma(c, z, COS_P2);
        c = c * z;
        c = Math.fma(c, z, -(z * 0.5f));
        c = c + 1f;

        float s = Math.fma(SIN_P0, z, SIN_P1);
        s = Math.fma(s, z, SIN_P2);
        s = s * z;
        s = Math.fma(s, x, x);

        // torch selects with bit masks and then adds the zeroed alternative; "+ 0f" keeps that
        // (it only turns a -0 into +0).
        float sin = (sinUsesSinPoly ? s : c) + 0f;
        float cos = (sinUsesSinPoly ? c : s) + 0f;
        out[0] = Float.intBitsToFloat(Float.floatToRawIntBits(sin) ^ signSin);
        out[1] = Float.intBitsToFloat(Float.floatToRawIntBits(cos) ^ signCos);
    }
}
