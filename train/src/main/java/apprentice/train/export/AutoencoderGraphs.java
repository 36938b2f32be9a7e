package apprentice.train.export;

import static apprentice.onnx.graph.GraphBuilder.attrs;

import ai.onnx.proto.OnnxMl.ModelProto;
import apprentice.onnx.graph.DiffusionBlocks;
import apprentice.onnx.graph.ElementType;
import apprentice.onnx.graph.GraphBuilder;
import apprentice.onnx.graph.WeightSource;
import apprentice.train.ae.AutoencoderConfig;
import java.util.List;

/**
 * ONNX graphs of the emoji VAE ({@link apprentice.train.ae.AutoencoderModel}), built from the graph
 * writer's layer helpers plus pixel (un)shuffle, which the writer does not have: spelled as
 * Reshape/Transpose/Reshape in torch's channel order.
 */
public final class AutoencoderGraphs {
    private static final float EPS = 1e-5f;

    private AutoencoderGraphs() {
    }

    public static ModelProto encoder(AutoencoderConfig c, WeightSource w) {
        GraphBuilder g = new GraphBuilder("vae_encoder").docString("emoji VAE encoder: " + c);
        DiffusionBlocks b = new DiffusionBlocks(g, w);
        String x = g.input("sample", ElementType.FLOAT, "batch_size", 3, "sample_height", "sample_width");
        String h = b.conv2d("encoder.conv_in", pixelUnshuffle(b, x, 3, 2), 12, c.base(), 3, 1, 1);
        h = b.resnetBlock("encoder.res.0", h, null, c.base(), c.base(), 0, c.groups(), EPS);
        h = b.conv2d("encoder.down", h, c.base(), c.mid(), 3, 2, 1);
        h = b.resnetBlock("encoder.res.1", h, null, c.mid(), c.mid(), 0, c.groups(), EPS);
        h = b.silu(b.groupNorm("encoder.norm_out", h, c.groups(), c.mid(), EPS));
        h = b.conv2d("encoder.conv_out", h, c.mid(), 2 * c.latentChannels(), 3, 1, 1);
        g.output(h, "latent_parameters", ElementType.FLOAT, "batch_size", 2 * c.latentChannels(), "sample_height / 4",
                "sample_width / 4");
        return g.build();
    }

    public static ModelProto decoder(AutoencoderConfig c, WeightSource w) {
        GraphBuilder g = new GraphBuilder("vae_decoder").docString("emoji VAE decoder: " + c);
        DiffusionBlocks b = new DiffusionBlocks(g, w);
        String z = g.input("latent_sample", ElementType.FLOAT, "batch_size", c.latentChannels(), "latent_height", "latent_width");
        String h = b.conv2d("decoder.conv_in", z, c.latentChannels(), c.mid(), 3, 1, 1);
        h = b.resnetBlock("decoder.res.0", h, null, c.mid(), c.mid(), 0, c.groups(), EPS);
        h = b.conv2d("decoder.up", b.upsampleNearest2x(h), c.mid(), c.base(), 3, 1, 1);
        h = b.resnetBlock("decoder.res.1", h, null, c.base(), c.base(), 0, c.groups(), EPS);
        h = b.silu(b.groupNorm("decoder.norm_out", h, c.groups(), c.base(), EPS));
        h = b.conv2d("decoder.conv_out", h, c.base(), 12, 3, 1, 1);
        g.output(pixelShuffle(b, h, 3, 2), "sample", ElementType.FLOAT, "batch_size", 3, "latent_height * 4", "latent_width * 4");
        return g.build();
    }

    /** torch PixelUnshuffle(r) on [N, C, H, W]: reshape [N, C, H/r, r, W/r, r], permute (0,1,3,5,2,4), reshape. */
    public static String pixelUnshuffle(DiffusionBlocks b, String x, int channels, int r) {
        GraphBuilder g = b.graph();
        String h = g.op("Div", b.dim(x, 2), g.constInt64(r));
        String w = g.op("Div", b.dim(x, 3), g.constInt64(r));
        String shape6 = g.op("Concat", List.of(g.constInt64(0, channels), h, g.constInt64(r), w, g.constInt64(r)), attrs("axis", 0L));
        String six = g.op("Reshape", x, shape6);
        String perm = g.op("Transpose", List.of(six), attrs("perm", new long[] {0, 1, 3, 5, 2, 4}));
        String shape4 = g.op("Concat", List.of(g.constInt64(0, (long) channels * r * r), h, w), attrs("axis", 0L));
        return g.op("Reshape", perm, shape4);
    }

    /** torch PixelShuffle(r) on [N, C·r², H, W]: reshape [N, C, r, r, H, W], permute (0,1,4,2,5,3), reshape. */
    public static String pixelShuffle(DiffusionBlocks b, String x, int channels, int r) {
        GraphBuilder g = b.graph();
        String h = b.dim(x, 2);
        String w = b.dim(x, 3);
        String shape6 = g.op("Concat", List.of(g.constInt64(0, channels, r, r), h, w), attrs("axis", 0L));
        String perm = g.op("Transpose", List.of(g.op("Reshape", x, shape6)), attrs("perm", new long[] {0, 1, 4, 2, 5, 3}));
        String shape4 = g.op("Concat", List.of(g.constInt64(0, channels), g.op("Mul", h, g.constInt64(r)),
                g.op("Mul", w, g.constInt64(r))), attrs("axis", 0L));
        return g.op("Reshape", perm, shape4);
    }
}
