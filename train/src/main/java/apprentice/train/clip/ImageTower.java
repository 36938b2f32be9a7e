package apprentice.train.clip;

import ai.djl.ndarray.NDArray;
import apprentice.train.nn.Conv2d;
import apprentice.train.nn.GroupNorm;
import apprentice.train.nn.Ops;
import apprentice.train.nn.ParamStore;
import apprentice.train.nn.ResBlock;

/**
 * The oracle's image tower: pixel-unshuffle(4) (64×64×3 → 16×16×48 patches), conv + ResBlock at
 * 16×16, stride-2 conv + ResBlock at 8×8, GroupNorm + SiLU, global average pool → [B, C].
 */
public final class ImageTower {
    public final Conv2d convIn;
    public final ResBlock res0;
    public final Conv2d down;
    public final ResBlock res1;
    public final GroupNorm normOut;
    public final int channels;

    public ImageTower(ParamStore ps, String prefix, int channels, int groups) {
        this.channels = channels;
        convIn = Conv2d.same3(ps, prefix + ".conv_in", 48, channels);
        res0 = new ResBlock(ps, prefix + ".res.0", channels, channels, groups, 0);
        down = new Conv2d(ps, prefix + ".down", channels, channels, 3, 2, 1);
        res1 = new ResBlock(ps, prefix + ".res.1", channels, channels, groups, 0);
        normOut = new GroupNorm(ps, prefix + ".norm_out", groups, channels, 1e-5f);
    }

    /** pixel_values [B, 3, 64, 64] → pooled features [B, C]. */
    public NDArray forward(NDArray pixels) {
        NDArray h = res0.forward(convIn.forward(Ops.pixelUnshuffle(pixels, 4)), null);
        h = res1.forward(down.forward(h), null);
        h = Ops.silu(normOut.forward(h));
        return h.reshape(h.getShape().get(0), channels, -1).mean(new int[] {2});
    }
}
