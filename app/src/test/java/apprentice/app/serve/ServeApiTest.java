package apprentice.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.image.PngMetadata;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON API on fake models: status codes, shapes, validation messages, routes. */
class ServeApiTest {
    static TestServer t;

    @BeforeAll
    static void start() throws Exception {
        t = new TestServer(TestServer.fast().withMaxBody(64 * 1024), 0, 0, null);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void healthAndModels() throws Exception {
        HttpResponse<String> h = t.get("/healthz");
        assertEquals(200, h.statusCode());
        assertEquals("ok", TestServer.json(h).get("status"));
        Map<String, Object> m = TestServer.json(t.get("/api/models"));
        assertEquals("fake-student", m.get("student"));
        assertEquals(List.of("student", "teacher", "adaptive"), m.get("modes"));
        assertEquals("adaptive", m.get("default_mode"));
        assertEquals(4, m.get("size_multiple"));
        assertTrue(m.containsKey("controlnet") && m.get("controlnet") == null, "no ControlNet: " + m);
    }

    @Test
    @SuppressWarnings("unchecked")
    void generateStudentReturnsPngWithMetadata(@TempDir Path dir) throws Exception {
        HttpResponse<String> r = t.post("/api/generate", Map.of("prompt", "a red apple", "mode", "student", "seed", 42, "steps", 3,
                "width", 8, "height", 12));
        assertEquals(200, r.statusCode(), r.body());
        List<Map<String, Object>> images = (List<Map<String, Object>>) TestServer.json(r).get("images");
        assertEquals(1, images.size());
        Map<String, Object> img = images.get(0);
        assertEquals("student", img.get("route"));
        assertEquals(42, img.get("seed"));
        assertEquals(3, img.get("nfe"));
        byte[] png = Base64.getDecoder().decode((String) img.get("image"));
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(8, decoded.getWidth());
        assertEquals(12, decoded.getHeight());
        Path file = dir.resolve("out.png");
        Files.write(file, png);
        assertEquals("a red apple", PngMetadata.read(file).json().get("prompt"));
    }

    @Test
    void validationNamesTheFieldAndTheFix() throws Exception {
        assertBad(Map.of("mode", "student"), "prompt", "missing");
        assertBad(Map.of("prompt", "x", "width", 30), "width", "multiples of 4");
        assertBad(Map.of("prompt", "x", "steps", 0), "steps", "from 1 to");
        assertBad(Map.of("prompt", "x", "control_image", "aGVsbG8="), "control_image", "runs no ControlNet");
        assertBad(Map.of("prompt", "x", "control_scale", 0.5), "control_scale", "needs control_image");
        assertBad(Map.of("prompt", "x", "steps", 2.5), "steps", "whole number");
        assertBad(Map.of("prompt", "x", "k", 100), "k", "(0, 100)");
        assertBad(Map.of("prompt", "x", "seed", -1), "seed", "from 0 to");
        assertBad(Map.of("prompt", "x", "guidance", "high"), "guidance", "send a number");
        assertBad(Map.of("prompt", "x", "mode", "fast"), "mode", "student, teacher, adaptive");
        assertBad(Map.of("prompt", "x", "stepz", 3), "stepz", "unknown field");
        assertBad(Map.of("prompt", "x".repeat(1001)), "prompt", "at most 1000");
        assertBad(Map.of("prompt", "a\u0000b"), "prompt", "control character");
        assertBad(Map.of("prompt", "x", "strength", 0.5), "strength", "needs an input image");
        assertBad(Map.of("prompt", "x", "image", "bm90IGFuIGltYWdl"), "image", "not a PNG or JPEG");
        assertBad(Map.of("prompt", "x", "n", 9), "n", "from 1 to 8");
        HttpResponse<String> notJson = t.post("/api/generate", "{\"prompt\": ");
        assertEquals(400, notJson.statusCode());
        assertTrue(TestServer.error(notJson).get("message").toString().contains("not valid JSON"));
        HttpResponse<String> array = t.post("/api/generate", "[1, 2]");
        assertEquals(400, array.statusCode());
        assertTrue(TestServer.error(array).get("message").toString().contains("JSON array"));
    }

    private static void assertBad(Map<String, Object> body, String field, String fragment) throws Exception {
        HttpResponse<String> r = t.post("/api/generate", body);
        assertEquals(400, r.statusCode(), r.body());
        Map<String, Object> e = TestServer.error(r);
        assertEquals(field, e.get("field"), r.body());
        assertTrue(e.get("message").toString().contains(fragment), e.get("message") + " should mention " + fragment);
    }

    @Test
    void unknownRoutesAndWrongMethods() throws Exception {
        HttpResponse<String> missing = t.get("/api/nothing");
        assertEquals(404, missing.statusCode());
        assertEquals("not_found", TestServer.error(missing).get("code"));
        assertEquals(404, t.get("/../../etc/passwd").statusCode());
        assertEquals(404, t.get("/api/jobs/0123456789abcdef01234567").statusCode());
        HttpResponse<String> wrong = t.get("/api/generate");
        assertEquals(405, wrong.statusCode());
        assertEquals("POST", wrong.headers().firstValue("Allow").orElseThrow());
        assertEquals(405, t.delete("/healthz").statusCode());
    }

    @Test
    void browserAttacksOnALocalServiceAreRefused() throws Exception {
        HttpResponse<String> form = t.client.send(t.request("/api/generate").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"x\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(415, form.statusCode(), "a JSON endpoint takes only application/json");
        HttpResponse<String> foreign = t.client.send(t.request("/api/jobs").header("Content-Type", "application/json")
                .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"x\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, foreign.statusCode());
        assertEquals("forbidden_origin", TestServer.error(foreign).get("code"));
        HttpResponse<String> same = t.client.send(t.request("/api/generate").header("Content-Type", "application/json")
                .header("Origin", "http://127.0.0.1:" + t.server.port()).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"prompt\": \"x\", \"mode\": \"student\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, same.statusCode(), "the page's own origin is fine");
        // DNS rebinding: a foreign name resolving to 127.0.0.1 reaches the socket with its own Host header
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", t.server.port())) {
            s.getOutputStream().write("GET /api/models HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(reply.startsWith("HTTP/1.1 403"), reply);
            assertTrue(reply.contains("forbidden_host"), reply);
        }
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        HttpResponse<String> r = t.post("/api/generate", Map.of("prompt", "x", "negative_prompt", "y".repeat(70_000)));
        assertEquals(413, r.statusCode());
        assertEquals("body_too_large", TestServer.error(r).get("code"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void openAiCompatibleGenerations() throws Exception {
        HttpResponse<String> r = t.post("/v1/images/generations", Map.of("prompt", "a cat", "n", 2, "size", "16x16",
                "response_format", "b64_json", "seed", 5, "model", "dall-e-3"));
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Object> body = TestServer.json(r);
        assertNotNull(body.get("created"));
        List<Map<String, Object>> data = (List<Map<String, Object>>) body.get("data");
        assertEquals(2, data.size());
        for (int i = 0; i < 2; i++) {
            assertNotNull(ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode((String) data.get(i).get("b64_json")))));
            Map<String, Object> extra = (Map<String, Object>) data.get(i).get("apprentice");
            assertEquals(5 + i, extra.get("seed"));
            assertEquals("kept", extra.get("route"));
            assertEquals("calibrated", extra.get("gate"), "default settings match the calibration");
            assertEquals(0.5, ((Number) extra.get("tau")).doubleValue(), 1e-9);
            assertEquals(0.9, ((Number) extra.get("score")).doubleValue(), 1e-6);
            assertFalse(extra.containsKey("image"));
        }
        HttpResponse<String> url = t.post("/v1/images/generations", Map.of("prompt", "a cat", "response_format", "url"));
        assertEquals(400, url.statusCode());
        Map<String, Object> e = TestServer.error(url);
        assertEquals("response_format", e.get("param"));
        assertEquals("invalid_request_error", e.get("type"));
        assertEquals("size", TestServer.error(t.post("/v1/images/generations", Map.of("prompt", "a", "size", "big"))).get("param"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void editTakesAMultipartUploadAndChecksIt() throws Exception {
        BufferedImage in = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        ImageIO.write(in, "png", png);
        HttpResponse<String> r = multipart(png.toByteArray(), "a blue apple", "0.5");
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Object> img = ((List<Map<String, Object>>) TestServer.json(r).get("images")).get(0);
        assertEquals(16, img.get("width"));
        assertEquals(8, img.get("height"));
        assertEquals(0.5, ((Number) img.get("edit_strength")).doubleValue());
        HttpResponse<String> bad = multipart("GIF89a not really".getBytes(StandardCharsets.US_ASCII), "x", "0.5");
        assertEquals(400, bad.statusCode());
        assertEquals("image", TestServer.error(bad).get("field"));
        HttpResponse<String> strength = multipart(png.toByteArray(), "x", "1.5");
        assertEquals("strength", TestServer.error(strength).get("field"));
    }

    @Test
    void adaptiveEditRegeneratesFromTheUsersImage() throws Exception {
        BufferedImage in = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        ImageIO.write(in, "png", png);
        String image = Base64.getEncoder().encodeToString(png.toByteArray());
        int before = t.teacher.requests.size();
        HttpResponse<String> r = t.post("/api/generate", Map.of("prompt", "a bad edit", "image", "data:image/png;base64," + image,
                "strength", 0.5, "teacher_mode", "regenerate", "teacher_steps", 3, "seed", 7));
        assertEquals(200, r.statusCode(), r.body());
        var teacherRun = t.teacher.requests.get(before);
        assertTrue(teacherRun.isImageToImage(), "an edit's regeneration is the teacher's own SDEdit of the input");
        assertEquals(0.5, teacherRun.strength());
        assertEquals(JobEngine.requestedSteps(3, 0.5), teacherRun.steps());
        assertEquals(16, teacherRun.initImage().dim(3));
        assertEquals(-1f, teacherRun.initImage().data()[0], 1e-6f, "the user's black image, not the draft");
    }

    private static HttpResponse<String> multipart(byte[] file, String prompt, String strength) throws Exception {
        String boundary = "----apprentice-test";
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\n" + prompt + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"strength\"\r\n\r\n" + strength + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\nstudent\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"../../etc/x.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n";
        body.write(head.getBytes(StandardCharsets.UTF_8));
        body.write(file);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return t.client.send(t.request("/api/edit").header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsArePrometheusText() throws Exception {
        t.post("/api/generate", Map.of("prompt", "metrics", "mode", "student"));
        HttpResponse<String> r = t.get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
        String text = r.body();
        assertTrue(text.contains("apprentice_http_requests_total{route=\"/api/generate\",status=\"200\"}"), text);
        assertTrue(text.contains("apprentice_stage_seconds_bucket{stage=\"student\",le=\"+Inf\"}"), text);
        assertTrue(text.contains("apprentice_queue_depth{lane=\"teacher\"}"), text);
        assertTrue(text.contains("apprentice_routes_total{route=\"student\"}"), text);
    }

    @Test
    void webPageIsServed() throws Exception {
        HttpResponse<String> page = t.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(page.body().contains("app.js"));
        // the control-image field the page shows when /api/models names a ControlNet
        assertTrue(page.body().contains("id=\"control_image\"") && page.body().contains("id=\"control_scale\""));
        assertEquals(200, t.get("/app.js").statusCode());
        HttpResponse<String> css = t.get("/style.css");
        assertEquals(200, css.statusCode());
        // label and panel display rules would otherwise show the fields and panels the page hides
        assertTrue(css.body().contains("[hidden] { display: none !important; }"), css.body());
    }
}
