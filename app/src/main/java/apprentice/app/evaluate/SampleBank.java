package apprentice.app.evaluate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every measured image of a run, by variant ({@link Variants}) and prompt index. */
public final class SampleBank {
    private final List<String> prompts;
    private final Map<String, Sample[]> byVariant = new LinkedHashMap<>();
    private double oracleSecondsPerImage;

    public SampleBank(List<String> prompts) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts to evaluate: give a prompt set with at least one prompt");
        }
        this.prompts = List.copyOf(prompts);
    }

    public List<String> prompts() {
        return prompts;
    }

    public int size() {
        return prompts.size();
    }

    public synchronized void put(String variant, int index, Sample s) {
        byVariant.computeIfAbsent(variant, v -> new Sample[prompts.size()])[index] = s;
    }

    /** The sample; fails naming the variant when it was not computed (a derivation asked for an image never made). */
    public synchronized Sample get(String variant, int index) {
        Sample[] all = byVariant.get(variant);
        if (all == null || all[index] == null) {
            throw new IllegalStateException("no " + variant + " image for prompt " + index + ": it was not computed");
        }
        return all[index];
    }

    public synchronized boolean has(String variant) {
        Sample[] all = byVariant.get(variant);
        if (all == null) {
            return false;
        }
        for (Sample s : all) {
            if (s == null) {
                return false;
            }
        }
        return true;
    }

    public synchronized Set<String> variants() {
        return Set.copyOf(byVariant.keySet());
    }

    /** The gate's cost per draft scored (the oracle call, its share of the batch). */
    public double oracleSecondsPerImage() {
        return oracleSecondsPerImage;
    }

    public void oracleSecondsPerImage(double s) {
        this.oracleSecondsPerImage = s;
    }
}
