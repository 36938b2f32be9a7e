package apprentice.onnx.graph;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs small graphs in ONNX Runtime for the numerics tests. */
final class OrtHarness {
    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private OrtHarness() {
    }

    /** A float result with its shape. */
    record Result(float[] data, long[] shape) {
    }

    static OrtSession session(ModelProto model) throws OrtException {
        return ENV.createSession(model.toByteArray(), options());
    }

    static OrtSession session(Path file) throws OrtException {
        return ENV.createSession(file.toString(), options());
    }

    static OrtSession.SessionOptions options() throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(1);
        return o;
    }

    static OnnxTensor floats(float[] data, long... shape) throws OrtException {
        return OnnxTensor.createTensor(ENV, FloatBuffer.wrap(data), shape);
    }

    static OnnxTensor longs(long[] data, long... shape) throws OrtException {
        return OnnxTensor.createTensor(ENV, LongBuffer.wrap(data), shape);
    }

    /** Runs the model on the named inputs and returns every float output by name. */
    static Map<String, Result> run(OrtSession session, Map<String, OnnxTensor> inputs) throws OrtException {
        Map<String, Result> out = new LinkedHashMap<>();
        try (OrtSession.Result r = session.run(inputs)) {
            for (Map.Entry<String, OnnxValue> e : r) {
                OnnxTensor t = (OnnxTensor) e.getValue();
                FloatBuffer fb = t.getFloatBuffer();
                float[] data = new float[fb.remaining()];
                fb.get(data);
                out.put(e.getKey(), new Result(data, t.getInfo().getShape()));
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
        return out;
    }

    static Result runSingle(ModelProto model, Map<String, OnnxTensor> inputs) throws OrtException {
        try (OrtSession s = session(model)) {
            return run(s, inputs).values().iterator().next();
        }
    }
}
