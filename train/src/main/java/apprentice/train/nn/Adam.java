package apprentice.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW over a {@link ParamStore} with global-norm gradient clipping. Its moment tensors are kept
 * here by parameter name (not inside DJL's optimizer) so that checkpoints can save and restore
 * them, which makes a resumed run continue exactly where it stopped.
 */
public final class Adam {
    private final ParamStore ps;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final float clipNorm;
    private final Map<String, NDArray> mean = new LinkedHashMap<>();
    private final Map<String, NDArray> variance = new LinkedHashMap<>();
    private long steps;
    private long skipped;

    public Adam(ParamStore ps, float beta1, float beta2, float weightDecay, float clipNorm) {
        this.ps = ps;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = 1e-8f;
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
        NDManager m = ps.manager();
        for (Map.Entry<String, NDArray> e : ps.all().entrySet()) {
            mean.put(e.getKey(), m.zeros(e.getValue().getShape()));
            variance.put(e.getKey(), m.zeros(e.getValue().getShape()));
        }
    }

    /**
     * Applies one update from the gradients accumulated since the last call and zeroes them.
     * Temporaries go to {@code scratch}. Returns the global gradient norm before clipping.
     */
    public float step(float learningRate, NDManager scratch) {
        steps++;
        Map<String, NDArray> grads = new LinkedHashMap<>();
        double sq = 0;
        for (Map.Entry<String, NDArray> e : ps.all().entrySet()) {
            NDArray g = e.getValue().getGradient();
            g.attach(scratch);
            grads.put(e.getKey(), g);
            sq += g.square().sum().getFloat();
        }
        float norm = (float) Math.sqrt(sq);
        if (!Float.isFinite(norm)) {
            // one bad batch must not poison the weights: drop its gradients and skip the update
            skipped++;
            if (skipped == 1 || skipped % 100 == 0) {
                // say where it came from: how many parameters have a non-finite gradient, and the first of them
                List<String> bad = new ArrayList<>();
                grads.forEach((k, g) -> {
                    if (!Float.isFinite(g.square().sum().getFloat())) {
                        bad.add(k);
                    }
                });
                System.err.println("skipped update " + skipped + ": non-finite gradient in " + bad.size() + " of "
                        + grads.size() + " parameters, first " + bad.subList(0, Math.min(5, bad.size())));
            }
            for (NDArray g : grads.values()) {
                zero(g);
            }
            steps--;
            return norm;
        }
        float rescale = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1f;
        float coef1 = 1f - (float) Math.pow(beta1, steps);
        float coef2 = 1f - (float) Math.pow(beta2, steps);
        float lrCorrected = learningRate * (float) Math.sqrt(coef2) / coef1;
        for (Map.Entry<String, NDArray> e : ps.all().entrySet()) {
            NDArray w = e.getValue();
            NDArray g = grads.get(e.getKey());
            NDArray m = mean.get(e.getKey());
            NDArray v = variance.get(e.getKey());
            // plain in-place tensor ops (grad mode is off outside the collector); DJL's fused adamUpdate
            // produced NaNs here once other tensors were allocated next to the parameters
            try (NDManager tmp = scratch.newSubManager()) {
                NDArray gs = g.mul(rescale);
                gs.attach(tmp);
                NDArray gm = gs.mul(1f - beta1);
                gm.attach(tmp);
                m.muli(beta1).addi(gm);
                NDArray g2 = gs.square().muli(1f - beta2);
                g2.attach(tmp);
                v.muli(beta2).addi(g2);
                NDArray denom = v.sqrt();
                denom.attach(tmp);
                NDArray upd = m.div(denom.addi(eps)).muli(lrCorrected);
                upd.attach(tmp);
                if (weightDecay > 0) {
                    w.muli(1f - learningRate * weightDecay);
                }
                w.subi(upd);
            }
            zero(g);
        }
        return norm;
    }

    /**
     * Sets a gradient to exactly zero in place. DJL's PyTorch collector no longer zeroes gradients, so
     * libtorch accumulates into them across steps; {@code g.subi(g)} (what DJL's own zeroGradients does)
     * leaves NaN where the gradient held Inf or NaN, and one bad backward pass then made every later
     * update non-finite too. Assignment through an ellipsis index writes zeros whatever was there.
     */
    static void zero(NDArray g) {
        g.set(ALL, 0f);
    }

    private static final NDIndex ALL = new NDIndex("...");

    /** Updates skipped because the gradient was not finite. */
    public long skipped() {
        return skipped;
    }

    public long steps() {
        return steps;
    }

    /** Moments and step count, for checkpoints. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> s = new LinkedHashMap<>();
        mean.forEach((k, v) -> s.put("adam.m." + k, v));
        variance.forEach((k, v) -> s.put("adam.v." + k, v));
        return s;
    }

    public void restore(Map<String, float[]> values, long steps) {
        this.steps = steps;
        mean.forEach((k, v) -> setIfPresent(v, values.get("adam.m." + k)));
        variance.forEach((k, v) -> setIfPresent(v, values.get("adam.v." + k)));
    }

    private static void setIfPresent(NDArray a, float[] v) {
        if (v != null && v.length == a.getShape().size()) {
            FloatBuffers.copyInto(a, v);
        }
    }
}
