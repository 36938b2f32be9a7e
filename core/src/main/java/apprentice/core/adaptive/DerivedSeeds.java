package apprentice.core.adaptive;

import apprentice.core.noise.Seeds;

/**
 * Seeds derived from an image's seed for the other random streams of the adaptive loop, so one recorded seed
 * reproduces the whole image and the streams never coincide with the seeds of neighbouring images
 * ({@code base + i}). Derived seeds are in {@code [0, 2^32)}: torch seeds its generator from the low 32 bits.
 */
public final class DerivedSeeds {
    private static final long TEACHER_SALT = 0x7EAC4E5L;
    private static final long CANDIDATE_SALT = 0xCA4D1DA7EL;

    private DerivedSeeds() {
    }

    /** The teacher's noise seed for an image whose (chosen) student draft had {@code studentSeed}. */
    public static long teacher(long studentSeed) {
        return mix(Seeds.requireValid(studentSeed), TEACHER_SALT);
    }

    /** The seed of best-of candidate {@code j} of an image with seed {@code seed}: the seed itself for j = 0. */
    public static long candidate(long seed, int j) {
        Seeds.requireValid(seed);
        if (j < 0) {
            throw new IllegalArgumentException("candidate index " + j + " is negative");
        }
        return j == 0 ? seed : mix(seed, CANDIDATE_SALT + j);
    }

    /** SplitMix64's finaliser over seed and salt, cut to 32 bits. */
    private static long mix(long seed, long salt) {
        long z = seed * 0x9E3779B97F4A7C15L + salt;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return z & (Seeds.RANDOM_LIMIT - 1);
    }
}
