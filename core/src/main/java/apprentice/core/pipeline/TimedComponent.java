package apprentice.core.pipeline;

/**
 * A model component that can tell how long it spent inside its inference runtime (e.g. ONNX Runtime's
 * {@code OrtSession.run}), excluding tensor conversion. The pipeline reads the counter before and after
 * a run to report the share of time spent outside the runtime.
 */
public interface TimedComponent {

    /** Cumulative nanoseconds spent inside the runtime since this component was created. */
    long runtimeNanos();
}
