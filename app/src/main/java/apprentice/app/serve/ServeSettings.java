package apprentice.app.serve;

import java.time.Duration;

/**
 * Limits and defaults of one server. Every limit is a bound the service enforces with a clear 4xx,
 * never a silent truncation.
 *
 * @param maxBodyBytes largest request body (413 above it)
 * @param maxPromptChars longest prompt or negative prompt, in characters
 * @param maxSide largest image side in pixels
 * @param maxSteps most inference steps a request may ask for (student and teacher)
 * @param maxImages most images one request may ask for ({@code n})
 * @param queueCapacity accepted jobs not yet finished; a request beyond it gets 429 with Retry-After
 * @param maxBatch most student requests run in one call
 * @param batchWindow how long the student lane waits for compatible requests to join a batch
 * @param jobTimeout a job still unfinished this long after it was accepted fails with "timeout"
 * @param retainedJobs finished jobs kept for {@code GET /api/jobs/{id}} (oldest dropped first)
 * @param teacherWorkers threads running teacher work (drafts never wait behind them)
 * @param studentSteps default student steps
 * @param studentGuidance default student guidance
 * @param teacherSteps default teacher steps
 * @param teacherGuidance default teacher guidance
 * @param refineStrength default refinement strength (diffusers' img2img convention)
 * @param editStrength default edit strength
 * @param budgetK default adaptive budget k (percent of drafts for the teacher)
 */
public record ServeSettings(long maxBodyBytes, int maxPromptChars, int maxSide, int maxSteps, int maxImages,
                            int queueCapacity, int maxBatch, Duration batchWindow, Duration jobTimeout, int retainedJobs,
                            int teacherWorkers, int studentSteps, double studentGuidance, int teacherSteps,
                            double teacherGuidance, double refineStrength, double editStrength, double budgetK) {

    public ServeSettings {
        if (maxBodyBytes < 1024 || queueCapacity < 1 || maxBatch < 1 || teacherWorkers < 1 || retainedJobs < 1) {
            throw new IllegalArgumentException("server limits must be positive (body ≥ 1 KiB, queue, batch, workers, retained jobs ≥ 1)");
        }
    }

    public static ServeSettings defaults() {
        return new ServeSettings(8L << 20, 1000, 1024, 200, 8, 64, 8, Duration.ofMillis(10), Duration.ofMinutes(5), 1000,
                1, 4, 1.0, 12, 7.5, 0.7, 0.6, 50);
    }

    public ServeSettings withQueue(int capacity, int batch, Duration window) {
        return new ServeSettings(maxBodyBytes, maxPromptChars, maxSide, maxSteps, maxImages, capacity, batch, window, jobTimeout,
                retainedJobs, teacherWorkers, studentSteps, studentGuidance, teacherSteps, teacherGuidance, refineStrength,
                editStrength, budgetK);
    }

    public ServeSettings withTimeout(Duration timeout) {
        return new ServeSettings(maxBodyBytes, maxPromptChars, maxSide, maxSteps, maxImages, queueCapacity, maxBatch, batchWindow,
                timeout, retainedJobs, teacherWorkers, studentSteps, studentGuidance, teacherSteps, teacherGuidance,
                refineStrength, editStrength, budgetK);
    }

    public ServeSettings withMaxBody(long bytes) {
        return new ServeSettings(bytes, maxPromptChars, maxSide, maxSteps, maxImages, queueCapacity, maxBatch, batchWindow,
                jobTimeout, retainedJobs, teacherWorkers, studentSteps, studentGuidance, teacherSteps, teacherGuidance,
                refineStrength, editStrength, budgetK);
    }

    public ServeSettings withDefaults(int studentSteps, double studentGuidance, int teacherSteps, double teacherGuidance,
                                      double refineStrength, double budgetK) {
        return new ServeSettings(maxBodyBytes, maxPromptChars, maxSide, maxSteps, maxImages, queueCapacity, maxBatch, batchWindow,
                jobTimeout, retainedJobs, teacherWorkers, studentSteps, studentGuidance, teacherSteps, teacherGuidance,
                refineStrength, editStrength, budgetK);
    }
}
