/**
 * ONNX Runtime implementations of the core model interfaces and the loader of diffusers / Optimum ONNX model
 * folders ({@link apprentice.onnx.runtime.OnnxModelFolder#load}).
 *
 * <p>Each component owns one {@code OrtSession} and reads names, element types and ranks of its inputs from the
 * session (timestep int64/int32/float/float16 as a scalar, {@code [1]} or {@code [B]}; {@code input_ids} int32 or
 * int64; VAE {@code latent_parameters} or legacy {@code latent_sample}; LCM {@code timestep_cond}); a model that
 * does not fit its role is rejected with its file, the expected and the actual signature.
 * {@link apprentice.onnx.runtime.RuntimeOptions} chooses the execution provider (CPU, or CUDA with the GPU build
 * of ONNX Runtime), threads, graph optimisation and pinned UNet dimensions. Every component reports its time
 * inside {@code OrtSession.run} ({@link apprentice.core.pipeline.TimedComponent}).
 */
package apprentice.onnx.runtime;
