package apprentice.train.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import apprentice.onnx.graph.DiffusionBlocks;
import apprentice.onnx.graph.UnetConfig;
import apprentice.train.nn.Conv2d;
import apprentice.train.nn.GroupNorm;
import apprentice.train.nn.Linear;
import apprentice.train.nn.Ops;
import apprentice.train.nn.ParamStore;
import apprentice.train.nn.ResBlock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * diffusers' UNet2DConditionModel, step for step as the graph writer's {@code UnetGraph} builds it
 * (same parameter names and order of operations), so exporting is that graph fed these weights.
 */
public final class UnetModel {
    public final UnetConfig config;
    private final Linear condProj;
    private final Linear time1;
    private final Linear time2;
    private final Linear addEmbedding;
    private final Conv2d convIn;
    private final NDArray positionMap;
    private final List<Object> down = new ArrayList<>();
    private final List<Object> mid = new ArrayList<>();
    private final List<Object> up = new ArrayList<>();
    private final GroupNorm normOut;
    private final Conv2d convOut;
    private final float[] freqs;
    /** Receives (block prefix, output) after every resnet, for parity tests; null in training. */
    java.util.function.BiConsumer<String, NDArray> tracer;

    private record Upsample(Conv2d conv) {
    }

    private record Downsample(Conv2d conv) {
    }

    /** Marks where up blocks concatenate a skip connection before their resnet. */
    private record Concat(ResBlock block) {
    }

    public UnetModel(ParamStore ps, UnetConfig c) {
        this.config = c;
        int[] ch = c.blockChannels();
        int levels = ch.length;
        int temb = c.timeEmbedDim();
        int groups = c.normGroups();
        freqs = DiffusionBlocks.sinusoidalFrequencies(ch[0] / 2, 0f, 10000f);
        condProj = c.timestepCondDim() > 0 ? new Linear(ps, "time_embedding.cond_proj", c.timestepCondDim(), ch[0], false) : null;
        time1 = new Linear(ps, "time_embedding.linear_1", ch[0], temb, true);
        time2 = new Linear(ps, "time_embedding.linear_2", temb, temb, true);
        // both additions start at zero, so a plain checkpoint loaded into them (--init-from) samples as before
        addEmbedding = c.textTimeEmbedding() ? Linear.zeros(ps, "add_embedding.linear", c.crossAttentionDim(), temb, true) : null;
        convIn = Conv2d.same3(ps, "conv_in", c.inChannels(), ch[0]);
        positionMap = c.positionEmbedding()
                ? ps.constant("conv_in_position", new Shape(1, ch[0], c.sampleSize(), c.sampleSize()), 0f) : null;
        Deque<Integer> skipChannels = new ArrayDeque<>();
        skipChannels.push(ch[0]);
        int cur = ch[0];
        for (int i = 0; i < levels; i++) {
            String p = "down_blocks." + i;
            for (int j = 0; j < c.layersPerBlock(); j++) {
                down.add(new ResBlock(ps, p + ".resnets." + j, cur, ch[i], groups, temb, 1e-5f));
                cur = ch[i];
                if (i >= c.attentionFromLevel()) {
                    down.add(new SpatialTransformer(ps, p + ".attentions." + j, cur, c.crossAttentionDim(), c.heads(), groups));
                }
                down.add("skip");
                skipChannels.push(cur);
            }
            if (i < levels - 1) {
                down.add(new Downsample(new Conv2d(ps, p + ".downsamplers.0.conv", cur, cur, 3, 2, 1)));
                down.add("skip");
                skipChannels.push(cur);
            }
        }
        mid.add(new ResBlock(ps, "mid_block.resnets.0", cur, cur, groups, temb, 1e-5f));
        mid.add(new SpatialTransformer(ps, "mid_block.attentions.0", cur, c.crossAttentionDim(), c.heads(), groups));
        mid.add(new ResBlock(ps, "mid_block.resnets.1", cur, cur, groups, temb, 1e-5f));
        for (int i = 0; i < levels; i++) {
            int level = levels - 1 - i;
            String p = "up_blocks." + i;
            for (int j = 0; j <= c.layersPerBlock(); j++) {
                int in = cur + skipChannels.pop();
                up.add(new Concat(new ResBlock(ps, p + ".resnets." + j, in, ch[level], groups, temb, 1e-5f)));
                cur = ch[level];
                if (level >= c.attentionFromLevel()) {
                    up.add(new SpatialTransformer(ps, p + ".attentions." + j, cur, c.crossAttentionDim(), c.heads(), groups));
                }
            }
            if (i < levels - 1) {
                up.add(new Upsample(Conv2d.same3(ps, p + ".upsamplers.0.conv", cur, cur)));
            }
        }
        normOut = new GroupNorm(ps, "conv_norm_out", groups, cur, 1e-5f);
        convOut = Conv2d.same3(ps, "conv_out", cur, c.outChannels());
    }

    private void trace(String name, NDArray h) {
        if (tracer != null) {
            tracer.accept(name, h);
        }
    }

    /**
     * @param sample [B, C, h, w]
     * @param timesteps [B] float timesteps
     * @param context [B, S, D] text states
     * @param timestepCond [B, condDim] or null
     */
    public NDArray forward(NDArray sample, NDArray timesteps, NDArray context, NDArray timestepCond) {
        NDManager m = sample.getManager();
        NDArray f = m.create(freqs, new Shape(1, freqs.length));
        NDArray arg = timesteps.reshape(-1, 1).mul(f);
        NDArray emb = NDArrays.concat(new ai.djl.ndarray.NDList(arg.cos(), arg.sin()), 1);
        if (condProj != null) {
            emb = emb.add(condProj.forward(timestepCond));
        }
        NDArray tEmb = time2.forward(Ops.silu(time1.forward(emb)));
        if (addEmbedding != null) {
            tEmb = tEmb.add(addEmbedding.forward(context.mean(new int[] {1})));
        }
        NDArray tAct = Ops.silu(tEmb);
        NDArray h = convIn.forward(sample);
        if (positionMap != null) {
            if (h.getShape().get(2) != config.sampleSize() || h.getShape().get(3) != config.sampleSize()) {
                throw new IllegalArgumentException("this UNet's position map is " + config.sampleSize() + "×"
                        + config.sampleSize() + "; training and parity run at that latent size, got " + sample.getShape());
            }
            h = h.add(positionMap);
        }
        Deque<NDArray> skips = new ArrayDeque<>();
        skips.push(h);
        for (Object o : down) {
            if (o instanceof ResBlock r) {
                h = r.forward(h, tAct);
                trace(r.prefix, h);
            } else if (o instanceof SpatialTransformer t) {
                h = t.forward(h, context);
            } else if (o instanceof Downsample d) {
                h = d.conv().forward(h);
                trace(d.conv().prefix, h);
            } else {
                skips.push(h);
            }
        }
        for (Object o : mid) {
            h = o instanceof ResBlock r ? r.forward(h, tAct) : ((SpatialTransformer) o).forward(h, context);
            if (o instanceof ResBlock r) {
                trace(r.prefix, h);
            }
        }
        for (Object o : up) {
            if (o instanceof Concat cc) {
                NDArray skip = skips.pop();
                h = cc.block().forward(h.concat(skip, 1), tAct);
                trace(cc.block().prefix, h);
            } else if (o instanceof SpatialTransformer t) {
                h = t.forward(h, context);
            } else if (o instanceof Upsample u) {
                h = u.conv().forward(Ops.upsample2x(h));
            }
        }
        return convOut.forward(Ops.silu(normOut.forward(h)));
    }
}
