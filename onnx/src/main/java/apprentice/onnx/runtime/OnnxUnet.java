package apprentice.onnx.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import apprentice.core.model.ControlResiduals;
import apprentice.core.model.Denoiser;
import apprentice.core.pipeline.TimedComponent;
import apprentice.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A diffusers/Optimum UNet export ({@code unet/model.onnx}): {@code sample [B, C, h, w]}, {@code timestep}
 * (int64, int32, float32, float16 or double; a scalar, {@code [1]} or {@code [B]}: all read from the session),
 * {@code encoder_hidden_states [B, L, D]} and, for LCM-distilled UNets, {@code timestep_cond [B, d]}
 * → {@code out_sample}. A ControlNet-ready export (Microsoft Olive's and OnnxStack's layout) also takes
 * {@code down_block_0_additional_residual} … {@code down_block_{n-1}_additional_residual} and
 * {@code mid_block_additional_residual}, which {@link #predict(Tensor, double, Tensor, Tensor, ControlResiduals)}
 * fills from a ControlNet.
 *
 * <p>Hot path: the sample is written into a direct buffer kept between steps, the text conditioning and
 * {@code timestep_cond} tensors are built once per run (the pipeline passes the same objects every step), and a
 * float32 output is written by ONNX Runtime into a kept buffer (pinned output), so a step costs one copy in and
 * one copy out. Calls are serialised.
 */
public final class OnnxUnet implements Denoiser, TimedComponent {
    static final String SAMPLE = "sample";
    static final String TIMESTEP = "timestep";
    static final String HIDDEN = "encoder_hidden_states";
    static final String COND = "timestep_cond";
    static final String OUT = "out_sample";
    static final String MID_RESIDUAL = "mid_block_additional_residual";
    private static final java.util.regex.Pattern DOWN_RESIDUAL = java.util.regex.Pattern.compile("down_block_(\\d+)_additional_residual");
    private static final String EXPECTED = "inputs 'sample' (float, [batch, channels, height, width]), 'timestep' "
            + "(int64/int32/float, scalar or [batch]), 'encoder_hidden_states' (float, [batch, sequence, hidden]) and "
            + "optionally 'timestep_cond' (float, [batch, dim], LCM) or ControlNet residuals ('down_block_N_additional_residual' "
            + "for N = 0, 1, … and 'mid_block_additional_residual'), and output 'out_sample'";

    private final ModelSession session;
    private final OnnxJavaType sampleType;
    private final OnnxJavaType timestepType;
    private final long[] timestepShape;
    private final OnnxJavaType hiddenType;
    private final OnnxJavaType condType;
    private final String output;
    private final boolean pinOutput;
    private final int channels;
    private final int condDim;
    private final int downResiduals;
    private final OnnxJavaType residualType;

    private final OrtTensors.ReusableInput sampleIn;
    private final OrtTensors.ReusableInput hiddenIn;
    private final OrtTensors.ReusableInput condIn;
    private final OrtTensors.ReusableOutput out = new OrtTensors.ReusableOutput();
    private Tensor lastHidden;
    private Tensor lastCond;

    private OnnxUnet(ModelSession session, ComponentConfig config) {
        this.session = session;
        TensorInfo sample = require(session, SAMPLE);
        TensorInfo timestep = require(session, TIMESTEP);
        TensorInfo hidden = require(session, HIDDEN);
        TensorInfo cond = session.input(COND);
        int downs = 0;
        for (String name : session.inputs().keySet()) {
            java.util.regex.Matcher m = DOWN_RESIDUAL.matcher(name);
            if (m.matches()) {
                downs = Math.max(downs, Integer.parseInt(m.group(1)) + 1);
                continue;
            }
            if (!Set.of(SAMPLE, TIMESTEP, HIDDEN, COND, MID_RESIDUAL).contains(name)) {
                throw session.mismatch(EXPECTED, "it has an unsupported input '" + name + "'"
                        + (name.equals("text_embeds") || name.equals("time_ids") ? " (an SDXL UNet, not supported yet)" : ""));
            }
        }
        if (!OrtTensors.FLOAT_TYPES.contains(sample.type) || sample.getShape().length != 4) {
            throw session.mismatch(EXPECTED, "'sample' is " + ModelSession.typeName(sample) + ModelSession.shapeText(sample));
        }
        if (!OrtTensors.TIMESTEP_TYPES.contains(timestep.type) || timestep.getShape().length > 1) {
            throw session.mismatch(EXPECTED, "'timestep' is " + ModelSession.typeName(timestep) + ModelSession.shapeText(timestep));
        }
        if (!OrtTensors.FLOAT_TYPES.contains(hidden.type) || hidden.getShape().length != 3) {
            throw session.mismatch(EXPECTED, "'encoder_hidden_states' is " + ModelSession.typeName(hidden)
                    + ModelSession.shapeText(hidden));
        }
        if (cond != null && (!OrtTensors.FLOAT_TYPES.contains(cond.type) || cond.getShape().length != 2)) {
            throw session.mismatch(EXPECTED, "'timestep_cond' is " + ModelSession.typeName(cond) + ModelSession.shapeText(cond));
        }
        TensorInfo mid = session.input(MID_RESIDUAL);
        if ((downs > 0) != (mid != null)) {
            throw session.mismatch(EXPECTED, downs > 0 ? "it has down-block residual inputs but no 'mid_block_additional_residual'"
                    : "it has 'mid_block_additional_residual' but no down-block residual inputs");
        }
        for (int i = 0; i < downs; i++) {
            TensorInfo r = session.input("down_block_" + i + "_additional_residual");
            if (r == null) {
                throw session.mismatch(EXPECTED, "its down-block residual inputs skip 'down_block_" + i + "_additional_residual'");
            }
            if (r.type != mid.type || !OrtTensors.FLOAT_TYPES.contains(r.type) || r.getShape().length != 4) {
                throw session.mismatch(EXPECTED, "'down_block_" + i + "_additional_residual' is " + ModelSession.typeName(r)
                        + ModelSession.shapeText(r));
            }
        }
        if (mid != null && (!OrtTensors.FLOAT_TYPES.contains(mid.type) || mid.getShape().length != 4)) {
            throw session.mismatch(EXPECTED, "'mid_block_additional_residual' is " + ModelSession.typeName(mid) + ModelSession.shapeText(mid));
        }
        this.downResiduals = downs;
        this.residualType = mid == null ? null : mid.type;
        this.sampleType = sample.type;
        this.timestepType = timestep.type;
        this.timestepShape = timestep.getShape();
        this.hiddenType = hidden.type;
        this.condType = cond == null ? null : cond.type;

        TensorInfo o = session.outputs().get(OUT);
        String outName = OUT;
        if (o == null && session.outputs().size() == 1) {
            outName = session.outputs().keySet().iterator().next();
            o = session.outputs().get(outName);
        }
        if (o == null) {
            throw session.mismatch(EXPECTED, "it has no output 'out_sample'");
        }
        if (!OrtTensors.FLOAT_TYPES.contains(o.type) || o.getShape().length != 4) {
            throw session.mismatch(EXPECTED, "'" + outName + "' is " + ModelSession.typeName(o) + ModelSession.shapeText(o));
        }
        this.output = outName;
        this.pinOutput = o.type == OnnxJavaType.FLOAT;

        long inCh = TensorShape.dimOr(sample.getShape(), 1, config.getInt("in_channels", 4));
        long outCh = TensorShape.dimOr(o.getShape(), 1, config.getInt("out_channels", (int) inCh));
        if (inCh != outCh) {
            throw session.mismatch(EXPECTED, "it takes " + inCh + " channels but returns " + outCh
                    + " (an inpainting or other conditioned UNet, not supported)");
        }
        this.channels = (int) inCh;
        if (cond != null) {
            long d = TensorShape.dimOr(cond.getShape(), 1, config.getInt("time_cond_proj_dim", -1));
            if (d < 1) {
                throw session.mismatch(EXPECTED, "the width of 'timestep_cond' is symbolic and unet/config.json has no "
                        + "time_cond_proj_dim");
            }
            this.condDim = (int) d;
        } else {
            this.condDim = 0;
        }
        this.sampleIn = new OrtTensors.ReusableInput(sampleType);
        this.hiddenIn = new OrtTensors.ReusableInput(hiddenType);
        this.condIn = condType == null ? null : new OrtTensors.ReusableInput(condType);
    }

    private static TensorInfo require(ModelSession s, String name) {
        TensorInfo ti = s.input(name);
        if (ti == null) {
            throw s.mismatch(EXPECTED, "it has no input '" + name + "'");
        }
        return ti;
    }

    /**
     * Opens {@code dir/model.onnx}; {@code dir/config.json} supplies sizes that are symbolic in the graph.
     * The dimensions in {@link RuntimeOptions#unetDims()} are pinned for this session.
     */
    public static OnnxUnet open(Path dir, RuntimeOptions options) {
        ModelSession s = ModelSession.open(dir.resolve("model.onnx"), "UNet", options, options.unetDims());
        try {
            return new OnnxUnet(s, ComponentConfig.read(dir));
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public Tensor predict(Tensor sample, double timestep, Tensor encoderHiddenStates, Tensor timestepCond) {
        return predict(sample, timestep, encoderHiddenStates, timestepCond, null);
    }

    @Override
    public synchronized Tensor predict(Tensor sample, double timestep, Tensor encoderHiddenStates, Tensor timestepCond,
                                       ControlResiduals residuals) {
        int batch = sample.dim(0);
        if ((residuals != null) != (downResiduals > 0)) {
            throw new IllegalArgumentException(downResiduals > 0
                    ? "this UNet (" + session.file() + ") is a ControlNet-ready export: it needs a ControlNet's residuals"
                    : "ControlNet residuals given, but this UNet (" + session.file() + ") has no residual inputs");
        }
        if (residuals != null && residuals.down().size() != downResiduals) {
            throw new IllegalArgumentException("this UNet (" + session.file() + ") takes " + downResiduals
                    + " down-block residuals, got " + residuals.down().size());
        }
        if (sample.rank() != 4 || sample.dim(1) != channels) {
            throw new IllegalArgumentException("UNet sample must be [B, " + channels + ", h, w], got "
                    + Arrays.toString(sample.shape()));
        }
        if (encoderHiddenStates.rank() != 3 || encoderHiddenStates.dim(0) != batch) {
            throw new IllegalArgumentException("encoder_hidden_states must be [" + batch + ", L, D], got "
                    + Arrays.toString(encoderHiddenStates.shape()));
        }
        if ((timestepCond != null) != (condDim > 0)) {
            throw new IllegalArgumentException(condDim > 0
                    ? "this UNet (" + session.file() + ") needs timestep_cond (LCM guidance embedding) but none was given"
                    : "timestep_cond given, but this UNet (" + session.file() + ") has no such input");
        }
        long[] shape = OrtTensors.longShape(sample.shape());
        Map<String, OnnxTensorLike> feeds = new LinkedHashMap<>();
        feeds.put(SAMPLE, sampleIn.fill(sample.data(), shape));
        if (encoderHiddenStates != lastHidden) {
            hiddenIn.fill(encoderHiddenStates.data(), OrtTensors.longShape(encoderHiddenStates.shape()));
            lastHidden = encoderHiddenStates;
        }
        feeds.put(HIDDEN, hiddenIn.current());
        if (condIn != null) {
            if (timestepCond != lastCond) {
                condIn.fill(timestepCond.data(), OrtTensors.longShape(timestepCond.shape()));
                lastCond = timestepCond;
            }
            feeds.put(COND, condIn.current());
        }
        List<OnnxTensor> residualTensors = new ArrayList<>();
        try (OnnxTensor t = OrtTensors.filled(timestep, timestepType, timestepShape(batch))) {
            feeds.put(TIMESTEP, t);
            if (residuals != null) {
                for (int i = 0; i < downResiduals; i++) {
                    OnnxTensor r = OrtTensors.of(residuals.down().get(i), residualType);
                    residualTensors.add(r);
                    feeds.put("down_block_" + i + "_additional_residual", r);
                }
                OnnxTensor m = OrtTensors.of(residuals.mid(), residualType);
                residualTensors.add(m);
                feeds.put(MID_RESIDUAL, m);
            }
            if (pinOutput) {
                OnnxTensor o = out.tensor(shape);
                try (OrtSession.Result ignored = session.runInto(feeds, Map.of(output, o))) {
                    return out.read(sample.shape());
                }
            }
            try (OrtSession.Result r = session.run(feeds, Set.of(output))) {
                return OrtTensors.read(r.get(0), output + " of " + session.file());
            }
        } finally {
            residualTensors.forEach(OnnxTensor::close);
        }
    }

    private long[] timestepShape(int batch) {
        return timestepShape(timestepShape, batch, session.file());
    }

    /**
     * The shape to feed a {@code timestep} input declared as {@code declared}: a scalar, the static length, or
     * {@code [batch]} when the length is symbolic (shared with {@link OnnxControlNet}).
     */
    static long[] timestepShape(long[] declared, int batch, Path file) {
        if (declared.length == 0) {
            return new long[0];
        }
        long d = declared[0];
        if (d > 0 && d != 1 && d != batch) {
            throw new IllegalArgumentException(file + " takes a timestep of fixed length " + d
                    + ", which fits neither 1 nor the batch " + batch);
        }
        return new long[] {d > 0 ? d : batch};
    }

    @Override
    public int controlResidualInputs() {
        return downResiduals;
    }

    @Override
    public int timestepCondDim() {
        return condDim;
    }

    @Override
    public int latentChannels() {
        return channels;
    }

    /** The element type the session wants for {@code timestep}. */
    public OnnxJavaType timestepType() {
        return timestepType;
    }

    /** The declared rank of {@code timestep}: 0 (scalar) or 1. */
    public int timestepRank() {
        return timestepShape.length;
    }

    @Override
    public long runtimeNanos() {
        return session.runtimeNanos();
    }

    @Override
    public synchronized void close() {
        sampleIn.close();
        hiddenIn.close();
        if (condIn != null) {
            condIn.close();
        }
        out.close();
        session.close();
    }
}
