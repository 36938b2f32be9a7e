package apprentice.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.app.BadInputException;
import apprentice.onnx.synth.SyntheticClipFolder;
import apprentice.onnx.synth.SyntheticControlNet;
import apprentice.onnx.synth.SyntheticModelFolder;
import apprentice.onnx.synth.SyntheticSpec;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code apprentice serve} on tiny synthetic ONNX folders: the real pipeline, teacher and CLIP oracle behind HTTP. */
class ServeCommandTest {

    @Test
    @SuppressWarnings("unchecked")
    void servesRealModelsAdaptively(@TempDir Path dir) throws Exception {
        Path student = dir.resolve("student");
        Path teacher = dir.resolve("teacher");
        Path oracle = dir.resolve("oracle");
        SyntheticModelFolder.write(student, SyntheticSpec.tiny());
        SyntheticModelFolder.write(teacher, SyntheticSpec.tiny().withSeed(99));
        SyntheticClipFolder.write(oracle, 7);
        StringWriter out = new StringWriter();
        ServeCommand.Running running = command("--model", student.toString(), "--teacher", teacher.toString(), "--oracle",
                oracle.toString(), "--port", "0", "--threads", "1").launch(new PrintWriter(out, true), new PrintWriter(new StringWriter()));
        try {
            assertTrue(out.toString().contains("http://127.0.0.1:" + running.server().port() + "/"), out.toString());
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + running.server().port() + "/api/generate");
            ObjectMapper json = new ObjectMapper();
            for (String mode : List.of("adaptive", "teacher", "student")) {
                String body = json.writeValueAsString(Map.of("prompt", "a smiling face", "mode", mode, "steps", 2, "teacher_steps", 2,
                        "seed", 3, "width", 32, "height", 32));
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                Map<String, Object> img = ((List<Map<String, Object>>) json.readValue(r.body().trim(), Map.class).get("images")).get(0);
                String route = (String) img.get("route");
                switch (mode) {
                    case "adaptive" -> {
                        assertTrue(route.equals("kept") || route.equals("refined"), route);
                        assertTrue(Double.isFinite(((Number) img.get("score")).doubleValue()));
                    }
                    case "teacher" -> assertEquals(2, img.get("nfe_teacher"));
                    default -> assertEquals(2, img.get("nfe_student"));
                }
                assertEquals(mode.equals("teacher") ? "teacher" : mode.equals("student") ? "student" : route, route);
            }
        } finally {
            running.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCalibrationFileSetsTheDefaultsAndGatesMatchingDrafts(@TempDir Path dir) throws Exception {
        Path student = dir.resolve("student");
        Path teacher = dir.resolve("teacher");
        Path oracle = dir.resolve("oracle");
        SyntheticModelFolder.write(student, SyntheticSpec.tiny());
        SyntheticModelFolder.write(teacher, SyntheticSpec.tiny().withSeed(99));
        SyntheticClipFolder.write(oracle, 7);
        String oracleName;
        try (var o = apprentice.onnx.oracle.Oracles.open(oracle, apprentice.onnx.runtime.RuntimeOptions.defaults())) {
            oracleName = o.name();
        }
        double[] scores = new double[50];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = -1e6 + i; // every real draft scores above τ: all kept
        }
        Path good = dir.resolve("cal.json");
        new apprentice.core.adaptive.CalibrationFile(apprentice.core.adaptive.StudentSettings.textToImage("student", 2, 1.0, null, 32, 32),
                oracleName, scores.length, "0".repeat(64), "test", 0, scores, "2026-11-25T00:00:00Z").write(good);
        Path otherOracle = dir.resolve("other.json");
        new apprentice.core.adaptive.CalibrationFile(apprentice.core.adaptive.StudentSettings.textToImage("student", 2, 1.0, null, 32, 32),
                "clip-score:another", scores.length, "0".repeat(64), "test", 0, scores, "2026-11-25T00:00:00Z").write(otherOracle);

        BadInputException wrong = assertThrows(BadInputException.class, () -> command("--model", student.toString(), "--teacher",
                teacher.toString(), "--oracle", oracle.toString(), "--calibration", otherOracle.toString(), "--port", "0")
                .launch(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
        assertTrue(wrong.getMessage().contains("oracle"), wrong.getMessage());

        ServeCommand.Running running = command("--model", student.toString(), "--teacher", teacher.toString(), "--oracle",
                oracle.toString(), "--calibration", good.toString(), "--port", "0", "--threads", "1")
                .launch(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        try {
            HttpClient client = HttpClient.newHttpClient();
            ObjectMapper json = new ObjectMapper();
            String base = "http://127.0.0.1:" + running.server().port();
            Map<String, Object> models = json.readValue(client.send(HttpRequest.newBuilder(URI.create(base + "/api/models")).build(),
                    HttpResponse.BodyHandlers.ofString()).body(), Map.class);
            assertEquals(2, ((Map<String, Object>) models.get("defaults")).get("steps"), "the calibration's steps are the default");
            String body = json.writeValueAsString(Map.of("prompt", "a smiling face", "seed", 3, "width", 32, "height", 32));
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/generate")).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            Map<String, Object> img = ((List<Map<String, Object>>) json.readValue(r.body().trim(), Map.class).get("images")).get(0);
            assertEquals("calibrated", img.get("gate"), r.body().substring(0, Math.min(400, r.body().length())));
            assertEquals("kept", img.get("route"));
            assertEquals(-1e6 + 0.5 * 49, ((Number) img.get("tau")).doubleValue(), 1e-6, "τ(50) of the calibration's scores");
        } finally {
            running.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void withAControlNetEveryRequestSendsAControlImageThatConditionsBothStages(@TempDir Path dir) throws Exception {
        Path student = dir.resolve("student");
        Path teacher = dir.resolve("teacher");
        Path oracle = dir.resolve("oracle");
        Path controlNet = dir.resolve("controlnet");
        SyntheticModelFolder.write(student, SyntheticSpec.tiny());
        SyntheticControlNet.makeUnetControllable(student, SyntheticSpec.tiny(), 2);
        SyntheticModelFolder.write(teacher, SyntheticSpec.tiny().withSeed(99));
        SyntheticControlNet.makeUnetControllable(teacher, SyntheticSpec.tiny().withSeed(99), 2);
        SyntheticControlNet.writeControlNet(controlNet, SyntheticSpec.tiny(), 2);
        SyntheticClipFolder.write(oracle, 7);
        java.awt.image.BufferedImage edges = new java.awt.image.BufferedImage(16, 16, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                edges.setRGB(x, y, (x / 4 + y / 4) % 2 == 0 ? 0xFFFFFF : 0);
            }
        }
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(edges, "png", png);
        String control = java.util.Base64.getEncoder().encodeToString(png.toByteArray());
        ServeCommand.Running running = command("--model", student.toString(), "--teacher", teacher.toString(), "--oracle",
                oracle.toString(), "--controlnet", controlNet.toString(), "--port", "0", "--threads", "1")
                .launch(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter()));
        try {
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + running.server().port() + "/api/generate");
            ObjectMapper json = new ObjectMapper();
            java.util.function.Function<Map<String, Object>, HttpResponse<String>> post = fields -> {
                try {
                    return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(fields))).build(), HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            HttpResponse<String> info = client.send(HttpRequest.newBuilder(uri.resolve("/api/models")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(controlNet.getFileName().toString(), json.readValue(info.body(), Map.class).get("controlnet"), info.body());
            Map<String, String> images = new java.util.HashMap<>();
            for (String scale : List.of("0", "1")) {
                for (String mode : List.of("student", "teacher")) {
                    HttpResponse<String> r = post.apply(Map.of("prompt", "a smiling face", "mode", mode, "steps", 2, "teacher_steps", 2,
                            "seed", 3, "width", 32, "height", 32, "control_image", control, "control_scale", Double.parseDouble(scale)));
                    assertEquals(200, r.statusCode(), r.body());
                    Map<String, Object> img = ((List<Map<String, Object>>) json.readValue(r.body().trim(), Map.class).get("images")).get(0);
                    images.put(mode + scale, (String) img.get("image"));
                }
            }
            for (String mode : List.of("student", "teacher")) {
                assertTrue(!images.get(mode + "0").equals(images.get(mode + "1")), mode + ": the control image shows");
            }
            HttpResponse<String> adaptive = post.apply(Map.of("prompt", "a fox", "mode", "adaptive", "steps", 2, "teacher_steps", 2,
                    "seed", 4, "width", 32, "height", 32, "control_image", control));
            assertEquals(200, adaptive.statusCode(), adaptive.body());
            HttpResponse<String> missing = post.apply(Map.of("prompt", "a fox", "steps", 2, "width", 32, "height", 32));
            assertEquals(400, missing.statusCode(), missing.body());
            assertTrue(missing.body().contains("control_image") && missing.body().contains("ControlNet-ready"), missing.body());
        } finally {
            running.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void theTeacherFoldersRecommendedGuidanceBecomesTheServersDefault(@TempDir Path dir) throws Exception {
        Path student = java.nio.file.Files.createDirectories(dir.resolve("student"));
        Path teacher = java.nio.file.Files.createDirectories(dir.resolve("teacher"));
        java.nio.file.Files.writeString(teacher.resolve("generation_config.json"), "{\"guidance_scale\": 3.0}");
        ServeSettings d = ServeSettings.defaults();
        ServeSettings s = ServeCommand.folderGuidance(d, student, teacher);
        assertEquals(3.0, s.teacherGuidance());
        assertEquals(d.studentGuidance(), s.studentGuidance(), "a student folder without the file keeps the server default");
        assertEquals(d.teacherGuidance(), ServeCommand.folderGuidance(d, student, null).teacherGuidance(), "no teacher loaded");
    }

    @Test
    void badOptionsAreBadInput(@TempDir Path dir) {
        BadInputException port = assertThrows(BadInputException.class,
                () -> command("--port", "70000").launch(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
        assertTrue(port.getMessage().contains("--port"));
        BadInputException model = assertThrows(BadInputException.class,
                () -> command("--model", dir.resolve("nope").toString(), "--port", "0")
                        .launch(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
        assertTrue(model.getMessage().contains("does not exist"), model.getMessage());
    }

    @Test
    void onlyLoopbackIsQuietWithoutAToken() {
        assertTrue(ServeCommand.isLoopback("127.0.0.1"));
        assertTrue(ServeCommand.isLoopback("::1"));
        assertEquals(false, ServeCommand.isLoopback("0.0.0.0"));
    }

    private static ServeCommand command(String... args) {
        CommandLine cli = new CommandLine(new ServeCommand());
        cli.parseArgs(args);
        return cli.getCommand();
    }
}
