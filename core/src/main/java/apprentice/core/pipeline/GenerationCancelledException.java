package apprentice.core.pipeline;

import java.util.concurrent.CancellationException;

/** Thrown by a run whose {@link CancellationToken} was cancelled; the run returns no partial output. */
public final class GenerationCancelledException extends CancellationException {
    private static final long serialVersionUID = 1L;

    public GenerationCancelledException(String message) {
        super(message);
    }
}
