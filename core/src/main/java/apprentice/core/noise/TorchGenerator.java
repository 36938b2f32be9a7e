package apprentice.core.noise;

import apprentice.core.tensor.Tensor;

/**
 * A {@link NoiseSource} that draws exactly the values torch draws on the CPU:
 * {@code new TorchGenerator(s).randn(shape)} equals, bit for bit,
 * {@code torch.randn(shape, generator=torch.Generator("cpu").manual_seed(s), dtype=torch.float32)}.
 *
 * <p><b>What "seed S" means.</b> diffusers draws its initial latents with
 * {@code torch.randn(shape, generator=g, dtype=float32)} when it is given a CPU generator, so a
 * pipeline that draws its latents from {@code new TorchGenerator(S)} starts from the same noise
 * as diffusers called with {@code generator=torch.Generator("cpu").manual_seed(S)} (float32
 * latents; one generator for the whole batch draws the batch in one call, a list of generators
 * draws each image from its own; see {@link Seeds}). Like torch, only the low 32 bits of the seed
 * reach the Mersenne Twister, so seeds that differ only above bit 31 give the same noise.
 *
 * <p><b>Algorithm</b> (torch's {@code normal_kernel} for float32, verified against torch 1.13.1):
 * <ul>
 *   <li>Tensors of 16 or more elements: fill the tensor with uniforms {@code (r & 0xFFFFFF) / 2^24}
 *       from one 32-bit draw each; then, for every full chunk of 16, Box–Muller turns the pair
 *       (i, i+8) into two normals, {@code sqrt(-2 ln(1-u_i))} times the cosine (into i) and sine
 *       (into i+8) of {@code 2 pi u_(i+8)}. When the size is not a multiple of 16 the last 16
 *       elements are drawn again and transformed once more, overwriting part of the last full
 *       chunk. The float log/sin/cos are torch's AVX2 ones ({@link TorchAvx2Math}), i.e. what
 *       torch computes on any x86-64 machine with AVX2; torch on a CPU without AVX2 or on ARM
 *       uses libm instead and differs in the last bit of some values.</li>
 *   <li>Smaller tensors: the scalar double-precision Box–Muller, one value per element, each
 *       pair using two 53-bit uniforms from 64-bit draws; the second value (the sine) is cached in
 *       the generator and returned by the next scalar draw, also across calls. (torch 2.x
 *       switched this path to {@code log1p}, which can change the last bit of such tiny
 *       tensors; latents always take the first path.)</li>
 * </ul>
 * The state carries over between calls, exactly as with one torch generator used repeatedly.
 * Instances are thread-safe (calls are serialised, like torch's generator mutex), but the
 * values a thread gets then depend on the order of calls.
 */
public final class TorchGenerator implements NoiseSource {
    /** Below this many elements torch uses the scalar path. */
    private static final int VECTOR_CHUNK = 16;
    private static final int HALF_CHUNK = VECTOR_CHUNK / 2;
    private static final float TWO_PI_FLOAT = (float) (2.0 * Math.PI);
    private static final double TWO_PI = 2.0 * Math.PI;
    private static final float FLOAT_UNIFORM_SCALE = 1.0f / (1 << 24);
    private static final double DOUBLE_UNIFORM_SCALE = 1.0 / (1L << 53);

    private final long seed;
    private final Mt19937 engine;
    /** torch's {@code next_double_normal_sample}: the unused half of the last scalar pair. */
    private double cachedNormal;
    private boolean hasCachedNormal;

    /** A generator in the state {@code torch.Generator("cpu").manual_seed(seed)} leaves. */
    public TorchGenerator(long seed) {
        this.seed = seed;
        this.engine = new Mt19937(seed);
    }

    /** The seed this generator was created with. */
    public long seed() {
        return seed;
    }

    @Override
    public synchronized Tensor randn(int... shape) {
        int n = Math.toIntExact(Tensor.numel(shape));
        float[] out = new float[n];
        if (n >= VECTOR_CHUNK) {
            fillVectorised(out);
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = (float) nextScalarNormal();
            }
        }
        return new Tensor(shape, out);
    }

    private void fillVectorised(float[] data) {
        int n = data.length;
        float[] sinCos = new float[2];
        for (int i = 0; i < n; i++) {
            data[i] = nextUniformFloat();
        }
        for (int start = 0; start + VECTOR_CHUNK <= n; start += VECTOR_CHUNK) {
            boxMuller16(data, start, sinCos);
        }
        if (n % VECTOR_CHUNK != 0) {
            int start = n - VECTOR_CHUNK;
            for (int i = start; i < n; i++) {
                data[i] = nextUniformFloat();
            }
            boxMuller16(data, start, sinCos);
        }
    }

    /** Turns the 16 uniforms at {@code start} into 16 normals, pairing element j with j+8. */
    private static void boxMuller16(float[] data, int start, float[] sinCos) {
        for (int j = start; j < start + HALF_CHUNK; j++) {
            float u1 = 1f - data[j]; // [0,1) -> (0,1] so the log is finite
            float u2 = data[j + HALF_CHUNK];
            float radius = (float) Math.sqrt(-2f * TorchAvx2Math.log(u1)); // float sqrt, correctly rounded
            TorchAvx2Math.sinCos(TWO_PI_FLOAT * u2, sinCos);
            data[j] = radius * sinCos[1];
            data[j + HALF_CHUNK] = radius * sinCos[0];
        }
    }

    private float nextUniformFloat() {
        return (engine.nextInt() & 0xFFFFFF) * FLOAT_UNIFORM_SCALE;
    }

    private double nextUniformDouble() {
        return (engine.nextLong() & ((1L << 53) - 1)) * DOUBLE_UNIFORM_SCALE;
    }

    /**
     * torch's {@code at::normal_distribution<double>} with mean 0 and std 1 (torch 1.13 form:
     * {@code log(1 - u2)}). StrictMath keeps the result the same on every JVM; after rounding to
     * float it agrees with glibc's double log/sin/cos on every golden value.
     */
    private double nextScalarNormal() {
        if (hasCachedNormal) {
            hasCachedNormal = false;
            return cachedNormal;
        }
        double u1 = nextUniformDouble();
        double u2 = nextUniformDouble();
        double radius = Math.sqrt(-2.0 * StrictMath.log(1.0 - u2));
        double theta = TWO_PI * u1;
        cachedNormal = radius * StrictMath.sin(theta);
        hasCachedNormal = true;
        return radius * StrictMath.cos(theta);
    }
}
