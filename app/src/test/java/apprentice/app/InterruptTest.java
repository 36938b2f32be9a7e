package apprentice.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generate run stopped by a signal (SIGTERM here; Ctrl-C's SIGINT takes the same shutdown-hook path)
 * keeps the finished images, drops the one in progress, and leaves no temporary files.
 */
class InterruptTest {
    @TempDir
    Path dir;

    @Test
    void signalStopsTheRunCleanly() throws Exception {
        Path out = dir.resolve("out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dapprentice.cache=" + dir.resolve("cache"), "apprentice.app.Main", "generate", "a cat",
                "--model", TinyModel.folder().toString(), "-o", out.toString(), "--count", "3", "--steps", "400",
                "--seed", "1", "--progress", "none");
        pb.redirectError(dir.resolve("stderr.txt").toFile());
        Process p = pb.start();
        try (BufferedReader stdout = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String first = stdout.readLine(); // the first image is published
            assertNotNull(first, "no image before the process ended: " + Files.readString(dir.resolve("stderr.txt")));
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not stop");
        } finally {
            p.destroyForcibly();
        }
        String err = Files.readString(dir.resolve("stderr.txt"));
        assertTrue(err.matches("(?s).*interrupted; [12] of 3 images were written.*"), err);
        List<String> names;
        try (Stream<Path> s = Files.list(out)) {
            names = s.map(f -> f.getFileName().toString()).sorted().toList();
        }
        long pngs = names.stream().filter(n -> n.endsWith(".png")).count();
        long jsons = names.stream().filter(n -> n.endsWith(".json")).count();
        assertTrue(pngs >= 1 && pngs <= 2, names.toString());
        assertEquals(pngs, jsons, "every image has its sidecar: " + names);
        assertTrue(names.stream().noneMatch(n -> n.startsWith(".")), "no temporary files left: " + names);
    }
}
