package apprentice.core.scheduler;

import apprentice.core.tensor.Tensor;

/** The data prediction x̂0 that DPM-Solver++ and UniPC (predict_x0) integrate, from the raw model output. */
final class MultistepPrediction {
    private MultistepPrediction() {
    }

    /**
     * Writes x̂0 into {@code out}: (x - σ_t·ε)/α_t for epsilon, α_t·x - σ_t·v for v_prediction, the output
     * itself for sample, where α_t = 1/sqrt(σ²+1) and σ_t = σ·α_t.
     */
    static void toX0(SigmaFamilyConfig.Prediction prediction, float[] modelOutput, float[] sample, double sigma,
            double[] out) {
        double alphaT = MultistepSchedule.alpha(sigma);
        double sigmaT = sigma * alphaT;
        for (int k = 0; k < out.length; k++) {
            out[k] = switch (prediction) {
                case EPSILON -> (sample[k] - sigmaT * modelOutput[k]) / alphaT;
                case V_PREDICTION -> alphaT * sample[k] - sigmaT * modelOutput[k];
                case SAMPLE -> modelOutput[k];
            };
        }
    }

    static Tensor asTensor(double[] values, int[] shape) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return new Tensor(shape, f);
    }
}
