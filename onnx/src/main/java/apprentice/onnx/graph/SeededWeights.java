package apprentice.onnx.graph;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Deterministic random parameters: the values of a parameter depend only on the seed, its name
 * and its shape, never on the order in which helpers ask for them. Asking twice gives equal
 * arrays, which lets tests rebuild the weights a graph was written with.
 */
public final class SeededWeights implements WeightSource {
    private final long seed;

    public SeededWeights(long seed) {
        this.seed = seed;
    }

    @Override
    public float[] get(String name, WeightInit init, int... shape) {
        int n = WeightSource.numel(shape);
        SplittableRandom random = new SplittableRandom(seed ^ fnv1a64(name));
        float[] out = new float[n];
        int fanIn = n / shape[0];
        double bound = 1.0 / Math.sqrt(Math.max(1, fanIn));
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble(-1.0, 1.0);
            out[i] = switch (init) {
                case FAN_IN_UNIFORM -> (float) (u * bound);
                case BIAS -> (float) (u * 0.05);
                case NORM_SCALE -> (float) (1.0 + 0.1 * u);
                case NORM_SHIFT -> (float) (0.1 * u);
                case EMBEDDING -> (float) (0.02 * gaussian(random, u));
            };
        }
        return out;
    }

    /** Box–Muller from the already drawn uniform and one more draw. */
    private static double gaussian(SplittableRandom random, double u) {
        double u1 = (u + 1.0) / 2.0;
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(Math.max(u1, 1e-300))) * Math.cos(2 * Math.PI * u2);
    }

    /** A stable string hash (String.hashCode is only 32 bits and collides easily). */
    private static long fnv1a64(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
