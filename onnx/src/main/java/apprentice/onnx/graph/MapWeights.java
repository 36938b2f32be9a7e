package apprentice.onnx.graph;

import apprentice.core.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Trained parameters keyed by their PyTorch {@code state_dict} names. Checks every shape and
 * remembers which names were used so an exporter can fail on parameters the graph never read.
 */
public final class MapWeights implements WeightSource {
    private final Map<String, Tensor> tensors;
    private final Set<String> used = new LinkedHashSet<>();

    public MapWeights(Map<String, Tensor> tensors) {
        this.tensors = Map.copyOf(tensors);
    }

    @Override
    public float[] get(String name, WeightInit init, int... shape) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("missing parameter '" + name + "' of shape " + Arrays.toString(shape)
                    + ": add it to the weight map (PyTorch state_dict naming)");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("parameter '" + name + "' has shape " + Arrays.toString(t.shape())
                    + " but the graph needs " + Arrays.toString(shape) + " (PyTorch layout: Linear [out,in], Conv [out,in,kh,kw])");
        }
        used.add(name);
        return t.data();
    }

    /** Names in the map that no helper asked for (usually a naming mismatch worth failing on). */
    public Set<String> unused() {
        Set<String> rest = new LinkedHashSet<>(tensors.keySet());
        rest.removeAll(used);
        return rest;
    }
}
