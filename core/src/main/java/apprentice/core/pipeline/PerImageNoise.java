package apprentice.core.pipeline;

import apprentice.core.noise.NoiseSource;
import apprentice.core.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * A batch's noise drawn image by image, each image from its own generator: diffusers' {@code randn_tensor}
 * with a list of generators draws {@code [1, ...]} from generator {@code i} for batch item {@code i}.
 * This is what makes image {@code i} of a batch equal to the same seed run alone.
 */
final class PerImageNoise implements NoiseSource {
    private final List<NoiseSource> generators;

    PerImageNoise(List<NoiseSource> generators) {
        this.generators = List.copyOf(generators);
    }

    NoiseSource generator(int i) {
        return generators.get(i);
    }

    int size() {
        return generators.size();
    }

    @Override
    public Tensor randn(int... shape) {
        if (shape.length == 0 || shape[0] != generators.size()) {
            throw new IllegalArgumentException("noise of shape " + Arrays.toString(shape) + " requested for a batch of "
                    + generators.size() + " images: the first dimension must be the batch");
        }
        int[] one = shape.clone();
        one[0] = 1;
        Tensor[] parts = new Tensor[generators.size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = generators.get(i).randn(one);
        }
        return Tensor.concat(parts);
    }
}
