package apprentice.core.pipeline;

import apprentice.core.noise.NoiseSource;

/** Makes the random stream of one image from that image's seed (diffusers: one torch CPU generator per image). */
@FunctionalInterface
public interface SeededNoise {
    NoiseSource forSeed(long seed);
}
