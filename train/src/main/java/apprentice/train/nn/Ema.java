package apprentice.train.nn;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/** Exponential moving average of a ParamStore's tensors: ema ← d·ema + (1−d)·θ. */
public final class Ema {
    private final ParamStore ps;
    private final Map<String, NDArray> shadow = new LinkedHashMap<>();

    public Ema(ParamStore ps) {
        this.ps = ps;
        for (Map.Entry<String, NDArray> e : ps.all().entrySet()) {
            // a fresh tensor, not duplicate(): the clone of a gradient-tracked leaf misbehaved under in-place updates
            NDArray p = e.getValue();
            shadow.put(e.getKey(), ps.manager().create(p.toFloatArray(), p.getShape()));
        }
    }

    public void update(float decay) {
        for (Map.Entry<String, NDArray> e : ps.all().entrySet()) {
            NDArray s = shadow.get(e.getKey());
            try (NDArray scaled = e.getValue().mul(1f - decay)) {
                s.muli(decay).addi(scaled);
            }
        }
    }

    public Map<String, NDArray> tensors() {
        return shadow;
    }

    /** Copies the averaged values into another store with the same names (e.g. an EMA target network). */
    public void copyTo(ParamStore target) {
        shadow.forEach((k, v) -> target.set(k, v.toFloatArray()));
    }

    public void restore(Map<String, float[]> values, String prefix) {
        shadow.forEach((k, v) -> {
            float[] x = values.get(prefix + k);
            if (x != null && x.length == v.getShape().size()) {
                FloatBuffers.copyInto(v, x);
            }
        });
    }
}
