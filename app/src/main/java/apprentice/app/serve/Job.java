package apprentice.app.serve;

import apprentice.core.pipeline.CancellationToken;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One accepted image request and everything that happened to it. Thread-safe: workers append events,
 * HTTP threads read them (SSE waits on the job's monitor for new ones). A job ends exactly once — done,
 * failed or cancelled — and its terminal event is always its last.
 */
final class Job {
    enum State { QUEUED, STUDENT, TEACHER, DONE, FAILED, CANCELLED }

    final String id;
    final JobSpec spec;
    final Instant acceptedAt = Instant.now();
    final long acceptedNanos = System.nanoTime();
    /** Cancels this job's own model runs (the teacher, or a student run it has alone). */
    final CancellationToken token = new CancellationToken();
    final CompletableFuture<Job> finished = new CompletableFuture<>();

    private State state = State.QUEUED;
    private final List<JobEvent> events = new ArrayList<>();
    private Map<String, Object> result;
    private String errorCode;
    private String errorMessage;
    private final List<Runnable> endListeners = new ArrayList<>();
    private int watchers;
    /** Stage timings in nanoseconds, filled in by the workers. */
    private final Map<String, Long> stageNanos = new LinkedHashMap<>();
    /** Adaptive: the oracle's score, τ and k of the routing decision (set once, before the teacher runs). */
    volatile Map<String, Object> decision;
    /** UNet evaluations the student ran for this job. */
    volatile int studentNfe;
    /** When the draft was routed to the teacher (for the teacher-queue time). */
    volatile long routedNanos;

    Job(String id, JobSpec spec) {
        this.id = id;
        this.spec = spec;
    }

    synchronized State state() {
        return state;
    }

    synchronized boolean isFinished() {
        return state == State.DONE || state == State.FAILED || state == State.CANCELLED;
    }

    synchronized void setStage(State stage) {
        if (!isFinished()) {
            state = stage;
        }
    }

    /**
     * Runs {@code hook} once after the job ends, on the thread that ended it; right away when it already
     * has. Hooks run in the order they were added.
     */
    void addEndListener(Runnable hook) {
        synchronized (this) {
            if (!isFinished()) {
                endListeners.add(hook);
                return;
            }
        }
        hook.run();
    }

    synchronized void stageTime(String stage, long nanos) {
        stageNanos.merge(stage, nanos, Long::sum);
    }

    synchronized Map<String, Long> stageTimes() {
        return new LinkedHashMap<>(stageNanos);
    }

    /** Appends an event unless the job has ended (late step events of a cancelled job are dropped). */
    synchronized boolean emit(String type, Map<String, Object> data) {
        if (isFinished()) {
            return false;
        }
        append(type, data);
        return true;
    }

    private void append(String type, Map<String, Object> data) {
        events.add(new JobEvent(events.size(), type, data));
        notifyAll();
    }

    boolean complete(Map<String, Object> output) {
        return end(State.DONE, JobEvent.DONE, output, null, null);
    }

    boolean fail(String code, String message) {
        return end(State.FAILED, JobEvent.FAILED, null, code, message);
    }

    boolean cancel(String message) {
        return end(State.CANCELLED, JobEvent.CANCELLED, null, "cancelled", message);
    }

    private boolean end(State terminal, String type, Map<String, Object> output, String code, String message) {
        List<Runnable> hooks;
        synchronized (this) {
            if (isFinished()) {
                return false;
            }
            state = terminal;
            result = output;
            errorCode = code;
            errorMessage = message;
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("id", id);
            if (output != null) {
                data.putAll(output);
            } else {
                data.put("code", code);
                data.put("message", message);
            }
            append(type, data);
            hooks = List.copyOf(endListeners);
        }
        token.cancel(); // stops any model run still working for this job
        try {
            for (Runnable hook : hooks) {
                hook.run();
            }
        } finally {
            finished.complete(this);
        }
        return true;
    }

    /**
     * Events from {@code from} on, waiting up to {@code waitMillis} for one when there is none yet.
     * Returns an empty list on timeout (the caller sends a keep-alive).
     */
    synchronized List<JobEvent> eventsFrom(int from, long waitMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + waitMillis;
        while (events.size() <= from) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return List.of();
            }
            wait(left);
        }
        return new ArrayList<>(events.subList(from, events.size()));
    }

    synchronized List<JobEvent> events() {
        return new ArrayList<>(events);
    }

    synchronized Map<String, Object> result() {
        return result;
    }

    synchronized String errorCode() {
        return errorCode;
    }

    synchronized String errorMessage() {
        return errorMessage;
    }

    /** An SSE stream starts watching; returns the number now watching. */
    synchronized int watch() {
        return ++watchers;
    }

    /** An SSE stream stops; returns the number still watching. */
    synchronized int unwatch() {
        return --watchers;
    }

    /** The job as {@code GET /api/jobs/{id}} shows it. */
    synchronized Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("state", state.name().toLowerCase(java.util.Locale.ROOT));
        m.put("accepted_at", acceptedAt.toString());
        m.put("request", spec.describe());
        m.put("events", events.size());
        if (result != null) {
            m.put("result", result);
        }
        if (errorCode != null) {
            m.put("error", Map.of("code", errorCode, "message", errorMessage));
        }
        return m;
    }
}
