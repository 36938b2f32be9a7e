package apprentice.core.noise;

/**
 * The 32-bit Mersenne Twister (MT19937) exactly as torch's CPU generator runs it.
 *
 * <p>Seeding follows the reference {@code init_genrand}: only the low 32 bits of the 64-bit seed
 * enter the state, so torch (and this class) give identical streams for seeds that differ only
 * above bit 31. The output sequence is the standard one ({@code std::mt19937}): for seed 5489 the
 * 10,000th output is 4123659995.
 *
 * <p>Not thread-safe; {@link TorchGenerator} serialises access.
 */
final class Mt19937 {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    private final int[] state = new int[N];
    /** Index of the next state word to temper; {@code N} means the block is used up. */
    private int next;

    Mt19937(long seed) {
        state[0] = (int) seed; // low 32 bits, as torch's init_with_uint32 does
        for (int j = 1; j < N; j++) {
            int prev = state[j - 1];
            state[j] = 1812433253 * (prev ^ (prev >>> 30)) + j;
        }
        next = N; // the first draw regenerates the whole block, like the reference code
    }

    /** The next 32 random bits (an unsigned value carried in an int). */
    int nextInt() {
        if (next == N) {
            regenerate();
        }
        int y = state[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** 64 random bits from two draws, the first in the high half (torch's {@code random64()}). */
    long nextLong() {
        long hi = nextInt() & 0xffffffffL;
        long lo = nextInt() & 0xffffffffL;
        return (hi << 32) | lo;
    }

    private void regenerate() {
        for (int k = 0; k < N; k++) {
            int mixed = (state[k] & UPPER_MASK) | (state[(k + 1) % N] & LOWER_MASK);
            int twisted = (mixed >>> 1) ^ ((mixed & 1) != 0 ? MATRIX_A : 0);
            state[k] = state[(k + M) % N] ^ twisted;
        }
        next = 0;
    }
}
