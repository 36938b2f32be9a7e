package apprentice.onnx.graph;

import java.util.List;

import static apprentice.onnx.graph.GraphBuilder.attrs;

/**
 * Emits the basic neural-network layers of diffusion models as opset-17 nodes.
 * <p>Every parameter is requested from the {@link WeightSource} under its PyTorch
 * {@code state_dict} name ({@code prefix + ".weight"}, {@code prefix + ".bias"}) in PyTorch layout,
 * and stored under that same name as a graph initializer, so an exported graph can be checked
 * parameter by parameter against the module it came from. Where ONNX wants another layout (Linear
 * for MatMul) the graph transposes the stored parameter; ONNX Runtime folds such constant
 * subgraphs once at session start, so they cost nothing per call.
 * <p>Activations use NCHW for images and {@code [batch, tokens, features]} for sequences.
 */
public class Layers {
    protected final GraphBuilder g;
    protected final WeightSource weights;

    public Layers(GraphBuilder g, WeightSource weights) {
        this.g = g;
        this.weights = weights;
    }

    public GraphBuilder graph() {
        return g;
    }

    /** Fetches parameter {@code name} of the given PyTorch shape and adds it as an initializer. */
    public String param(String name, WeightInit init, int... shape) {
        float[] data = weights.get(name, init, shape);
        if (data.length != WeightSource.numel(shape)) {
            throw new IllegalArgumentException("weight source returned " + data.length + " values for '" + name
                    + "' but its shape " + java.util.Arrays.toString(shape) + " needs " + WeightSource.numel(shape));
        }
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i];
        }
        return g.initializer(name, data, dims);
    }

    // ---- dense layers ----

    /**
     * {@code y = x · Wᵀ + b} over the last axis of an input of any rank. Parameters:
     * {@code prefix.weight [out, in]}, {@code prefix.bias [out]} (if {@code bias}).
     */
    public String linear(String prefix, String x, int in, int out, boolean bias) {
        String w = param(prefix + ".weight", WeightInit.FAN_IN_UNIFORM, out, in);
        String wt = g.op("Transpose", List.of(w), attrs("perm", new long[] {1, 0}));
        String y = g.op("MatMul", x, wt);
        return bias ? g.op("Add", y, param(prefix + ".bias", WeightInit.BIAS, out)) : y;
    }

    /** The same Linear as one {@code Gemm} node (transB=1); the input must be 2-D {@code [batch, in]}. */
    public String gemm(String prefix, String x, int in, int out) {
        String w = param(prefix + ".weight", WeightInit.FAN_IN_UNIFORM, out, in);
        String b = param(prefix + ".bias", WeightInit.BIAS, out);
        return g.op("Gemm", List.of(x, w, b), attrs("transB", 1L));
    }

    // ---- convolutions ----

    /** Square-kernel Conv2d with symmetric padding. Parameters {@code prefix.weight [out,in,k,k]}, {@code prefix.bias [out]}. */
    public String conv2d(String prefix, String x, int in, int out, int kernel, int stride, int padding) {
        return conv2d(prefix, x, in, out, kernel, stride, new long[] {padding, padding, padding, padding});
    }

    /** Conv2d with explicit ONNX pads {@code [top, left, bottom, right]} (e.g. the VAE's asymmetric downsampling). */
    public String conv2d(String prefix, String x, int in, int out, int kernel, int stride, long[] pads) {
        if (pads.length != 4) {
            throw new IllegalArgumentException("Conv2d pads must be [top, left, bottom, right], got " + pads.length + " values");
        }
        String w = param(prefix + ".weight", WeightInit.FAN_IN_UNIFORM, out, in, kernel, kernel);
        String b = param(prefix + ".bias", WeightInit.BIAS, out);
        return g.op("Conv", List.of(x, w, b), attrs(
                "kernel_shape", new long[] {kernel, kernel},
                "strides", new long[] {stride, stride},
                "pads", pads.clone()));
    }

    /** Stride-2 3×3 convolution with padding 1: diffusers' UNet {@code Downsample2D} ({@code prefix.conv}). */
    public String downsample(String prefix, String x, int channels) {
        return conv2d(prefix + ".conv", x, channels, channels, 3, 2, 1);
    }

    /** Nearest-neighbour 2× upsampling of an NCHW tensor, as {@code F.interpolate(scale_factor=2, mode="nearest")}. */
    public String upsampleNearest2x(String x) {
        String scales = g.constFloat(1f, 1f, 2f, 2f);
        return g.op("Resize", List.of(x, "", scales), attrs(
                "mode", "nearest",
                "coordinate_transformation_mode", "asymmetric",
                "nearest_mode", "floor"));
    }

    /** Nearest 2× upsampling followed by a 3×3 conv: diffusers' {@code Upsample2D} ({@code prefix.conv}). */
    public String upsample(String prefix, String x, int channels) {
        return conv2d(prefix + ".conv", upsampleNearest2x(x), channels, channels, 3, 1, 1);
    }

    // ---- normalisation ----

    /**
     * {@code torch.nn.GroupNorm} on an NCHW input. Opset 17 has no GroupNormalization, so this is
     * exact by construction: reshape to {@code [N, G, C/G·H·W]}, InstanceNormalization with unit
     * scale and zero shift (mean and biased variance per group), reshape back, then the per-channel
     * affine. Parameters {@code prefix.weight [C]}, {@code prefix.bias [C]}.
     */
    public String groupNorm(String prefix, String x, int groups, int channels, float eps) {
        if (groups <= 0 || channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm '" + prefix + "': channels " + channels
                    + " must be a positive multiple of groups " + groups);
        }
        String grouped = g.op("Reshape", x, g.constInt64(0, groups, -1));
        float[] ones = new float[groups];
        java.util.Arrays.fill(ones, 1f);
        String normed = g.op("InstanceNormalization", List.of(grouped, g.constFloat(ones), g.constFloat(new float[groups])),
                attrs("epsilon", eps));
        String back = g.op("Reshape", normed, g.op("Shape", x));
        String axes = g.constInt64(1, 2);
        String gamma = g.op("Unsqueeze", param(prefix + ".weight", WeightInit.NORM_SCALE, channels), axes);
        String beta = g.op("Unsqueeze", param(prefix + ".bias", WeightInit.NORM_SHIFT, channels), axes);
        return g.op("Add", g.op("Mul", back, gamma), beta);
    }

    /** {@code torch.nn.LayerNorm(dim)} over the last axis (opset-17 LayerNormalization). */
    public String layerNorm(String prefix, String x, int dim, float eps) {
        String gamma = param(prefix + ".weight", WeightInit.NORM_SCALE, dim);
        String beta = param(prefix + ".bias", WeightInit.NORM_SHIFT, dim);
        return g.op("LayerNormalization", List.of(x, gamma, beta), attrs("axis", -1L, "epsilon", eps));
    }

    // ---- activations ----

    /** SiLU / swish: {@code x · sigmoid(x)}. */
    public String silu(String x) {
        return g.op("Mul", x, g.op("Sigmoid", x));
    }

    /** Exact (erf) GELU: {@code 0.5 · x · (1 + erf(x / √2))}, PyTorch's default {@code approximate="none"}. */
    public String gelu(String x) {
        String erf = g.op("Erf", g.op("Div", x, g.scalar((float) Math.sqrt(2.0))));
        return g.op("Mul", g.op("Mul", x, g.op("Add", erf, g.scalar(1f))), g.scalar(0.5f));
    }

    // ---- shape helpers ----

    /** Size of axis {@code axis} of {@code x} as a 1-D int64 tensor of length 1 (for building shapes). */
    public String dim(String x, int axis) {
        return g.op("Slice", g.op("Shape", x), g.constInt64(axis), g.constInt64(axis + 1), g.constInt64(0));
    }

    /** {@code [B, C, H, W] -> [B, H·W, C]}: image to token sequence. */
    public String imageToTokens(String x) {
        String flat = g.op("Reshape", x, g.constInt64(0, 0, -1));
        return g.op("Transpose", List.of(flat), attrs("perm", new long[] {0, 2, 1}));
    }

    /** {@code [B, H·W, C] -> [B, C, H, W]}, taking H and W from {@code like} (an NCHW tensor of that size). */
    public String tokensToImage(String tokens, String like) {
        String chw = g.op("Transpose", List.of(tokens), attrs("perm", new long[] {0, 2, 1}));
        String shape = g.op("Concat", List.of(g.constInt64(0, -1), dim(like, 2), dim(like, 3)), attrs("axis", 0L));
        return g.op("Reshape", chw, shape);
    }
}
