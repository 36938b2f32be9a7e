package apprentice.train.clip;

import apprentice.onnx.graph.TextEncoderConfig;

/**
 * The emoji CLIP: a small causal text transformer (its per-token states condition the UNets) and
 * a convolutional image tower on 4×4 pixel patches; both project to {@code projectionDim}.
 */
public record ClipConfig(TextEncoderConfig text, int imageChannels, int groups, int projectionDim) {
    public static ClipConfig emoji(int vocabSize) {
        return new ClipConfig(new TextEncoderConfig(vocabSize, 77, 64, 2, 2, 256), 32, 8, 64);
    }
}
