package apprentice.train.nn;

import java.util.Random;

/** Deterministic per-step randomness: step s always draws the same batch, so a resumed run replays exactly. */
public final class Batches {
    private Batches() {
    }

    public static Random rng(long seed, long step) {
        return new Random(seed * 0x9E3779B97F4A7C15L + step);
    }

    public static int[] sample(int[] pool, int batch, Random rng) {
        int[] out = new int[batch];
        for (int i = 0; i < batch; i++) {
            out[i] = pool[rng.nextInt(pool.length)];
        }
        return out;
    }

    /**
     * A batch drawn group first, then member: every group is equally likely whatever its size. With the emoji grouped by
     * base this gives each emoji the same share of training, instead of letting the 305 emoji with skin-tone variants
     * (58 % of the images, 6 or 26 renderings per vendor) take most of it.
     */
    public static int[] sampleGroups(int[][] groups, int batch, Random rng) {
        int[] out = new int[batch];
        for (int i = 0; i < batch; i++) {
            int[] g = groups[rng.nextInt(groups.length)];
            out[i] = g[rng.nextInt(g.length)];
        }
        return out;
    }

    public static float[] gaussian(int n, Random rng) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }
}
