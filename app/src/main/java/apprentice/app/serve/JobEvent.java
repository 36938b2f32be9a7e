package apprentice.app.serve;

import java.util.Map;

/**
 * One thing that happened to a job, in order: {@code queued}, {@code started} (per stage),
 * {@code student_step}, {@code draft} (image and score), {@code route}, {@code teacher_step}, and exactly
 * one of {@code done}, {@code failed}, {@code cancelled} last.
 *
 * @param seq 0-based position in the job's event list (the SSE {@code id})
 * @param type the event name
 * @param data its JSON payload
 */
record JobEvent(int seq, String type, Map<String, Object> data) {
    static final String DONE = "done";
    static final String FAILED = "failed";
    static final String CANCELLED = "cancelled";

    boolean isTerminal() {
        return type.equals(DONE) || type.equals(FAILED) || type.equals(CANCELLED);
    }
}
