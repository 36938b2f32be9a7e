package apprentice.core.pipeline;

/**
 * Lets another thread stop a generation run. The pipeline checks it between phases and between
 * denoising steps (a UNet call in progress is not interrupted), then throws
 * {@link GenerationCancelledException}.
 */
public final class CancellationToken {
    private volatile boolean cancelled;

    /** A token that nobody cancels. */
    public static CancellationToken none() {
        return new CancellationToken();
    }

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** @throws GenerationCancelledException when cancelled, naming where the run stopped */
    public void throwIfCancelled(String where) {
        if (cancelled) {
            throw new GenerationCancelledException("generation cancelled " + where);
        }
    }
}
