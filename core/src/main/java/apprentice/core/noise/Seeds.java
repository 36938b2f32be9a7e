package apprentice.core.noise;

import java.security.SecureRandom;

/**
 * Seed conventions for reproducible images.
 *
 * <p>A seed is a {@code long} in {@code [0, 2^53)}: non-negative, and small enough that JSON
 * readers which parse numbers as doubles (JavaScript, many Python tools) keep it exact in image
 * metadata. Seed S draws the same initial latents as diffusers with
 * {@code generator=torch.Generator("cpu").manual_seed(S)} (see {@link TorchGenerator}).
 *
 * <p><b>Batches.</b> Image i of a batch with base seed B gets seed {@code B + i}, so any single
 * image can be regenerated alone with its own seed, and "seed 42, 4 images" yields seeds
 * 42, 43, 44, 45 as users expect. This is diffusers' behaviour when it is given a list of
 * generators {@code [torch.Generator("cpu").manual_seed(B + i) for i in range(n)]}; diffusers given
 * a <em>single</em> generator draws the whole batch from one stream instead, and only its image 0
 * equals ours.
 */
public final class Seeds {
    /** Exclusive upper bound of valid seeds: 2^53, the largest range doubles hold exactly. */
    public static final long LIMIT = 1L << 53;
    /**
     * Exclusive upper bound of {@link #random()}: torch seeds its Mersenne Twister from the low 32
     * bits only, so drawing below 2^32 guarantees that different random seeds give different noise.
     */
    public static final long RANDOM_LIMIT = 1L << 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Seeds() {
    }

    /** A fresh unpredictable seed in {@code [0, 2^32)}. */
    public static long random() {
        return RANDOM.nextLong() & (RANDOM_LIMIT - 1);
    }

    /** Checks that {@code seed} is in {@code [0, 2^53)} and returns it. */
    public static long requireValid(long seed) {
        if (seed < 0 || seed >= LIMIT) {
            throw new IllegalArgumentException("seed " + seed + " is out of range: use a whole number from 0 to "
                    + (LIMIT - 1) + " (2^53 - 1), or omit the seed to get a random one");
        }
        return seed;
    }

    /** The seed of image {@code index} in a batch whose first image has seed {@code base}. */
    public static long forImage(long base, int index) {
        requireValid(base);
        if (index < 0) {
            throw new IllegalArgumentException("image index " + index + " is negative; batch indices start at 0");
        }
        long seed = base + index;
        if (seed >= LIMIT) {
            throw new IllegalArgumentException("base seed " + base + " plus image index " + index
                    + " exceeds the largest seed " + (LIMIT - 1) + "; choose a base seed below " + (LIMIT - index));
        }
        return seed;
    }

    /** Seeds for a batch of {@code count} images: {@code base, base+1, ..., base+count-1}. */
    public static long[] forBatch(long base, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("batch size " + count + " must be at least 1");
        }
        forImage(base, count - 1); // validates the whole range at once
        long[] seeds = new long[count];
        for (int i = 0; i < count; i++) {
            seeds[i] = base + i;
        }
        return seeds;
    }

    /** One generator per image of a batch, seeded as {@link #forBatch} says. */
    public static TorchGenerator[] generators(long base, int count) {
        long[] seeds = forBatch(base, count);
        TorchGenerator[] gens = new TorchGenerator[count];
        for (int i = 0; i < count; i++) {
            gens[i] = new TorchGenerator(seeds[i]);
        }
        return gens;
    }
}
