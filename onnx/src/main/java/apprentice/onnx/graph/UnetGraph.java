package apprentice.onnx.graph;

import ai.onnx.proto.OnnxMl.ModelProto;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static apprentice.onnx.graph.ElementType.FLOAT;
import static apprentice.onnx.graph.GraphBuilder.attrs;

/**
 * A latent UNet with Optimum's {@code unet} interface: {@code sample} float
 * {@code [batch_size, C, height, width]}, {@code timestep} ({@link UnetConfig#timestepType()},
 * scalar {@code []} or {@code [batch_size]}), {@code encoder_hidden_states} float
 * {@code [batch_size, sequence_length, D]} and, for LCM, {@code timestep_cond} float
 * {@code [batch_size, Dcond]} → {@code out_sample} float {@code [batch_size, C, height, width]}.
 * <p>The structure and parameter names follow diffusers' {@code UNet2DConditionModel}
 * ({@code conv_in}, {@code time_embedding}, {@code down_blocks.i.resnets.j},
 * {@code down_blocks.i.attentions.j}, {@code down_blocks.i.downsamplers.0}, {@code mid_block},
 * {@code up_blocks.i.…}, {@code conv_norm_out}, {@code conv_out}), with linear projections in the
 * transformers (SD 2.x's {@code use_linear_projection=True}), flip_sin_to_cos=True, freq_shift=0.
 * Height and width must be multiples of {@link UnetConfig#sizeMultiple()}. Two optional additions that
 * diffusers' class lacks ({@code add_embedding}, {@code conv_in_position}) are described in {@link UnetConfig}.
 */
public final class UnetGraph {
    private UnetGraph() {
    }

    public static ModelProto build(UnetConfig c, WeightSource weights) {
        GraphBuilder g = new GraphBuilder("unet").docString("latent UNet: " + c);
        DiffusionBlocks b = new DiffusionBlocks(g, weights);
        int[] ch = c.blockChannels();
        int levels = ch.length;
        int temb = c.timeEmbedDim();
        int groups = c.normGroups();
        float eps = 1e-5f;

        String sample = g.input("sample", FLOAT, "batch_size", c.inChannels(), "height", "width");
        String timestep = c.timestepScalar() ? g.input("timestep", c.timestepType())
                : g.input("timestep", c.timestepType(), "batch_size");
        String context = g.input("encoder_hidden_states", FLOAT, "batch_size", "sequence_length", c.crossAttentionDim());
        String cond = c.timestepCondDim() > 0
                ? g.input("timestep_cond", FLOAT, "batch_size", c.timestepCondDim()) : null;

        String t = b.timestepsToBatch(timestep, c.timestepType(), sample);
        String emb = b.timestepEmbedding(t, ch[0], true, 0f, 10000f);
        String tEmb = b.timestepMlp("time_embedding", emb, ch[0], temb, cond, c.timestepCondDim());
        if (c.textTimeEmbedding()) {
            tEmb = g.op("Add", tEmb, b.textTimeEmbedding("add_embedding", context, c.crossAttentionDim(), temb));
        }

        String h = b.conv2d("conv_in", sample, c.inChannels(), ch[0], 3, 1, 1);
        if (c.positionEmbedding()) {
            h = b.addPositionMap("conv_in_position", h, ch[0], c.sampleSize());
        }
        Deque<String> skips = new ArrayDeque<>();
        Deque<Integer> skipChannels = new ArrayDeque<>();
        skips.push(h);
        skipChannels.push(ch[0]);
        int cur = ch[0];
        for (int i = 0; i < levels; i++) {
            String p = "down_blocks." + i;
            for (int j = 0; j < c.layersPerBlock(); j++) {
                h = b.resnetBlock(p + ".resnets." + j, h, tEmb, cur, ch[i], temb, groups, eps);
                cur = ch[i];
                if (i >= c.attentionFromLevel()) {
                    h = b.spatialTransformer(p + ".attentions." + j, h, context, cur, c.crossAttentionDim(), c.heads(), groups);
                }
                skips.push(h);
                skipChannels.push(cur);
            }
            if (i < levels - 1) {
                h = b.downsample(p + ".downsamplers.0", h, cur);
                skips.push(h);
                skipChannels.push(cur);
            }
        }

        h = b.resnetBlock("mid_block.resnets.0", h, tEmb, cur, cur, temb, groups, eps);
        h = b.spatialTransformer("mid_block.attentions.0", h, context, cur, c.crossAttentionDim(), c.heads(), groups);
        h = b.resnetBlock("mid_block.resnets.1", h, tEmb, cur, cur, temb, groups, eps);

        for (int i = 0; i < levels; i++) {
            int level = levels - 1 - i;
            String p = "up_blocks." + i;
            for (int j = 0; j <= c.layersPerBlock(); j++) {
                h = g.op("Concat", List.of(h, skips.pop()), attrs("axis", 1L));
                int in = cur + skipChannels.pop();
                h = b.resnetBlock(p + ".resnets." + j, h, tEmb, in, ch[level], temb, groups, eps);
                cur = ch[level];
                if (level >= c.attentionFromLevel()) {
                    h = b.spatialTransformer(p + ".attentions." + j, h, context, cur, c.crossAttentionDim(), c.heads(), groups);
                }
            }
            if (i < levels - 1) {
                h = b.upsample(p + ".upsamplers.0", h, cur);
            }
        }

        h = b.silu(b.groupNorm("conv_norm_out", h, groups, cur, eps));
        h = b.conv2d("conv_out", h, cur, c.outChannels(), 3, 1, 1);
        g.output(h, "out_sample", FLOAT, "batch_size", c.outChannels(), "height", "width");
        return g.build();
    }
}
