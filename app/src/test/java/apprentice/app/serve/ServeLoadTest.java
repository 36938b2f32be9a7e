package apprentice.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Bounded load: 200 requests from 16 client threads over every kind of request (synchronous student and
 * adaptive, OpenAI, asynchronous jobs of which some are cancelled) against a small queue. Every request
 * must get exactly one well-formed answer, and every accepted job must end exactly once.
 */
class ServeLoadTest {
    private static final int REQUESTS = 200;
    private static final int THREADS = 16;

    @Test
    void everyRequestGetsOneWellFormedAnswerAndNoJobIsLost() throws Exception {
        ServeSettings settings = TestServer.fast().withQueue(6, 4, Duration.ofMillis(3));
        try (TestServer t = new TestServer(settings, 2, 3, null)) {
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger rejected = new AtomicInteger();
            AtomicInteger cancelledByUs = new AtomicInteger();
            Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    one(t, n, accepted, rejected, cancelledByUs, statuses);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(); // rethrows any assertion a client thread made
            }
            pool.shutdown();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (t.server.engine().unfinished() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, t.server.engine().unfinished(), "every accepted job ended");
            assertEquals(REQUESTS, accepted.get() + rejected.get(), "answers: " + statuses);
            assertTrue(accepted.get() > 0 && rejected.get() > 0, "the load both filled and used the queue: " + statuses);
            String metrics = t.get("/metrics").body();
            long done = sum(metrics, "done");
            long cancelled = sum(metrics, "cancelled");
            assertEquals(0, sum(metrics, "failed") + sum(metrics, "timeout"), metrics);
            assertEquals(accepted.get(), done + cancelled, "each accepted job ended exactly once: " + metrics);
            assertTrue(cancelled <= cancelledByUs.get(), "only jobs we cancelled were cancelled");
        }
    }

    private static void one(TestServer t, int n, AtomicInteger accepted, AtomicInteger rejected, AtomicInteger cancelledByUs,
                            Map<Integer, Integer> statuses) throws Exception {
        HttpResponse<String> r;
        switch (n % 4) {
            case 0 -> r = t.post("/api/jobs", Map.of("prompt", "async " + n, "mode", "student", "steps", 3));
            case 1 -> r = t.post("/api/generate", Map.of("prompt", "bad " + n, "steps", 2, "teacher_steps", 2));
            case 2 -> r = t.post("/api/generate", Map.of("prompt", "good " + n, "mode", "student", "steps", 2));
            default -> r = t.post("/v1/images/generations", Map.of("prompt", "openai " + n, "n", 1, "response_format", "b64_json"));
        }
        statuses.merge(r.statusCode(), 1, Integer::sum);
        Map<String, Object> body = TestServer.json(r); // throws unless the body is one JSON object
        switch (r.statusCode()) {
            case 200 -> {
                accepted.incrementAndGet();
                assertTrue(body.containsKey("images") || body.containsKey("data"), r.body());
            }
            case 202 -> {
                accepted.incrementAndGet();
                String id = (String) body.get("id");
                if (n % 8 == 0) {
                    HttpResponse<String> del = t.delete("/api/jobs/" + id);
                    assertTrue(del.statusCode() == 200 || del.statusCode() == 409, del.body());
                    if (del.statusCode() == 200) {
                        cancelledByUs.incrementAndGet();
                    }
                }
                List<SseClient.Event> events = SseClient.readAll(t, id);
                long terminal = events.stream().filter(e -> List.of("done", "failed", "cancelled").contains(e.type())).count();
                assertEquals(1, terminal, "one terminal event: " + SseClient.types(events));
                assertTrue(List.of("done", "cancelled").contains(events.get(events.size() - 1).type()));
            }
            case 429 -> {
                rejected.incrementAndGet();
                assertTrue(r.headers().firstValue("Retry-After").isPresent(), "429 without Retry-After");
                assertTrue(body.containsKey("error"));
            }
            default -> throw new AssertionError("unexpected answer " + r.statusCode() + ": " + r.body());
        }
    }

    private static long sum(String metrics, String outcome) {
        Matcher m = Pattern.compile("apprentice_jobs_total\\{mode=\"[a-z]+\",outcome=\"" + outcome + "\"} (\\d+)").matcher(metrics);
        long total = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        return total;
    }
}
