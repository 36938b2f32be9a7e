/**
 * An ONNX graph writer (IR 8, opset 17) on Tribuo's ONNX protobuf classes, with layer helpers for
 * diffusion UNets, VAEs and CLIP-style text transformers.
 * <p>{@link apprentice.onnx.graph.GraphBuilder} writes nodes, inputs, outputs and initializers;
 * {@link apprentice.onnx.graph.OnnxModelWriter} saves inline or with external data;
 * {@link apprentice.onnx.graph.Layers} and {@link apprentice.onnx.graph.DiffusionBlocks} emit
 * layers whose parameters are fetched by PyTorch {@code state_dict} name and layout from a
 * {@link apprentice.onnx.graph.WeightSource} ({@link apprentice.onnx.graph.SeededWeights} for
 * random, {@link apprentice.onnx.graph.MapWeights} for trained weights).
 */
package apprentice.onnx.graph;
