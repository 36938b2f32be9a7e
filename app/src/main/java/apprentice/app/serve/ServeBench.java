package apprentice.app.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load generator for {@code apprentice serve --bench}: for each mode, {@code clients} threads send
 * {@code requests} synchronous {@code POST /api/generate} calls in total (after a short warm-up), and it
 * reports requests per second, client-side latency percentiles, mean NFE, routes and mean server-side
 * stage times. Measured over real HTTP on loopback, so it includes JSON and PNG encoding.
 */
final class ServeBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] PROMPTS = {"smiling face", "red apple", "a cat", "blue heart", "thumbs up", "pizza slice",
        "rocket", "sun with face", "crying face", "green tree"};

    /** One mode's measurements. */
    record Row(String mode, int requests, int clients, int ok, int failed, double seconds, double[] latencyMs,
               double meanNfe, Map<String, Integer> routes, Map<String, Double> meanStageMs) {
        double rps() {
            return ok / seconds;
        }

        double percentile(double p) {
            if (latencyMs.length == 0) {
                return Double.NaN;
            }
            double[] s = latencyMs.clone();
            Arrays.sort(s);
            return ScoreWindow.percentile(s, p);
        }
    }

    private final URI base;
    private final String token;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    ServeBench(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    Row run(String mode, Map<String, Object> extra, int requests, int clients, int warmup) throws Exception {
        for (int i = 0; i < warmup; i++) {
            call(mode, extra, 1_000_000 + i);
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicInteger next = new AtomicInteger();
        List<Future<List<Map<String, Object>>>> futures = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                List<Map<String, Object>> mine = new ArrayList<>();
                int i;
                while ((i = next.getAndIncrement()) < requests) {
                    mine.add(call(mode, extra, i));
                }
                return mine;
            }));
        }
        List<Map<String, Object>> all = new ArrayList<>();
        for (var f : futures) {
            all.addAll(f.get());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        List<Double> latencies = new ArrayList<>();
        Map<String, Integer> routes = new TreeMap<>();
        Map<String, Double> stageSums = new LinkedHashMap<>();
        double nfe = 0;
        int ok = 0;
        for (Map<String, Object> r : all) {
            if (r.get("error") != null) {
                continue;
            }
            ok++;
            latencies.add((Double) r.get("latency_ms"));
            routes.merge((String) r.get("route"), 1, Integer::sum);
            nfe += ((Number) r.get("nfe")).doubleValue();
            @SuppressWarnings("unchecked")
            Map<String, Object> times = (Map<String, Object>) r.get("timings_ms");
            times.forEach((k, v) -> stageSums.merge(k, ((Number) v).doubleValue(), Double::sum));
        }
        Map<String, Double> means = new LinkedHashMap<>();
        int okCount = ok;
        stageSums.forEach((k, v) -> means.put(k, v / okCount));
        return new Row(mode, requests, clients, ok, requests - ok, seconds, latencies.stream().mapToDouble(Double::doubleValue).toArray(),
                ok == 0 ? Double.NaN : nfe / ok, routes, means);
    }

    /** One synchronous request; the result map (plus latency_ms), or a map holding "error". */
    @SuppressWarnings("unchecked")
    private Map<String, Object> call(String mode, Map<String, Object> extra, int i) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(extra);
        body.put("prompt", PROMPTS[i % PROMPTS.length]);
        body.put("mode", mode);
        body.put("seed", i);
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/api/generate")).timeout(Duration.ofMinutes(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token);
        }
        long t0 = System.nanoTime();
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        double ms = (System.nanoTime() - t0) / 1e6;
        Map<String, Object> parsed = JSON.readValue(r.body().trim(), Map.class);
        if (r.statusCode() != 200 || parsed.containsKey("error")) {
            return Map.of("error", r.statusCode() + " " + r.body());
        }
        Map<String, Object> image = new LinkedHashMap<>(((List<Map<String, Object>>) parsed.get("images")).get(0));
        image.remove("image");
        image.put("latency_ms", ms);
        return image;
    }

    static void print(List<Row> rows, String setup, PrintWriter out) {
        out.println("| mode | requests | clients | ok | req/s | p50 ms | p90 ms | p99 ms | mean NFE | routes | mean server ms (queue / student / oracle / teacher) |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            out.println(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.2f | %.0f | %.0f | %.0f | %.1f | %s | %s / %s / %s / %s |",
                    r.mode(), r.requests(), r.clients(), r.ok(), r.rps(), r.percentile(50), r.percentile(90), r.percentile(99),
                    r.meanNfe(), r.routes(), ms(r, "queue"), ms(r, "student"), ms(r, "oracle"), ms(r, "teacher")));
        }
        out.println();
        out.println(setup);
        out.flush();
    }

    private static String ms(Row r, String stage) {
        Double v = r.meanStageMs().get(stage);
        return v == null ? "–" : String.format(Locale.ROOT, "%.0f", v);
    }
}
