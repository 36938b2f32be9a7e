package apprentice.core.model;

import apprentice.core.tensor.Tensor;

/** Token ids to per-token hidden states ({@code last_hidden_state}) that condition the UNet. */
public interface TextEncoder extends AutoCloseable {

    /**
     * @param tokenIds {@code [B][L]} ids, already padded/truncated to {@link #sequenceLength()}
     * @return {@code [B, L, hiddenSize]}
     */
    Tensor encode(int[][] tokenIds);

    /** Token sequence length the encoder was exported for (77 for CLIP). */
    int sequenceLength();

    int hiddenSize();

    @Override
    void close();
}
