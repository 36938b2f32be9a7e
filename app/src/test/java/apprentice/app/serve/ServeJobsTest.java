package apprentice.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Asynchronous jobs: SSE event order, cancellation, queue limits, batching, lanes, auth, shutdown. */
class ServeJobsTest {

    @Test
    void adaptiveEventsArriveInStageOrder() throws Exception {
        try (TestServer t = new TestServer(TestServer.fast(), 1, 1, null)) {
            String bad = submit(t, Map.of("prompt", "a bad drawing", "steps", 3, "teacher_steps", 2, "seed", 7));
            List<SseClient.Event> events = SseClient.readAll(t, bad);
            List<String> types = SseClient.types(events);
            assertEquals(List.of("queued", "started", "student_step", "student_step", "student_step", "draft", "route", "started",
                    "teacher_step", "teacher_step", "done"), types);
            for (int i = 0; i < events.size(); i++) {
                assertEquals(i, events.get(i).id(), "event ids count up from 0");
            }
            Map<String, Object> draft = events.get(5).data();
            assertEquals(0.1, ((Number) draft.get("score")).doubleValue(), 1e-6);
            assertTrue(((String) draft.get("image")).length() > 20, "the draft carries its PNG");
            Map<String, Object> route = events.get(6).data();
            assertEquals("refined", route.get("route"));
            assertEquals("online", route.get("gate"), "3 steps differ from the calibration's 4: the online window decides");
            assertEquals(0.5, ((Number) route.get("tau")).doubleValue(), 0.01);
            Map<String, Object> done = events.get(10).data();
            assertEquals("refined", done.get("route"));
            assertEquals(3 + 2, done.get("nfe"));
            // the teacher refined the draft: img2img at the refine strength, int(n/σ + 1) steps asked for
            var teacherRequest = t.teacher.requests.get(0);
            assertTrue(teacherRequest.isImageToImage());
            assertEquals(JobEngine.requestedSteps(2, 0.7), teacherRequest.steps());
            assertEquals(apprentice.core.adaptive.DerivedSeeds.teacher(7), teacherRequest.seeds().get(0),
                    "the teacher's noise seed is the adaptive pipeline's derivation, so the image replays");

            String good = submit(t, Map.of("prompt", "a good drawing", "steps", 2));
            List<String> kept = SseClient.types(SseClient.readAll(t, good));
            assertEquals(List.of("queued", "started", "student_step", "student_step", "draft", "route", "done"), kept);
            Map<String, Object> job = TestServer.json(t.get("/api/jobs/" + good));
            assertEquals("done", job.get("state"));
            assertEquals("kept", ((Map<?, ?>) job.get("result")).get("route"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void refinementsQueuedBehindTheTeacherShareItsNextCall() throws Exception {
        try (TestServer t = new TestServer(TestServer.fast(), 1, 150, null)) {
            String first = submit(t, Map.of("prompt", "bad one", "steps", 1, "teacher_steps", 2, "seed", 1));
            awaitState(t, first, "teacher");
            HttpResponse<String> three = t.post("/api/jobs", Map.of("prompt", "bad three", "steps", 1, "teacher_steps", 2, "n", 3,
                    "seed", 20));
            List<String> ids = new ArrayList<>(List.of(first));
            for (Object j : (List<Object>) TestServer.json(three).get("jobs")) {
                ids.add((String) ((Map<String, Object>) j).get("id"));
            }
            for (String id : ids) {
                List<SseClient.Event> events = SseClient.readAll(t, id);
                assertEquals("done", events.get(events.size() - 1).type(), SseClient.types(events).toString());
            }
            assertEquals(List.of(1, 3), t.teacher.batchSizes, "the three refinements waited together and ran in one call");
            var batch = t.teacher.requests.get(1);
            assertEquals(3, batch.initImage().dim(0), "one draft per image");
            assertEquals(List.of(apprentice.core.adaptive.DerivedSeeds.teacher(20), apprentice.core.adaptive.DerivedSeeds.teacher(21),
                    apprentice.core.adaptive.DerivedSeeds.teacher(22)), batch.seeds());
            assertTrue(t.server.metrics().render().contains("apprentice_teacher_batch_size_bucket{le=\"4.0\"} 2"));
        }
    }

    @Test
    void teacherOnlyAndStudentOnlyModes() throws Exception {
        try (TestServer t = new TestServer(TestServer.fast(), 0, 0, null)) {
            String teacher = submit(t, Map.of("prompt", "x", "mode", "teacher", "teacher_steps", 3, "seed", 11));
            assertEquals(List.of("queued", "started", "teacher_step", "teacher_step", "teacher_step", "done"),
                    SseClient.types(SseClient.readAll(t, teacher)));
            assertEquals(11L, t.teacher.requests.get(0).seeds().get(0), "teacher-only images use the request's seed");
            String student = submit(t, Map.of("prompt", "x", "mode", "student", "steps", 1));
            assertEquals(List.of("queued", "started", "student_step", "draft", "done"), SseClient.types(SseClient.readAll(t, student)));
            assertEquals(0, t.oracle.calls.get(), "student and teacher modes never call the oracle");
        }
    }

    @Test
    void deleteCancelsARunningJob() throws Exception {
        try (TestServer t = new TestServer(TestServer.fast(), 50, 0, null)) {
            String id = submit(t, Map.of("prompt", "slow", "mode", "student", "steps", 100));
            awaitState(t, id, "student");
            HttpResponse<String> del = t.delete("/api/jobs/" + id);
            assertEquals(200, del.statusCode(), del.body());
            assertEquals(true, TestServer.json(del).get("cancelled"));
            List<SseClient.Event> events = SseClient.readAll(t, id);
            assertEquals("cancelled", events.get(events.size() - 1).type());
            assertEquals(409, t.delete("/api/jobs/" + id).statusCode(), "a finished job cannot be cancelled again");
            awaitIdle(t.student);
        }
    }

    @Test
    void aJobPastItsDeadlineFailsWith504AndStopsTheModel() throws Exception {
        try (TestServer t = new TestServer(TestServer.fast().withTimeout(Duration.ofMillis(300)), 50, 0, null)) {
            HttpResponse<String> r = t.post("/api/generate", Map.of("prompt", "slow", "mode", "student", "steps", 100));
            assertEquals(504, r.statusCode(), r.body());
            assertEquals("timeout", TestServer.error(r).get("code"));
            assertTrue(TestServer.error(r).get("message").toString().contains("did not finish within"));
            awaitIdle(t.student);
            assertTrue(t.server.metrics().render().contains("apprentice_jobs_total{mode=\"student\",outcome=\"timeout\"} 1"));
        }
    }

    @Test
    void aFailingModelFailsItsJobsAndTheWorkerCarriesOn() throws Exception {
        try (TestServer t = new TestServer(TestServer.fast(), 0, 0, null)) {
            t.student.failWith = new IllegalStateException("onnx runtime exploded");
            HttpResponse<String> r = t.post("/api/generate", Map.of("prompt", "x", "mode", "student"));
            assertEquals(500, r.statusCode(), r.body());
            assertTrue(TestServer.error(r).get("message").toString().contains("onnx runtime exploded"));
            t.student.failWith = null;
            assertEquals(200, t.post("/api/generate", Map.of("prompt", "x", "mode", "student")).statusCode());
        }
    }

    @Test
    void fullQueueAnswers429WithRetryAfter() throws Exception {
        ServeSettings small = TestServer.fast().withQueue(2, 1, Duration.ZERO);
        try (TestServer t = new TestServer(small, 200, 0, null)) {
            assertEquals(202, t.post("/api/jobs", Map.of("prompt", "a", "mode", "student", "steps", 5)).statusCode());
            assertEquals(202, t.post("/api/jobs", Map.of("prompt", "b", "mode", "student", "steps", 5)).statusCode());
            HttpResponse<String> full = t.post("/api/jobs", Map.of("prompt", "c", "mode", "student", "steps", 5));
            assertEquals(429, full.statusCode());
            long retry = Long.parseLong(full.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retry >= 1, "Retry-After is a positive number of seconds");
            assertEquals("queue_full", TestServer.error(full).get("code"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void compatibleStudentRequestsShareOneCall() throws Exception {
        ServeSettings batching = TestServer.fast().withQueue(64, 8, Duration.ofMillis(200));
        try (TestServer t = new TestServer(batching, 0, 0, null)) {
            // four images of one request and one of another size arrive together; only the compatible ones share a call
            HttpResponse<String> four = t.post("/api/jobs", Map.of("prompt", "p", "mode", "student", "steps", 2, "n", 4, "seed", 10));
            HttpResponse<String> other = t.post("/api/jobs", Map.of("prompt", "p", "mode", "student", "steps", 2, "width", 8));
            List<String> ids = new ArrayList<>();
            for (Object j : (List<Object>) TestServer.json(four).get("jobs")) {
                ids.add((String) ((Map<String, Object>) j).get("id"));
            }
            ids.add((String) TestServer.json(other).get("id"));
            for (String id : ids) {
                List<SseClient.Event> events = SseClient.readAll(t, id);
                assertEquals("done", events.get(events.size() - 1).type());
            }
            assertEquals(List.of(4, 1), t.student.batchSizes.stream().sorted((a, b) -> b - a).toList());
            var batch = t.student.requests.stream().filter(r -> r.batchSize() == 4).findFirst().orElseThrow();
            assertEquals(List.of(10L, 11L, 12L, 13L), batch.seeds(), "image i of a request gets seed + i");
            assertEquals(16, batch.width());
        }
    }

    @Test
    void draftsDoNotWaitBehindTheTeacher() throws Exception {
        try (TestServer t = new TestServer(TestServer.fast(), 1, 300, null)) {
            String slow = submit(t, Map.of("prompt", "bad", "steps", 1, "teacher_steps", 3));
            awaitState(t, slow, "teacher");
            long t0 = System.nanoTime();
            HttpResponse<String> quick = t.post("/api/generate", Map.of("prompt", "good", "steps", 1));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(200, quick.statusCode());
            assertEquals("running", stateOrRunning(t, slow), "the refinement is still running when the draft is served");
            assertTrue(ms < 900, "a kept draft took " + ms + " ms while the teacher was busy");
        }
    }

    private static String stateOrRunning(TestServer t, String id) throws Exception {
        String s = (String) TestServer.json(t.get("/api/jobs/" + id)).get("state");
        return s.equals("teacher") ? "running" : s;
    }

    @Test
    void bearerTokenIsRequiredWhenConfigured() throws Exception {
        try (TestServer t = new TestServer(TestServer.fast(), 0, 0, "s3cret")) {
            HttpResponse<String> none = t.client.send(java.net.http.HttpRequest.newBuilder(t.uri("/api/models")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, none.statusCode());
            assertTrue(none.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer"));
            HttpResponse<String> wrong = t.client.send(java.net.http.HttpRequest.newBuilder(t.uri("/api/models"))
                    .header("Authorization", "Bearer nope").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, wrong.statusCode());
            assertEquals(200, t.get("/api/models").statusCode());
            HttpResponse<String> health = t.client.send(java.net.http.HttpRequest.newBuilder(t.uri("/healthz")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), "the health probe needs no token");
        }
    }

    @Test
    void closingASynchronousConnectionCancelsItsJob() throws Exception {
        ApprenticeServer.Tuning quickCommit = new ApprenticeServer.Tuning(8, Duration.ofMillis(100), Duration.ofMillis(50), 0);
        try (TestServer t = new TestServer(TestServer.fast(), 20, 0, null, quickCommit)) {
            byte[] body = "{\"prompt\":\"long\",\"mode\":\"student\",\"steps\":200}".getBytes(StandardCharsets.UTF_8);
            try (Socket s = new Socket("127.0.0.1", t.server.port())) {
                OutputStream out = s.getOutputStream();
                out.write(("POST /api/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                InputStream in = s.getInputStream();
                byte[] head = new byte[12];
                int n = in.readNBytes(head, 0, head.length);
                assertEquals("HTTP/1.1 200", new String(head, 0, n, StandardCharsets.US_ASCII), "committed after the delay");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (t.server.engine().unfinished() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, t.server.engine().unfinished(), "the job ended when its client went away");
            assertTrue(t.server.metrics().render().contains("apprentice_jobs_total{mode=\"student\",outcome=\"cancelled\"} 1"));
            awaitIdle(t.student);
        }
    }

    @Test
    void closingTheLastEventStreamCancelsTheJob() throws Exception {
        try (TestServer t = new TestServer(TestServer.fast(), 20, 0, null)) {
            String id = submit(t, Map.of("prompt", "watched", "mode", "student", "steps", 200));
            try (Socket s = new Socket("127.0.0.1", t.server.port())) {
                s.getOutputStream().write(("GET /api/jobs/" + id + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                byte[] head = new byte[12];
                assertEquals("HTTP/1.1 200", new String(head, 0, s.getInputStream().readNBytes(head, 0, 12), StandardCharsets.US_ASCII));
            }
            awaitState(t, id, "cancelled");
            awaitIdle(t.student);
        }
    }

    @Test
    void shutdownFinishesOrFailsEveryAcceptedJob() throws Exception {
        TestServer t = new TestServer(TestServer.fast().withQueue(64, 1, Duration.ZERO), 30, 0, null);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(submit(t, Map.of("prompt", "p" + i, "mode", "student", "steps", 10)));
        }
        List<Job> jobs = ids.stream().map(id -> t.server.engine().find(id).orElseThrow()).toList();
        int failed = t.server.stop(Duration.ofMillis(400));
        int done = 0;
        for (Job j : jobs) {
            assertTrue(j.isFinished(), "job " + j.id + " left " + j.state());
            if (j.state() == Job.State.DONE) {
                done++;
            } else {
                assertEquals("shutdown", j.errorCode());
            }
        }
        assertEquals(5, done + failed);
        assertTrue(done >= 1 && failed >= 1, "some finished in the grace period, the rest failed: " + done + "/" + failed);
    }

    // ------------------------------------------------------------------ helpers

    static String submit(TestServer t, Map<String, Object> body) throws Exception {
        HttpResponse<String> r = t.post("/api/jobs", body);
        assertEquals(202, r.statusCode(), r.body());
        return (String) TestServer.json(r).get("id");
    }

    static HttpResponse<String> post(TestServer t, Map<String, Object> body) {
        try {
            return t.post("/api/generate", body);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    static void awaitState(TestServer t, String id, String state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (state.equals(TestServer.json(t.get("/api/jobs/" + id)).get("state"))) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("job " + id + " never reached " + state);
    }

    static void awaitIdle(FakeModels.FakeModel m) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (m.running.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, m.running.get(), "the model run stopped after cancellation");
    }
}
