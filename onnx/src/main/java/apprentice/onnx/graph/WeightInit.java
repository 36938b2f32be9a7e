package apprentice.onnx.graph;

/**
 * How a freshly initialised parameter should look. Layer helpers pass this hint with every
 * parameter request; sources of trained weights ignore it.
 */
public enum WeightInit {
    /** Uniform in ±1/sqrt(fan_in), fan_in = product of all dims but the first (PyTorch's Linear/Conv default). */
    FAN_IN_UNIFORM,
    /** Small uniform values in ±1/sqrt(fan_in) of the layer the bias belongs to; here ±0.05. */
    BIAS,
    /** Normalisation scale: 1 plus a little noise so tests see the affine step. */
    NORM_SCALE,
    /** Normalisation shift: a little noise around 0. */
    NORM_SHIFT,
    /** Embedding tables: normal with standard deviation 0.02, as CLIP initialises them. */
    EMBEDDING
}
