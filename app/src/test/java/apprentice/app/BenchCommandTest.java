package apprentice.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code apprentice bench} on the tiny model with one iteration: the report's form, never its timings. */
class BenchCommandTest {
    @TempDir
    Path dir;

    private AppEnvironment env() {
        return new AppEnvironment(false, dir.resolve("home"), dir.resolve("cache"));
    }

    @Test
    void writesAWellFormedJsonReport() throws Exception {
        Path json = dir.resolve("reports/bench.json");
        CliRun r = CliRun.in(env(), "bench", "--model", TinyModel.folder().toString(), "--warmup", "0", "-n", "1",
                "--steps", "2", "-o", json.toString());
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        List<String> names = new ArrayList<>();
        for (JsonNode row : root.get("rows")) {
            names.add(row.get("name").asText());
            assertEquals(1, row.get("iterations").asInt());
            double median = row.get("median_ms").asDouble();
            assertTrue(median >= 0 && row.get("min_ms").asDouble() <= median && median <= row.get("max_ms").asDouble(), row.toString());
            double outside = row.get("outside_ort_share").asDouble();
            assertTrue(outside >= 0 && outside <= 1, row.toString());
        }
        assertEquals(List.of("text encoder", "UNet step", "VAE decode", "VAE encode", "generation"), names);
        assertTrue(root.get("notes").get("generation NFE").asText().startsWith("2 "), root.toString());
        assertTrue(root.get("settings").get("machine").asText().contains("logical cores"), root.toString());
        // the Markdown table on stdout has the same rows
        assertTrue(r.out().contains("| UNet step | batch 2 (CFG) × 4×8×8 |"), r.out());
        assertTrue(r.out().contains("outside ORT share of a 2-step generation"), r.out());
    }

    @Test
    void markdownOutputWithoutGuidanceUsesASingleBatch() throws Exception {
        Path md = dir.resolve("bench.md");
        CliRun r = CliRun.in(env(), "bench", "--model", TinyModel.folder().toString(), "--warmup", "0", "-n", "1",
                "--steps", "1", "-g", "1", "-o", md.toString());
        assertEquals(0, r.exitCode(), r.toString());
        String text = Files.readString(md);
        assertEquals(r.out(), text);
        assertTrue(text.contains("| UNet step | batch 1 × 4×8×8 |"), text);
        assertTrue(text.contains("| text encoder | batch 1 × 77 tokens |"), text);
    }

    @Test
    void zeroIterationsIsBadInput() {
        CliRun r = CliRun.in(env(), "bench", "--model", TinyModel.folder().toString(), "-n", "0");
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--iterations"), r.toString());
    }

    @Test
    void missingModelIsBadInput() {
        CliRun r = CliRun.in(env(), "bench", "--model", dir.resolve("none").toString());
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
    }
}
