package apprentice.onnx.graph;

/**
 * Shape of a CLIP-style causal text transformer (transformers {@code CLIPTextModel}).
 *
 * @param vocabSize rows of the token embedding (514 for the byte-level test vocabulary, 49408 for CLIP)
 * @param maxPositions rows of the position embedding (77 in SD)
 * @param dim hidden size D (768 in SD 1.x)
 * @param layers encoder layers
 * @param heads attention heads (must divide dim)
 * @param mlpDim feed-forward width (4·D in CLIP)
 */
public record TextEncoderConfig(int vocabSize, int maxPositions, int dim, int layers, int heads, int mlpDim) {
    public TextEncoderConfig {
        if (vocabSize <= 0 || maxPositions <= 0 || dim <= 0 || layers <= 0 || heads <= 0 || mlpDim <= 0) {
            throw new IllegalArgumentException("text encoder sizes must all be positive: " + this);
        }
        if (dim % heads != 0) {
            throw new IllegalArgumentException("text encoder dim " + dim + " must be divisible by heads " + heads);
        }
    }
}
