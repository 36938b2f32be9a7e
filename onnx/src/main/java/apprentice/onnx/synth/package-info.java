/**
 * Synthetic diffusers / Optimum ONNX model folders with small deterministic random weights
 * ({@link apprentice.onnx.synth.SyntheticModelFolder}, {@link apprentice.onnx.synth.SyntheticSpec}),
 * for tests and benchmarks that need real model files without a download.
 */
package apprentice.onnx.synth;
