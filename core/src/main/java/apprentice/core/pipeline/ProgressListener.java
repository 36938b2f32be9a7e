package apprentice.core.pipeline;

/**
 * Observes a generation run. Called on the generating thread, so keep it quick; every method has an
 * empty default so a listener overrides only what it shows.
 */
public interface ProgressListener {

    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() {
    };

    default void phaseStarted(Phase phase) {
    }

    /** @param nanos wall time the phase took */
    default void phaseFinished(Phase phase, long nanos) {
    }

    /** After every denoising step. */
    default void stepFinished(StepEvent event) {
    }
}
