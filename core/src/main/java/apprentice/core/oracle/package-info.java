/**
 * The {@link apprentice.core.oracle.Oracle} interface: batched image–text scores that gate the adaptive pipeline. ONNX
 * implementations (CLIP score, generic reward models) live in {@code apprentice.onnx.oracle}.
 */
package apprentice.core.oracle;
