package apprentice.app.serve;

import apprentice.core.adaptive.CalibrationFile;
import apprentice.core.adaptive.StudentSettings;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A server on an ephemeral loopback port over fake models, and a small JSON client for it. */
final class TestServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final FakeModels.FakeModel student;
    final FakeModels.FakeModel teacher;
    final FakeModels.FakeOracle oracle = new FakeModels.FakeOracle();
    final ApprenticeServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final String token;

    TestServer(ServeSettings settings, long studentStepMs, long teacherStepMs, String token) throws IOException {
        this(settings, studentStepMs, teacherStepMs, token, new ApprenticeServer.Tuning(32, Duration.ofSeconds(2), Duration.ofMillis(100), 0));
    }

    TestServer(ServeSettings settings, long studentStepMs, long teacherStepMs, String token, ApprenticeServer.Tuning tuning)
            throws IOException {
        this.student = new FakeModels.FakeModel("fake-student", studentStepMs);
        this.teacher = new FakeModels.FakeModel("fake-teacher", teacherStepMs);
        this.token = token;
        ServedModels models = new ServedModels("fake-student", student, "fake-teacher", teacher, oracle, 16, 4, List.of("fakes"));
        this.server = ApprenticeServer.start(models, settings, "127.0.0.1", 0, token, calibration(settings), tuning);
    }

    /**
     * A calibration of the default student settings (4 steps, guidance 1, 16×16) with scores spread over
     * [0.3, 0.7]: τ(50) = 0.5, so the fake oracle's 0.9 is kept and 0.1 goes to the teacher.
     */
    static CalibrationFile calibration(ServeSettings settings) {
        double[] scores = new double[100];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = 0.3 + 0.4 * i / 99.0;
        }
        StudentSettings student = StudentSettings.textToImage("fake-student", settings.studentSteps(), settings.studentGuidance(),
                null, 16, 16);
        return new CalibrationFile(student, "fake-oracle", scores.length, "0".repeat(64), "test", 0, scores, "2026-01-01T00:00:00Z");
    }

    static ServeSettings fast() {
        return ServeSettings.defaults().withQueue(64, 8, Duration.ofMillis(5));
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return client.send(request(path).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, Object body) throws IOException, InterruptedException {
        String text = body instanceof String s ? s : JSON.writeValueAsString(body);
        return client.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(HttpResponse<String> r) throws IOException {
        return JSON.readValue(r.body().trim(), Map.class);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> error(HttpResponse<String> r) throws IOException {
        return (Map<String, Object>) json(r).get("error");
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(5));
    }
}
