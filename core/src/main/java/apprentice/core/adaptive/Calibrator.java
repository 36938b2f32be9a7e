package apprentice.core.adaptive;

import apprentice.core.noise.Seeds;
import apprentice.core.oracle.Oracle;
import apprentice.core.pipeline.CancellationToken;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * Makes a {@link CalibrationFile}: draws every prompt's draft with the student exactly as generation will
 * (the same {@link StudentStage}, settings and best-of candidate seeds), scores it with the oracle and keeps the
 * scores. Prompt i uses seed {@code base + i}.
 */
public final class Calibrator {
    private final StudentStage student;
    private final Oracle oracle;
    private final int batchSize;

    public Calibrator(StudentStage student, Oracle oracle, int batchSize) {
        this.student = Objects.requireNonNull(student, "student");
        this.oracle = Objects.requireNonNull(oracle, "oracle");
        if (batchSize < 1) {
            throw new IllegalArgumentException("calibration batch size " + batchSize + " must be at least 1");
        }
        this.batchSize = batchSize;
    }

    /**
     * @param prompts the prompt set (e.g. {@link PromptFile#read})
     * @param source where the prompts came from, recorded for information
     * @param baseSeed seed of prompt 0
     * @param progress told the number of prompts done after each batch
     * @param input editing calibrations: the input image; null for text-to-image
     */
    public CalibrationFile calibrate(List<String> prompts, String source, long baseSeed, IntConsumer progress,
                                     apprentice.core.tensor.Tensor input, CancellationToken cancel) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts to calibrate on: give a prompt file with at least one prompt");
        }
        cancel = cancel == null ? CancellationToken.none() : cancel;
        List<Long> seeds = new ArrayList<>();
        for (long s : Seeds.forBatch(baseSeed, prompts.size())) {
            seeds.add(s);
        }
        double[] scores = new double[prompts.size()];
        for (int start = 0; start < prompts.size(); start += batchSize) {
            int end = Math.min(prompts.size(), start + batchSize);
            DraftRound round = DraftRound.run(student, oracle, prompts, seeds, start, end, input, cancel);
            for (DraftRound.Chosen c : round.chosen) {
                scores[c.index()] = c.score();
            }
            if (progress != null) {
                progress.accept(end);
            }
        }
        return new CalibrationFile(student.settings(), oracle.name(), prompts.size(), PromptFile.sha256(prompts), source, baseSeed,
                scores, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    public CalibrationFile calibrate(List<String> prompts, String source, long baseSeed) {
        return calibrate(prompts, source, baseSeed, null, null, CancellationToken.none());
    }
}
