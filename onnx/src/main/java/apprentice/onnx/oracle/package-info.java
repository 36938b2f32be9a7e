/**
 * ONNX Runtime oracles: {@link apprentice.onnx.oracle.ClipScoreOracle} for Optimum {@code clip} exports (CLIP score
 * {@code 100·max(cos, 0)}), {@link apprentice.onnx.oracle.OnnxRewardModel} for reward models described by
 * {@code reward_config.json}, and {@link apprentice.onnx.oracle.Oracles#open} choosing between them.
 */
package apprentice.onnx.oracle;
