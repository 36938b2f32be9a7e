package apprentice.train.export;

import ai.djl.ndarray.NDArray;
import apprentice.core.tensor.Tensor;
import apprentice.onnx.graph.MapWeights;
import apprentice.train.nn.ParamStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** ParamStore → the graph writer's MapWeights (same state_dict names), with a check that the graph read them all. */
public final class Weights {
    private Weights() {
    }

    public static MapWeights of(ParamStore ps, String prefixFilter) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : ps.all().entrySet()) {
            if (prefixFilter == null || e.getKey().startsWith(prefixFilter)) {
                long[] s = e.getValue().getShape().getShape();
                int[] shape = new int[s.length];
                for (int i = 0; i < s.length; i++) {
                    shape[i] = (int) s[i];
                }
                m.put(e.getKey(), new Tensor(shape, e.getValue().toFloatArray()));
            }
        }
        return new MapWeights(m);
    }

    /** Throws when some parameters were never written into the graph (a naming mismatch). */
    public static void requireAllUsed(MapWeights w, String what) {
        Set<String> unused = w.unused();
        if (!unused.isEmpty()) {
            throw new IllegalStateException(what + ": parameters not used by the exported graph: " + unused);
        }
    }
}
