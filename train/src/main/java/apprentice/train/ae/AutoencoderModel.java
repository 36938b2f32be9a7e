package apprentice.train.ae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import apprentice.train.nn.Conv2d;
import apprentice.train.nn.GroupNorm;
import apprentice.train.nn.Ops;
import apprentice.train.nn.ParamStore;
import apprentice.train.nn.ResBlock;

/**
 * KL-regularised convolutional autoencoder in the spirit of SD's AutoencoderKL, scaled down:
 * encoder: pixel-unshuffle(2) → 32×32 conv + ResBlock → stride-2 conv → 16×16 ResBlock → 2·C
 * latent parameters (mean ‖ logvar); decoder: 16×16 ResBlock → nearest 2× + conv → 32×32
 * ResBlock → conv to 12 channels → pixel-shuffle(2) → 64×64×3.
 */
public final class AutoencoderModel {
    public final AutoencoderConfig config;
    /** The encoder's parameters ("encoder.*"); the same store as {@link #decoderPs} unless built with two. */
    public final ParamStore encoderPs;
    /** The decoder's parameters ("decoder.*"). */
    public final ParamStore decoderPs;
    public final Conv2d encIn;
    public final ResBlock encRes0;
    public final Conv2d encDown;
    public final ResBlock encRes1;
    public final GroupNorm encNormOut;
    public final Conv2d encOut;
    public final Conv2d decIn;
    public final ResBlock decRes0;
    public final Conv2d decUp;
    public final ResBlock decRes1;
    public final GroupNorm decNormOut;
    public final Conv2d decOut;

    public AutoencoderModel(ParamStore ps, AutoencoderConfig c) {
        this(ps, ps, c);
    }

    /**
     * Encoder and decoder parameters in separate stores, so that one half can be trained (its own
     * optimizer and EMA) while the other stays frozen, as the decoder-only fine-tune does.
     */
    public AutoencoderModel(ParamStore encoderPs, ParamStore decoderPs, AutoencoderConfig c) {
        this.config = c;
        this.encoderPs = encoderPs;
        this.decoderPs = decoderPs;
        int g = c.groups();
        ParamStore e = encoderPs;
        encIn = Conv2d.same3(e, "encoder.conv_in", 12, c.base());
        encRes0 = new ResBlock(e, "encoder.res.0", c.base(), c.base(), g, 0);
        encDown = new Conv2d(e, "encoder.down", c.base(), c.mid(), 3, 2, 1);
        encRes1 = new ResBlock(e, "encoder.res.1", c.mid(), c.mid(), g, 0);
        encNormOut = new GroupNorm(e, "encoder.norm_out", g, c.mid(), 1e-5f);
        encOut = Conv2d.same3(e, "encoder.conv_out", c.mid(), 2 * c.latentChannels());
        ParamStore d = decoderPs;
        decIn = Conv2d.same3(d, "decoder.conv_in", c.latentChannels(), c.mid());
        decRes0 = new ResBlock(d, "decoder.res.0", c.mid(), c.mid(), g, 0);
        decUp = Conv2d.same3(d, "decoder.up", c.mid(), c.base());
        decRes1 = new ResBlock(d, "decoder.res.1", c.base(), c.base(), g, 0);
        decNormOut = new GroupNorm(d, "decoder.norm_out", g, c.base(), 1e-5f);
        decOut = Conv2d.same3(d, "decoder.conv_out", c.base(), 12);
    }

    /** [N,3,64,64] in [-1,1] → [N, 2C, 16, 16] (mean ‖ logvar), the exported latent_parameters. */
    public NDArray encode(NDArray x) {
        NDArray h = encRes0.forward(encIn.forward(Ops.pixelUnshuffle(x, 2)), null);
        h = encRes1.forward(encDown.forward(h), null);
        return encOut.forward(Ops.silu(encNormOut.forward(h)));
    }

    /** Splits latent parameters into mean and logvar (clamped to [-30, 20] as diffusers does). */
    public NDList meanLogvar(NDArray params) {
        // slicing rather than NDArray.split: split's backward produced NaN gradients on DJL 0.36/libtorch 2.7.1
        int c = config.latentChannels();
        NDArray mean = params.get(new NDIndex(":, 0:" + c));
        NDArray logvar = params.get(new NDIndex(":, " + c + ":" + 2 * c));
        return new NDList(mean, logvar.clip(-30f, 20f));
    }

    /** [N, C, 16, 16] unscaled latents → [N, 3, 64, 64] in about [-1, 1]. */
    public NDArray decode(NDArray z) {
        NDArray h = decRes0.forward(decIn.forward(z), null);
        h = decRes1.forward(decUp.forward(Ops.upsample2x(h)), null);
        return Ops.pixelShuffle(decOut.forward(Ops.silu(decNormOut.forward(h))), 2);
    }
}
