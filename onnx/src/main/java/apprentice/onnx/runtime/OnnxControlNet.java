package apprentice.onnx.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import apprentice.core.model.ControlNet;
import apprentice.core.model.ControlResiduals;
import apprentice.core.pipeline.TimedComponent;
import apprentice.core.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ControlNet export in Microsoft Olive's and OnnxStack's layout ({@code controlnet/model.onnx}): {@code sample},
 * {@code timestep}, {@code encoder_hidden_states}, {@code controlnet_cond} ({@code [B, 3, H, W]} in [0, 1]) and
 * optionally {@code conditioning_scale} → {@code down_block_0_additional_residual} … and
 * {@code mid_block_additional_residual}, the inputs of the matching ControlNet-ready UNet ({@link OnnxUnet}).
 * Without a {@code conditioning_scale} input the residuals are multiplied by the scale here, which is what
 * diffusers' ControlNet does inside the graph.
 */
public final class OnnxControlNet implements ControlNet, TimedComponent {
    static final String COND_IMAGE = "controlnet_cond";
    static final String SCALE = "conditioning_scale";
    private static final Pattern DOWN = Pattern.compile("down_block_(\\d+)_additional_residual");
    private static final String EXPECTED = "inputs 'sample' (float, [batch, channels, height, width]), 'timestep', "
            + "'encoder_hidden_states' (float, [batch, sequence, hidden]), 'controlnet_cond' (float, [batch, 3, H, W]) and "
            + "optionally 'conditioning_scale' (float or double scalar), and outputs 'down_block_N_additional_residual' "
            + "for N = 0, 1, … and 'mid_block_additional_residual' (Olive / OnnxStack ControlNet export)";

    private final ModelSession session;
    private final OnnxJavaType sampleType;
    private final OnnxJavaType timestepType;
    private final long[] timestepShape;
    private final OnnxJavaType hiddenType;
    private final OnnxJavaType condType;
    private final OnnxJavaType scaleType;
    private final long[] scaleShape;
    private final int downs;
    private final Set<String> outputs;

    // kept between steps, as in OnnxUnet: the text states and the control image are the same objects every step of a
    // run, so they are copied into their tensors only when they change; the sample's buffer is reused
    private final OrtTensors.ReusableInput sampleIn;
    private final OrtTensors.ReusableInput hiddenIn;
    private final OrtTensors.ReusableInput condIn;
    private Tensor lastHidden;
    private Tensor lastCond;

    private OnnxControlNet(ModelSession session) {
        this.session = session;
        TensorInfo sample = require(OnnxUnet.SAMPLE);
        TensorInfo timestep = require(OnnxUnet.TIMESTEP);
        TensorInfo hidden = require(OnnxUnet.HIDDEN);
        TensorInfo cond = require(COND_IMAGE);
        TensorInfo scale = session.input(SCALE);
        for (String name : session.inputs().keySet()) {
            if (!Set.of(OnnxUnet.SAMPLE, OnnxUnet.TIMESTEP, OnnxUnet.HIDDEN, COND_IMAGE, SCALE).contains(name)) {
                throw session.mismatch(EXPECTED, "it has an unsupported input '" + name + "'"
                        + (name.equals("text_embeds") || name.equals("time_ids") ? " (an SDXL ControlNet, not supported yet)" : ""));
            }
        }
        for (TensorInfo ti : List.of(sample, hidden, cond)) {
            if (!OrtTensors.FLOAT_TYPES.contains(ti.type)) {
                throw session.mismatch(EXPECTED, "an image or state input is " + ModelSession.typeName(ti));
            }
        }
        if (sample.getShape().length != 4 || cond.getShape().length != 4 || hidden.getShape().length != 3) {
            throw session.mismatch(EXPECTED, "'sample' is " + ModelSession.shapeText(sample) + ", 'controlnet_cond' "
                    + ModelSession.shapeText(cond) + ", 'encoder_hidden_states' " + ModelSession.shapeText(hidden));
        }
        if (!OrtTensors.TIMESTEP_TYPES.contains(timestep.type) || timestep.getShape().length > 1) {
            throw session.mismatch(EXPECTED, "'timestep' is " + ModelSession.typeName(timestep) + ModelSession.shapeText(timestep));
        }
        if (scale != null && (!OrtTensors.FLOAT_TYPES.contains(scale.type) || scale.getShape().length > 1)) {
            throw session.mismatch(EXPECTED, "'conditioning_scale' is " + ModelSession.typeName(scale) + ModelSession.shapeText(scale));
        }
        int n = 0;
        Set<String> outputs = session.outputs().keySet();
        for (String name : outputs) {
            Matcher m = DOWN.matcher(name);
            if (m.matches()) {
                n = Math.max(n, Integer.parseInt(m.group(1)) + 1);
            } else if (!name.equals(OnnxUnet.MID_RESIDUAL)) {
                throw session.mismatch(EXPECTED, "it has an unexpected output '" + name + "'");
            }
        }
        for (int i = 0; i < n; i++) {
            if (!outputs.contains(down(i))) {
                throw session.mismatch(EXPECTED, "its outputs skip '" + down(i) + "'");
            }
        }
        if (n == 0 || !outputs.contains(OnnxUnet.MID_RESIDUAL)) {
            throw session.mismatch(EXPECTED, n == 0 ? "it has no down-block residual outputs" : "it has no 'mid_block_additional_residual' output");
        }
        this.downs = n;
        this.sampleType = sample.type;
        this.timestepType = timestep.type;
        this.timestepShape = timestep.getShape();
        this.hiddenType = hidden.type;
        this.condType = cond.type;
        this.scaleType = scale == null ? null : scale.type;
        this.scaleShape = scale == null ? null : (scale.getShape().length == 0 ? new long[0] : new long[] {1});
        Set<String> wanted = new LinkedHashSet<>();
        for (int i = 0; i < downs; i++) {
            wanted.add(down(i));
        }
        wanted.add(OnnxUnet.MID_RESIDUAL);
        this.outputs = Set.copyOf(wanted);
        this.sampleIn = new OrtTensors.ReusableInput(sampleType);
        this.hiddenIn = new OrtTensors.ReusableInput(hiddenType);
        this.condIn = new OrtTensors.ReusableInput(condType);
    }

    static String down(int i) {
        return "down_block_" + i + "_additional_residual";
    }

    private TensorInfo require(String name) {
        TensorInfo ti = session.input(name);
        if (ti == null) {
            throw session.mismatch(EXPECTED, "it has no input '" + name + "'");
        }
        return ti;
    }

    /**
     * Opens {@code dir/model.onnx}, where {@code dir} is a ControlNet folder or a model folder with a
     * {@code controlnet/} subfolder.
     */
    public static OnnxControlNet open(Path dir, RuntimeOptions options) {
        Path folder = Files.isRegularFile(dir.resolve("controlnet").resolve("model.onnx")) ? dir.resolve("controlnet") : dir;
        Path file = folder.resolve("model.onnx");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no ControlNet at " + dir + ": expected " + file + " or "
                    + dir.resolve("controlnet").resolve("model.onnx") + " (an Olive / OnnxStack ControlNet export)");
        }
        ModelSession s = ModelSession.open(file, "ControlNet", options, options.unetDims());
        try {
            return new OnnxControlNet(s);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public synchronized ControlResiduals residuals(Tensor sample, double timestep, Tensor encoderHiddenStates,
                                                   Tensor controlImage, double conditioningScale) {
        int batch = sample.dim(0);
        if (encoderHiddenStates.dim(0) != batch || controlImage.dim(0) != batch) {
            throw new IllegalArgumentException("ControlNet batch mismatch: sample " + Arrays.toString(sample.shape())
                    + ", encoder_hidden_states " + Arrays.toString(encoderHiddenStates.shape()) + ", controlnet_cond "
                    + Arrays.toString(controlImage.shape()));
        }
        Map<String, OnnxTensorLike> feeds = new LinkedHashMap<>();
        feeds.put(OnnxUnet.SAMPLE, sampleIn.fill(sample.data(), OrtTensors.longShape(sample.shape())));
        if (encoderHiddenStates != lastHidden) {
            hiddenIn.fill(encoderHiddenStates.data(), OrtTensors.longShape(encoderHiddenStates.shape()));
            lastHidden = encoderHiddenStates;
        }
        feeds.put(OnnxUnet.HIDDEN, hiddenIn.current());
        if (controlImage != lastCond) {
            condIn.fill(controlImage.data(), OrtTensors.longShape(controlImage.shape()));
            lastCond = controlImage;
        }
        feeds.put(COND_IMAGE, condIn.current());
        List<OnnxTensor> owned = new ArrayList<>();
        try {
            owned.add(OrtTensors.filled(timestep, timestepType, OnnxUnet.timestepShape(timestepShape, batch, session.file())));
            feeds.put(OnnxUnet.TIMESTEP, owned.get(owned.size() - 1));
            if (scaleType != null) {
                owned.add(OrtTensors.filled(conditioningScale, scaleType, scaleShape));
                feeds.put(SCALE, owned.get(owned.size() - 1));
            }
            try (OrtSession.Result r = session.run(feeds, outputs)) {
                float factor = scaleType == null ? (float) conditioningScale : 1f;
                List<Tensor> down = new ArrayList<>(downs);
                for (int i = 0; i < downs; i++) {
                    down.add(scaled(OrtTensors.read(r.get(down(i)).orElseThrow(), down(i) + " of " + session.file()), factor));
                }
                Tensor mid = scaled(OrtTensors.read(r.get(OnnxUnet.MID_RESIDUAL).orElseThrow(),
                        OnnxUnet.MID_RESIDUAL + " of " + session.file()), factor);
                return new ControlResiduals(down, mid);
            }
        } finally {
            owned.forEach(OnnxTensor::close);
        }
    }

    private static Tensor scaled(Tensor t, float factor) {
        if (factor == 1f) {
            return t;
        }
        float[] d = t.data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] *= factor;
        }
        return new Tensor(t.shape(), d);
    }

    @Override
    public int downResiduals() {
        return downs;
    }

    @Override
    public long runtimeNanos() {
        return session.runtimeNanos();
    }

    @Override
    public synchronized void close() {
        sampleIn.close();
        hiddenIn.close();
        condIn.close();
        session.close();
    }
}
