package apprentice.core.adaptive;

import apprentice.core.oracle.Oracle;
import apprentice.core.pipeline.CancellationToken;
import apprentice.core.pipeline.GenerationResult;
import apprentice.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * One student call plus one oracle call for a range of images: all best-of candidates drawn and scored, the best
 * (first on ties) chosen per image. Calibration and generation both go through here, so a calibration's scores are
 * the scores the gate sees at generation time.
 */
final class DraftRound {
    /** The chosen draft of one image. */
    record Chosen(int index, Tensor draft, double score, long seed, List<Long> candidateSeeds, List<Double> candidateScores) {
    }

    final List<Chosen> chosen;
    final int nfePerImage;
    final long studentNanos;
    final long oracleNanos;

    private DraftRound(List<Chosen> chosen, int nfePerImage, long studentNanos, long oracleNanos) {
        this.chosen = chosen;
        this.nfePerImage = nfePerImage;
        this.studentNanos = studentNanos;
        this.oracleNanos = oracleNanos;
    }

    static DraftRound run(StudentStage student, Oracle oracle, List<String> prompts, List<Long> seeds, int start, int end,
                          Tensor input, CancellationToken cancel) {
        int bestOf = student.settings().bestOf();
        List<String> candPrompts = new ArrayList<>();
        List<Long> candSeeds = new ArrayList<>();
        for (int i = start; i < end; i++) {
            for (int j = 0; j < bestOf; j++) {
                candPrompts.add(prompts.get(i));
                candSeeds.add(DerivedSeeds.candidate(seeds.get(i), j));
            }
        }
        long t0 = System.nanoTime();
        GenerationResult drafts = student.draw(candPrompts, candSeeds, input, cancel);
        long t1 = System.nanoTime();
        cancel.throwIfCancelled("before scoring drafts");
        float[] scores = oracle.score(candPrompts, drafts.images());
        long t2 = System.nanoTime();
        if (scores.length != candPrompts.size()) {
            throw new IllegalStateException("oracle " + oracle.name() + " returned " + scores.length + " scores for "
                    + candPrompts.size() + " images");
        }
        List<Chosen> chosen = new ArrayList<>();
        for (int i = start; i < end; i++) {
            int base = (i - start) * bestOf;
            int best = 0;
            List<Double> cs = new ArrayList<>();
            for (int j = 0; j < bestOf; j++) {
                float s = scores[base + j];
                if (!Float.isFinite(s)) {
                    throw new IllegalStateException("oracle " + oracle.name() + " returned " + s + " for prompt '"
                            + prompts.get(i) + "': it must give finite scores");
                }
                cs.add((double) s);
                if (s > scores[base + best]) {
                    best = j;
                }
            }
            chosen.add(new Chosen(i, drafts.image(base + best), scores[base + best], candSeeds.get(base + best),
                    List.copyOf(candSeeds.subList(base, base + bestOf)), cs));
        }
        int images = end - start;
        return new DraftRound(chosen, drafts.nfe() * bestOf, (t1 - t0) / images, (t2 - t1) / images);
    }
}
