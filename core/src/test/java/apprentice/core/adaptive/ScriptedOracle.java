package apprentice.core.adaptive;

import apprentice.core.oracle.Oracle;
import apprentice.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A fake oracle whose scores the test controls: a prompt ending in {@code @0.7} scores 0.7 (others 0), plus
 * {@code 0.001 · clamp(mean pixel, −1, 1)} so that different drafts of one prompt differ slightly (best-of picks
 * among them) without ever crossing a threshold 0.002 away.
 */
final class ScriptedOracle implements Oracle {
    final List<String> scoredPrompts = new ArrayList<>();
    final List<Integer> batchSizes = new ArrayList<>();

    static double base(String prompt) {
        int at = prompt.lastIndexOf('@');
        return at < 0 ? 0 : Double.parseDouble(prompt.substring(at + 1));
    }

    @Override
    public float[] score(List<String> prompts, Tensor images) {
        Oracle.checkBatch(prompts, images);
        scoredPrompts.addAll(prompts);
        batchSizes.add(prompts.size());
        int per = images.size() / images.dim(0);
        float[] out = new float[prompts.size()];
        for (int b = 0; b < out.length; b++) {
            double sum = 0;
            for (int k = 0; k < per; k++) {
                sum += images.data()[b * per + k];
            }
            double mean = Math.max(-1, Math.min(1, sum / per));
            out[b] = (float) (base(prompts.get(b)) + 0.001 * mean);
        }
        return out;
    }

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public void close() {
    }
}
