package apprentice.app.serve;

import apprentice.core.adaptive.CalibrationFile;
import apprentice.core.image.Images;
import apprentice.core.pipeline.CancellationToken;
import apprentice.core.pipeline.GenerationCancelledException;
import apprentice.core.pipeline.GenerationRequest;
import apprentice.core.pipeline.GenerationResult;
import apprentice.core.pipeline.ProgressListener;
import apprentice.core.pipeline.StepEvent;
import apprentice.core.tensor.Tensor;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs jobs in two lanes. The student lane takes queued jobs in order and runs compatible ones (same size,
 * steps and guidance) in one micro-batched student call; adaptive drafts are scored in one oracle call and
 * routed. The teacher lane has its own worker(s), so a new draft never waits behind a refinement.
 * Admission is bounded (429 with Retry-After beyond {@link ServeSettings#queueCapacity()}), every job has
 * a deadline, and {@link #shutdown} finishes or explicitly fails every accepted job.
 */
final class JobEngine {
    private static final SecureRandom IDS = new SecureRandom();

    private final ServedModels models;
    private final ServeSettings settings;
    private final Metrics metrics;
    private final Router router;
    private final MicroBatcher<Job> studentLane = new MicroBatcher<>(j -> j.spec.batchKey());
    private final MicroBatcher<TeacherWork> teacherLane = new MicroBatcher<>(TeacherWork::batchKey);
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final ArrayDeque<String> finishedOrder = new ArrayDeque<>();
    private final AtomicInteger unfinished = new AtomicInteger();
    private final ScheduledExecutorService timer;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean accepting = true;
    private volatile boolean running = true;
    /** Exponentially weighted mean job time in seconds, for Retry-After. */
    private volatile double meanJobSeconds = 1.0;

    /** A rejected draft (or a teacher-only job) waiting for the teacher. */
    private record TeacherWork(Job job, String route, Tensor draft) {
        /**
         * Refinements with equal settings share a call, as do regenerations; an edit's regeneration and any controlled
         * job (its control image is its own input) run alone.
         */
        Object batchKey() {
            JobSpec s = job.spec;
            if (s.isControlled()) {
                return null;
            }
            if (route.equals("refined")) {
                return List.of("refine", s.teacherSteps(), s.teacherGuidance(), s.refineStrength(), s.width(), s.height());
            }
            return s.isEdit() ? null : List.of("regenerate", s.teacherSteps(), s.teacherGuidance(), s.width(), s.height());
        }
    }

    JobEngine(ServedModels models, ServeSettings settings, Metrics metrics, CalibrationFile calibration) {
        this.models = models;
        this.settings = settings;
        this.metrics = metrics;
        this.router = new Router(calibration, models.studentName());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "apprentice-job-timeouts"));
        metrics.queueGauge("student", studentLane::size);
        metrics.queueGauge("teacher", teacherLane::size);
        workers.add(daemon(this::studentLoop, "apprentice-student"));
        if (models.hasTeacher()) {
            for (int i = 0; i < settings.teacherWorkers(); i++) {
                workers.add(daemon(this::teacherLoop, "apprentice-teacher-" + i));
            }
        }
        workers.forEach(Thread::start);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Accepts all of {@code specs} or none: 429 when they do not fit in the queue, 503 once shutting down.
     */
    List<Job> submit(List<JobSpec> specs) {
        if (!accepting) {
            throw new ApiException(503, "shutting_down", null, "the server is shutting down and accepts no new work: retry on another instance")
                    .withHeader("Retry-After", "5");
        }
        int n = specs.size();
        while (true) {
            int now = unfinished.get();
            if (now + n > settings.queueCapacity()) {
                long wait = Math.max(1, Math.min(120, Math.round(Math.ceil(meanJobSeconds * Math.max(1, now) / Math.max(1, settings.maxBatch())))));
                metrics.job("any", "rejected");
                throw new ApiException(429, "queue_full", null, "the queue is full (" + now + " of " + settings.queueCapacity()
                        + " jobs unfinished): retry after " + wait + " s").withHeader("Retry-After", Long.toString(wait));
            }
            if (unfinished.compareAndSet(now, now + n)) {
                break;
            }
        }
        List<Job> accepted = new ArrayList<>(n);
        for (JobSpec spec : specs) {
            Job job = new Job(newId(), spec);
            jobs.put(job.id, job);
            ScheduledFuture<?> deadline = timer.schedule(() -> timeout(job), settings.jobTimeout().toMillis(), TimeUnit.MILLISECONDS);
            job.addEndListener(() -> ended(job, deadline));
            job.emit("queued", Map.of("id", job.id, "mode", spec.mode().label(), "request", spec.describe()));
            accepted.add(job);
        }
        for (Job job : accepted) {
            if (job.spec.mode() == Mode.TEACHER) {
                teacherLane.add(new TeacherWork(job, "teacher", null));
            } else {
                studentLane.add(job);
            }
        }
        return accepted;
    }

    private static String newId() {
        byte[] b = new byte[12];
        IDS.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private void timeout(Job job) {
        if (job.fail("timeout", "the job did not finish within " + settings.jobTimeout().toSeconds()
                + " s: the server is overloaded or the request too large; retry with fewer steps or later")) {
            metrics.job(job.spec.mode().label(), "timeout");
        }
    }

    private void ended(Job job, ScheduledFuture<?> deadline) {
        deadline.cancel(false);
        unfinished.decrementAndGet();
        long total = System.nanoTime() - job.acceptedNanos;
        metrics.stage("total", total);
        Job.State st = job.state();
        if (st == Job.State.DONE) {
            metrics.job(job.spec.mode().label(), "done");
            meanJobSeconds = 0.8 * meanJobSeconds + 0.2 * (total / 1e9);
        } else if (st == Job.State.CANCELLED) {
            metrics.job(job.spec.mode().label(), "cancelled");
        } else if (!"timeout".equals(job.errorCode())) {
            metrics.job(job.spec.mode().label(), "shutdown".equals(job.errorCode()) ? "shutdown" : "failed");
        }
        synchronized (finishedOrder) {
            finishedOrder.add(job.id);
            while (finishedOrder.size() > settings.retainedJobs()) {
                jobs.remove(finishedOrder.poll());
            }
        }
    }

    Optional<Job> find(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    int unfinished() {
        return unfinished.get();
    }

    int studentQueueDepth() {
        return studentLane.size();
    }

    int teacherQueueDepth() {
        return teacherLane.size();
    }

    boolean accepting() {
        return accepting;
    }

    // ------------------------------------------------------------------ student lane

    private void studentLoop() {
        while (running) {
            List<Job> batch;
            try {
                batch = studentLane.take(settings.maxBatch(), settings.batchWindow().toNanos());
            } catch (InterruptedException e) {
                return;
            }
            if (batch.isEmpty()) {
                if (!running) {
                    return;
                }
                continue;
            }
            List<Job> live = new ArrayList<>();
            for (Job j : batch) {
                if (!j.isFinished()) {
                    live.add(j);
                }
            }
            if (!live.isEmpty()) {
                try {
                    runStudent(live);
                } catch (RuntimeException | Error e) {
                    // a worker must survive any one batch; the batch's jobs fail with the cause
                    for (Job j : live) {
                        j.fail("internal", "the student run failed: " + e);
                    }
                }
            }
        }
    }

    private void runStudent(List<Job> batch) {
        metrics.studentBatch(batch.size());
        long start = System.nanoTime();
        CancellationToken token = new CancellationToken();
        for (Job j : batch) {
            long waited = start - j.acceptedNanos;
            j.stageTime("queue", waited);
            metrics.stage("queue", waited);
            j.setStage(Job.State.STUDENT);
            j.emit("started", Map.of("stage", "student", "batch_size", batch.size()));
        }
        // the shared run stops only when every job in it has ended (one cancelled client must not stop the others)
        for (Job j : batch) {
            j.addEndListener(() -> {
                if (batch.stream().allMatch(Job::isFinished)) {
                    token.cancel();
                }
            });
        }
        JobSpec first = batch.get(0).spec;
        GenerationRequest.Builder b = GenerationRequest.builder()
                .prompts(batch.stream().map(j -> j.spec.prompt()).toList())
                .negativePrompts(batch.stream().map(j -> j.spec.negativePrompt()).toList())
                .seeds(batch.stream().map(j -> j.spec.seed()).toList())
                .steps(first.steps()).guidanceScale(first.guidance());
        if (first.isEdit()) {
            b.initImage(first.initImage()).strength(first.editStrength());
        } else {
            b.size(first.width(), first.height());
        }
        if (first.isControlled()) { // a controlled job runs alone (its batch key is null)
            b.controlImage(first.controlImage()).controlScale(first.controlScale());
        }
        ProgressListener progress = new ProgressListener() {
            @Override
            public void stepFinished(StepEvent e) {
                for (Job j : batch) {
                    j.emit("student_step", step(e));
                }
            }
        };
        GenerationResult result;
        try {
            result = models.student().run(b.build(), progress, token);
        } catch (GenerationCancelledException e) {
            return; // every job of the batch has already ended
        } catch (IllegalArgumentException e) {
            for (Job j : batch) {
                j.fail("invalid_request", e.getMessage());
            }
            return;
        }
        long studentNanos = System.nanoTime() - start;
        metrics.stage("student", studentNanos);

        List<Integer> adaptive = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).stageTime("student", studentNanos);
            if (batch.get(i).spec.mode() == Mode.ADAPTIVE && !batch.get(i).isFinished()) {
                adaptive.add(i);
            }
        }
        float[] draftScores = new float[batch.size()];
        if (!adaptive.isEmpty()) {
            long t0 = System.nanoTime();
            Tensor images = Tensor.concat(adaptive.stream().map(result::image).toArray(Tensor[]::new));
            float[] s = models.oracle().score(adaptive.stream().map(i -> batch.get(i).spec.prompt()).toList(), images);
            long oracleNanos = System.nanoTime() - t0;
            metrics.stage("oracle", oracleNanos);
            for (int a = 0; a < adaptive.size(); a++) {
                draftScores[adaptive.get(a)] = s[a];
                batch.get(adaptive.get(a)).stageTime("oracle", oracleNanos);
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            Job j = batch.get(i);
            if (j.isFinished()) {
                continue;
            }
            try {
                afterDraft(j, result, i, draftScores[i]);
            } catch (RuntimeException e) {
                j.fail("internal", "handling the draft failed: " + e);
            }
        }
    }

    private void afterDraft(Job j, GenerationResult result, int index, float score) {
        JobSpec spec = j.spec;
        Tensor draft = result.image(index);
        Map<String, Object> draftEvent = new LinkedHashMap<>();
        draftEvent.put("width", spec.width());
        draftEvent.put("height", spec.height());
        draftEvent.put("nfe", result.nfe());
        if (spec.mode() == Mode.STUDENT) {
            Map<String, Object> meta = metadata(j, "student", null, result.nfe(), 0);
            draftEvent.put("image", ImageCodec.base64(ImageCodec.png(draft, 0, meta)));
            j.emit("draft", draftEvent);
            metrics.route("student");
            j.complete(output(j, draft, meta));
            return;
        }
        Map<String, Object> decision = router.decide(spec, score, models.oracle().name());
        boolean keep = (Boolean) decision.remove("kept");
        String route = keep ? "kept" : spec.teacherAction() == TeacherAction.REFINE ? "refined" : "regenerated";
        Map<String, Object> meta = metadata(j, route, decision, result.nfe(), 0);
        draftEvent.put("score", (double) score);
        draftEvent.put("image", ImageCodec.base64(ImageCodec.png(draft, 0, metadata(j, "draft", decision, result.nfe(), 0))));
        j.emit("draft", draftEvent);
        Map<String, Object> routeEvent = new LinkedHashMap<>(decision);
        routeEvent.put("route", route);
        j.emit("route", routeEvent);
        j.studentNfe = result.nfe();
        j.decision = decision;
        j.routedNanos = System.nanoTime();
        metrics.route(route);
        if (keep) {
            j.complete(output(j, draft, meta));
        } else {
            teacherLane.add(new TeacherWork(j, route, draft));
        }
    }

    // ------------------------------------------------------------------ teacher lane

    private void teacherLoop() {
        while (running) {
            List<TeacherWork> batch;
            try {
                // no waiting window: the teacher is the slow lane, so whatever compatible work is queued goes together
                batch = teacherLane.take(settings.maxBatch(), 0);
            } catch (InterruptedException e) {
                return;
            }
            List<TeacherWork> live = batch.stream().filter(w -> !w.job().isFinished()).toList();
            if (live.isEmpty()) {
                continue;
            }
            try {
                runTeacher(live);
            } catch (GenerationCancelledException e) {
                // every job of the batch ended (cancelled, timed out, shut down) while the teacher ran
            } catch (IllegalArgumentException e) {
                live.forEach(w -> w.job().fail("invalid_request", e.getMessage()));
            } catch (RuntimeException | Error e) {
                live.forEach(w -> w.job().fail("internal", "the teacher run failed: " + e));
            }
        }
    }

    private void runTeacher(List<TeacherWork> batch) {
        metrics.teacherBatch(batch.size());
        long start = System.nanoTime();
        CancellationToken token = new CancellationToken();
        List<Long> seeds = new ArrayList<>();
        for (TeacherWork w : batch) {
            Job j = w.job();
            if (j.spec.mode() == Mode.TEACHER) {
                j.stageTime("queue", start - j.acceptedNanos);
                metrics.stage("queue", start - j.acceptedNanos);
            } else {
                j.stageTime("teacher_queue", start - j.routedNanos);
            }
            j.setStage(Job.State.TEACHER);
            j.emit("started", Map.of("stage", "teacher", "route", w.route(), "batch_size", batch.size()));
            seeds.add(j.spec.mode() == Mode.ADAPTIVE ? j.spec.teacherSeed() : j.spec.seed());
        }
        for (TeacherWork w : batch) {
            w.job().addEndListener(() -> {
                if (batch.stream().allMatch(x -> x.job().isFinished())) {
                    token.cancel();
                }
            });
        }
        TeacherWork first = batch.get(0);
        JobSpec spec = first.job().spec;
        GenerationRequest.Builder b = GenerationRequest.builder()
                .prompts(batch.stream().map(w -> w.job().spec.prompt()).toList())
                .negativePrompts(batch.stream().map(w -> w.job().spec.negativePrompt()).toList())
                .seeds(seeds).guidanceScale(spec.teacherGuidance());
        if (first.route().equals("refined")) {
            // the teacher refines each draft as the user saw it: 8-bit pixels, not the float decoder output
            Tensor pixels = Tensor.concat(batch.stream().map(w -> Images.toTensor(Images.toImage(w.draft(), 0), false)).toArray(Tensor[]::new));
            b.initImage(pixels).strength(spec.refineStrength()).steps(requestedSteps(spec.teacherSteps(), spec.refineStrength()));
        } else if (spec.isEdit()) {
            b.initImage(spec.initImage()).strength(spec.editStrength()).steps(requestedSteps(spec.teacherSteps(), spec.editStrength()));
        } else {
            b.size(spec.width(), spec.height()).steps(spec.teacherSteps());
        }
        if (spec.isControlled()) { // runs alone, like its student call
            b.controlImage(spec.controlImage()).controlScale(spec.controlScale());
        }
        ProgressListener progress = new ProgressListener() {
            @Override
            public void stepFinished(StepEvent e) {
                for (TeacherWork w : batch) {
                    w.job().emit("teacher_step", step(e));
                }
            }
        };
        GenerationResult result = models.teacher().run(b.build(), progress, token);
        long nanos = System.nanoTime() - start;
        metrics.stage("teacher", nanos);
        for (int i = 0; i < batch.size(); i++) {
            TeacherWork w = batch.get(i);
            Job j = w.job();
            if (j.isFinished()) {
                continue;
            }
            j.stageTime("teacher", nanos);
            boolean adaptive = j.spec.mode() == Mode.ADAPTIVE;
            if (!adaptive) {
                metrics.route("teacher");
            }
            Map<String, Object> meta = metadata(j, adaptive ? w.route() : "teacher", j.decision, j.studentNfe, result.nfe());
            meta.put("teacher_seed", seeds.get(i));
            try {
                j.complete(output(j, result.image(i), meta));
            } catch (RuntimeException e) {
                j.fail("internal", "handling the teacher's image failed: " + e);
            }
        }
    }

    /** diffusers' img2img runs int(N·σ) of N steps; asking for int(n/σ + 1) makes about n of them run (the paper's rule). */
    static int requestedSteps(int n, double strength) {
        return (int) (n / strength + 1.0);
    }

    private static Map<String, Object> step(StepEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", e.step());
        m.put("total", e.totalSteps());
        m.put("timestep", e.timestep());
        return m;
    }

    /** What is known about an image: the request, the route and its score, NFE. Goes in the PNG and the result. */
    private Map<String, Object> metadata(Job j, String route, Map<String, Object> decision, int studentNfe, int teacherNfe) {
        Map<String, Object> m = new LinkedHashMap<>(j.spec.describe());
        m.put("route", route);
        if (decision != null) {
            m.put("score", decision.get("score"));
            m.put("tau", decision.get("tau"));
            m.put("gate", decision.get("gate"));
            m.put("oracle", decision.get("oracle"));
        }
        m.put("student_model", models.studentName());
        if (j.spec.mode() != Mode.STUDENT) {
            m.put("teacher_model", models.teacherName());
        }
        m.put("nfe_student", studentNfe);
        m.put("nfe_teacher", teacherNfe);
        m.put("nfe_note", "UNet evaluations actually run; a classifier-free-guidance step counts once");
        m.put("job_id", j.id);
        return m;
    }

    private Map<String, Object> output(Job j, Tensor image, Map<String, Object> meta) {
        Map<String, Object> out = new LinkedHashMap<>(meta);
        out.put("nfe", ((Number) meta.get("nfe_student")).intValue() + ((Number) meta.get("nfe_teacher")).intValue());
        Map<String, Object> times = new LinkedHashMap<>();
        j.stageTimes().forEach((k, v) -> times.put(k, v / 1e6));
        times.put("total", (System.nanoTime() - j.acceptedNanos) / 1e6);
        out.put("timings_ms", times);
        out.put("image", ImageCodec.base64(ImageCodec.png(image, 0, meta)));
        return out;
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * Stops accepting, lets accepted jobs finish for up to {@code grace}, then fails every job still
     * unfinished with code {@code shutdown} and stops the workers. Returns the number of jobs failed.
     */
    int shutdown(Duration grace) {
        accepting = false;
        long deadline = System.nanoTime() + grace.toNanos();
        for (Job j : List.copyOf(jobs.values())) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                j.finished.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int failed = 0;
        for (Job j : List.copyOf(jobs.values())) {
            if (j.fail("shutdown", "the server shut down before this job finished: submit it again")) {
                failed++;
            }
        }
        running = false;
        studentLane.close();
        studentLane.drain();
        teacherLane.close();
        teacherLane.drain();
        for (Thread t : workers) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        timer.shutdownNow();
        return failed;
    }
}
