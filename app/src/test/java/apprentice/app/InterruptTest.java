package apprentice.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.onnx.synth.SyntheticClipFolder;
import apprentice.onnx.synth.SyntheticModelFolder;
import apprentice.onnx.synth.SyntheticSpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generate run stopped by a signal (SIGTERM here; Ctrl-C's SIGINT takes the same shutdown-hook path)
 * keeps the finished images, drops the one in progress, says how far it got, and leaves no temporary files;
 * plain and adaptive generation alike.
 */
class InterruptTest {
    @TempDir
    Path dir;

    @Test
    void signalStopsTheRunCleanly() throws Exception {
        Path out = dir.resolve("out");
        String err = runAndStop(out, "generate", "a cat", "--model", TinyModel.folder().toString(), "-o", out.toString(),
                "--count", "3", "--steps", "400", "--seed", "1", "--progress", "none");
        assertTrue(err.matches("(?s).*interrupted; [12] of 3 images were written.*"), err);
        checkOutputs(out, 1, 2);
    }

    @Test
    void signalStopsAnAdaptiveRunCleanly() throws Exception {
        Path student = dir.resolve("student");
        SyntheticModelFolder.write(student, SyntheticSpec.tiny().withSeed(11).withScheduler("LCMScheduler", "epsilon")
                .withTimestepCond(32));
        Path oracle = dir.resolve("oracle");
        SyntheticClipFolder.write(oracle, 13);
        Path out = dir.resolve("adaptive");
        // τ 100 sends every draft to the teacher, whose 400 steps make the run long enough to interrupt
        String err = runAndStop(out, "generate", "--adaptive", "--model", student.toString(), "--teacher",
                TinyModel.folder().toString(), "--oracle", oracle.toString(), "--steps", "2", "--guidance", "1",
                "--tau", "100", "--teacher-steps", "400", "--refine-strength", "1", "--draft-batch", "1",
                "--teacher-batch", "1", "--count", "6", "--seed", "1", "-o", out.toString(), "a cat");
        assertTrue(err.matches("(?s).*interrupted; [1-5] of 6 images were written.*"), err);
        int pngs = checkOutputs(out, 1, 5);
        List<String> log = Files.readAllLines(out.resolve("adaptive-log.jsonl"));
        assertEquals(pngs, log.size(), "one complete log line per written image: " + log);
    }

    /** Starts the CLI in its own JVM, sends SIGTERM once the first image is published, returns its stderr. */
    private String runAndStop(Path out, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dapprentice.cache=" + dir.resolve("cache"), "apprentice.app.Main"));
        command.addAll(List.of(args));
        Path stderr = dir.resolve(out.getFileName() + "-stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectError(stderr.toFile());
        Process p = pb.start();
        try (BufferedReader stdout = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String first = stdout.readLine(); // the first image is published
            assertNotNull(first, "no image before the process ended: " + Files.readString(stderr));
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not stop");
        } finally {
            p.destroyForcibly();
        }
        // 143 for SIGTERM (the JVM's own exit status once a signal started the shutdown), 130 for SIGINT
        assertTrue(p.exitValue() == 143 || p.exitValue() == ExitCodes.INTERRUPTED, "exit " + p.exitValue());
        return Files.readString(stderr);
    }

    /** Images in [min, max], each with its sidecar, and no temporary file; returns the image count. */
    private static int checkOutputs(Path out, int min, int max) throws Exception {
        List<String> names;
        try (Stream<Path> s = Files.list(out)) {
            names = s.map(f -> f.getFileName().toString()).sorted().toList();
        }
        long pngs = names.stream().filter(n -> n.endsWith(".png")).count();
        long jsons = names.stream().filter(n -> n.endsWith(".json")).count();
        assertTrue(pngs >= min && pngs <= max, names.toString());
        assertEquals(pngs, jsons, "every image has its sidecar: " + names);
        assertTrue(names.stream().noneMatch(n -> n.startsWith(".")), "no temporary files left: " + names);
        return (int) pngs;
    }
}
