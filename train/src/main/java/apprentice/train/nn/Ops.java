package apprentice.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Stateless pieces composed from DJL primitives (each has a one-op ONNX counterpart). */
public final class Ops {
    private Ops() {
    }

    /** x·sigmoid(x). */
    public static NDArray silu(NDArray x) {
        return x.mul(ai.djl.nn.Activation.sigmoid(x));
    }

    /** Nearest-neighbour 2× upsampling of [N, C, H, W] (ONNX Resize, mode nearest). */
    public static NDArray upsample2x(NDArray x) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        // repeat-interleave on each spatial axis; an expand()-based view here gave intermittent garbage
        return x.repeat(2, 2).repeat(3, 2);
    }

    /**
     * torch.nn.PixelUnshuffle(r): [N, C, H, W] → [N, C·r², H/r, W/r] (ONNX SpaceToDepth has a different
     * channel order, so the export spells it as Reshape/Transpose/Reshape like this).
     */
    public static NDArray pixelUnshuffle(NDArray x, int r) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2) / r;
        long w = s.get(3) / r;
        return x.reshape(n, c, h, r, w, r).transpose(0, 1, 3, 5, 2, 4).reshape(n, c * r * r, h, w);
    }

    /** torch.nn.PixelShuffle(r): [N, C·r², H, W] → [N, C, H·r, W·r] (ONNX DepthToSpace, mode CRD). */
    public static NDArray pixelShuffle(NDArray x, int r) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1) / (r * r);
        long h = s.get(2);
        long w = s.get(3);
        return x.reshape(n, c, r, r, h, w).transpose(0, 1, 4, 2, 5, 3).reshape(n, c, h * r, w * r);
    }

    /** GELU with tanh approximation off (exact erf form, as torch.nn.GELU()). */
    public static NDArray gelu(NDArray x) {
        return ai.djl.nn.Activation.gelu(x);
    }
}
