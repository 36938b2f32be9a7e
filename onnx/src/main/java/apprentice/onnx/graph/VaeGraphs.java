package apprentice.onnx.graph;

import ai.onnx.proto.OnnxMl.ModelProto;

import static apprentice.onnx.graph.ElementType.FLOAT;

/**
 * The two halves of a diffusers {@code AutoencoderKL} with Optimum's interfaces.
 * <p>{@code vae_encoder}: {@code sample} float {@code [batch_size, 3, sample_height, sample_width]}
 * in [-1, 1] → {@code latent_parameters} {@code [batch_size, 2·latent, sample_height / f, sample_width / f]}
 * (mean ‖ logvar after {@code quant_conv}), or in the legacy form {@code latent_sample}
 * {@code [batch_size, latent, …]} holding the mean (old exports sampled here; a graph has no
 * random source, so this one returns the distribution's mode).
 * <p>{@code vae_decoder}: {@code latent_sample} {@code [batch_size, latent, latent_height, latent_width]}
 * (already divided by the scaling factor) → {@code sample} {@code [batch_size, 3, latent_height * f, latent_width * f]}.
 * <p>Parameter names: {@code encoder.…}, {@code quant_conv}, {@code post_quant_conv}, {@code decoder.…}.
 */
public final class VaeGraphs {
    private static final float EPS = 1e-6f;

    private VaeGraphs() {
    }

    public static ModelProto encoder(VaeConfig c, WeightSource weights, boolean legacyLatentSample) {
        GraphBuilder g = new GraphBuilder("vae_encoder").docString("AutoencoderKL encoder: " + c);
        DiffusionBlocks b = new DiffusionBlocks(g, weights);
        int[] ch = c.blockChannels();
        int f = c.scaleFactor();
        String x = g.input("sample", FLOAT, "batch_size", c.imageChannels(), "sample_height", "sample_width");
        String h = b.conv2d("encoder.conv_in", x, c.imageChannels(), ch[0], 3, 1, 1);
        int cur = ch[0];
        for (int i = 0; i < ch.length; i++) {
            String p = "encoder.down_blocks." + i;
            for (int j = 0; j < c.layersPerBlock(); j++) {
                h = b.resnetBlock(p + ".resnets." + j, h, null, cur, ch[i], 0, c.normGroups(), EPS);
                cur = ch[i];
            }
            if (i < ch.length - 1) {
                // diffusers pads (0, 1, 0, 1) then convolves with stride 2 and no padding
                h = b.conv2d(p + ".downsamplers.0.conv", h, cur, cur, 3, 2, new long[] {0, 0, 1, 1});
            }
        }
        h = midBlock(b, "encoder.mid_block", h, cur, c);
        h = b.silu(b.groupNorm("encoder.conv_norm_out", h, c.normGroups(), cur, EPS));
        h = b.conv2d("encoder.conv_out", h, cur, 2 * c.latentChannels(), 3, 1, 1);
        h = b.conv2d("quant_conv", h, 2 * c.latentChannels(), 2 * c.latentChannels(), 1, 1, 0);
        String hOut = "sample_height / " + f;
        String wOut = "sample_width / " + f;
        if (legacyLatentSample) {
            String mean = g.op("Slice", h, g.constInt64(0), g.constInt64(c.latentChannels()), g.constInt64(1));
            g.output(mean, "latent_sample", FLOAT, "batch_size", c.latentChannels(), hOut, wOut);
        } else {
            g.output(h, "latent_parameters", FLOAT, "batch_size", 2 * c.latentChannels(), hOut, wOut);
        }
        return g.build();
    }

    public static ModelProto decoder(VaeConfig c, WeightSource weights) {
        GraphBuilder g = new GraphBuilder("vae_decoder").docString("AutoencoderKL decoder: " + c);
        DiffusionBlocks b = new DiffusionBlocks(g, weights);
        int[] ch = c.blockChannels();
        int f = c.scaleFactor();
        int top = ch[ch.length - 1];
        String z = g.input("latent_sample", FLOAT, "batch_size", c.latentChannels(), "latent_height", "latent_width");
        String h = b.conv2d("post_quant_conv", z, c.latentChannels(), c.latentChannels(), 1, 1, 0);
        h = b.conv2d("decoder.conv_in", h, c.latentChannels(), top, 3, 1, 1);
        h = midBlock(b, "decoder.mid_block", h, top, c);
        int cur = top;
        for (int i = 0; i < ch.length; i++) {
            int out = ch[ch.length - 1 - i];
            String p = "decoder.up_blocks." + i;
            for (int j = 0; j <= c.layersPerBlock(); j++) {
                h = b.resnetBlock(p + ".resnets." + j, h, null, cur, out, 0, c.normGroups(), EPS);
                cur = out;
            }
            if (i < ch.length - 1) {
                h = b.upsample(p + ".upsamplers.0", h, cur);
            }
        }
        h = b.silu(b.groupNorm("decoder.conv_norm_out", h, c.normGroups(), cur, EPS));
        h = b.conv2d("decoder.conv_out", h, cur, c.imageChannels(), 3, 1, 1);
        g.output(h, "sample", FLOAT, "batch_size", c.imageChannels(), "latent_height * " + f, "latent_width * " + f);
        return g.build();
    }

    private static String midBlock(DiffusionBlocks b, String prefix, String x, int channels, VaeConfig c) {
        String h = b.resnetBlock(prefix + ".resnets.0", x, null, channels, channels, 0, c.normGroups(), EPS);
        if (c.midAttention()) {
            h = b.vaeAttention(prefix + ".attentions.0", h, channels, c.normGroups());
        }
        return b.resnetBlock(prefix + ".resnets.1", h, null, channels, channels, 0, c.normGroups(), EPS);
    }
}
