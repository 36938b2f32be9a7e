package apprentice.core.scheduler;

import apprentice.core.tensor.Tensor;

/** Helpers for schedulers that index ᾱ by integer training timestep (DDIM, LCM). */
final class DiscreteTimesteps {
    private DiscreteTimesteps() {
    }

    /** The timestep as an index into ᾱ; must be a whole number in [0, T). */
    static int index(double timestep, int numTrainTimesteps) {
        if (timestep != Math.rint(timestep) || timestep < 0 || timestep >= numTrainTimesteps) {
            throw new IllegalArgumentException("timestep must be a whole number in 0.." + (numTrainTimesteps - 1)
                    + " for this scheduler, got " + timestep);
        }
        return (int) timestep;
    }

    /** Rejects a model output whose size is not the sample's (both schedulers' {@code step} check). */
    static void requireSameSize(float[] modelOutput, float[] sample) {
        if (modelOutput.length != sample.length) {
            throw new IllegalArgumentException("model output has " + modelOutput.length
                    + " values but the sample has " + sample.length);
        }
    }

    /**
     * diffusers' DDPM-style {@code add_noise} at a whole training {@code timestep}:
     * sqrt(ᾱ_t)·x0 + sqrt(1-ᾱ_t)·noise.
     */
    static Tensor addNoise(AlphaBarSchedule alphaBars, Tensor original, Tensor noise, double timestep) {
        double alphaProd = alphaBars.at(index(timestep, alphaBars.numTrainTimesteps()));
        float[] x = original.data();
        float[] z = noise.data();
        if (x.length != z.length) {
            throw new IllegalArgumentException("noise has " + z.length + " values but the sample has " + x.length
                    + ": draw the noise with the sample's shape");
        }
        double a = Math.sqrt(alphaProd);
        double b = Math.sqrt(1.0 - alphaProd);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (a * x[i] + b * z[i]);
        }
        return new Tensor(original.shape(), out);
    }
}
