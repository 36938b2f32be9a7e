package apprentice.app.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.app.Main;
import apprentice.onnx.runtime.OnnxModelFolder;
import apprentice.onnx.runtime.RuntimeOptions;
import apprentice.onnx.synth.SyntheticClipFolder;
import apprentice.onnx.synth.SyntheticModelFolder;
import apprentice.onnx.synth.SyntheticSpec;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code apprentice evaluate} end to end on a tiny synthetic family (student, teacher, CLIP oracle, 4 validation images). */
class EvaluateCommandTest {
    @TempDir
    static Path dir;
    static Path family;
    static Path out;
    static Result run;
    static final ObjectMapper JSON = new ObjectMapper();

    record Result(int code, String out, String err) {
    }

    static Result cli(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Main.run(new PrintWriter(o, true), new PrintWriter(e, true), args);
        return new Result(code, o.toString(), e.toString());
    }

    @BeforeAll
    static void family() throws Exception {
        family = dir.resolve("family");
        SyntheticModelFolder.write(family.resolve("student"),
                SyntheticSpec.tiny().withSeed(11).withScheduler("LCMScheduler", "epsilon").withTimestepCond(32));
        SyntheticModelFolder.write(family.resolve("teacher"), SyntheticSpec.tiny());
        SyntheticClipFolder.write(family.resolve("oracle"), 13);
        Files.writeString(family.resolve("calibration-prompts.txt"), "a red apple\na smiling face\na fox\nblue heart\ngreen tree\nsun\n");
        int size;
        try (var m = OnnxModelFolder.load(family.resolve("student"), RuntimeOptions.defaults())) {
            size = m.defaultImageSize();
        }
        writeValidation(family.resolve("validation"), size);
        out = dir.resolve("report");
        run = cli("evaluate", "--models", family.toString(), "--limit", "4", "--edit-limit", "3", "--k", "25,50,75", "--steps", "2",
                "--student-steps", "1", "--guidance", "1", "--teacher-steps", "2", "--teacher-guidance", "3", "--refine-strength", "0.5",
                "--ddim-steps", "2,4", "--dpm-steps", "2", "--best-of", "2", "--batch", "3", "-o", out.toString());
    }

    /** Four coloured tiles: three emoji, one of them in both vendors, English and Japanese labels. */
    static void writeValidation(Path v, int tile) throws Exception {
        Files.createDirectories(v);
        Files.writeString(v.resolve("atlas.json"), "{\"tile\": " + tile + ", \"columns\": 2, \"count\": 4}");
        BufferedImage atlas = new BufferedImage(2 * tile, 2 * tile, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = atlas.createGraphics();
        Color[] colours = {Color.RED, Color.ORANGE, Color.BLUE, Color.GREEN};
        for (int i = 0; i < 4; i++) {
            g.setColor(colours[i]);
            g.fillRect((i % 2) * tile, (i / 2) * tile, tile, tile);
        }
        g.dispose();
        ImageIO.write(atlas, "png", v.resolve("images.png").toFile());
        String[][] rows = {{"google", "1F34E", "red apple", "赤いリンゴ"}, {"twitter", "1F34E", "red apple", "赤いリンゴ"},
            {"google", "1F499", "blue heart", "青いハート"}, {"google", "1F332", "evergreen tree", "常緑樹"}};
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < rows.length; i++) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("index", i);
            m.put("vendor", rows[i][0]);
            m.put("unified", rows[i][1]);
            m.put("label", rows[i][2]);
            m.put("labelJa", rows[i][3]);
            m.put("captions", List.of(rows[i][2], rows[i][3]));
            b.append(JSON.writeValueAsString(m)).append('\n');
        }
        Files.writeString(v.resolve("captions.jsonl"), b.toString(), StandardCharsets.UTF_8);
    }

    static List<Map<String, Object>> records() throws Exception {
        List<Map<String, Object>> rs = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve(ReportWriter.RECORDS))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = JSON.readValue(line, Map.class);
            rs.add(m);
        }
        return rs;
    }

    @Test
    void writesTheReportPlotsAndRecordsAndNothingHalfWritten() throws Exception {
        assertEquals(0, run.code(), run.toString());
        assertEquals(out.resolve("report.md").toString(), run.out().trim());
        String md = Files.readString(out.resolve("report.md"));
        assertEquals(3, md.split("\\*\\*Verdict: ", -1).length - 1, md);
        assertTrue(md.contains("### Beyond the paper") && md.contains("`adaptive-online`"), md);
        assertTrue(md.contains("`./apprentice evaluate --models " + family + " --limit 4"), "the exact command is in the report");
        for (String png : List.of("generate-oracle.png", "generate-clip.png", "generate-fd.png", "generate-time.png", "edit-oracle.png",
                "edit-psnr.png")) {
            assertTrue(md.contains("![" + png + "](" + png + ")"), png);
            assertTrue(ImageIO.read(out.resolve(png).toFile()).getWidth() > 0, png);
        }
        try (Stream<Path> s = Files.list(out)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary file is left");
        }
        assertTrue(run.err().contains("calibrated in this run on"), "the family has no calibration.json: " + run.err());
        assertTrue(md.contains("| English | 2 |") && md.contains("| Japanese | 2 |"), "the claims' methods by prompt language");
    }

    @Test
    void recordsCoverEveryPromptAndMethodWithTheDefaultBilingualPrompts() throws Exception {
        List<Map<String, Object>> rs = records();
        long generate = rs.stream().filter(r -> r.get("task").equals("generate")).count();
        // student 1,2 + DDIM 2,4 + DPM 2 + refine-all n = 1,2 + per k (3): refine, regenerate, auto, best-of, online
        assertEquals(4 * (2 + 2 + 1 + 2 + 3 * 5), generate);
        assertEquals(3 * (3 + 3), rs.stream().filter(r -> r.get("task").equals("edit")).count());
        Map<Object, Object> prompts = new HashMap<>();
        rs.stream().filter(r -> r.get("task").equals("generate")).forEach(r -> prompts.put(r.get("prompt_index"), r.get("prompt")));
        assertEquals(List.of("red apple", "赤いリンゴ", "blue heart", "青いハート"),
                List.of(prompts.get(0), prompts.get(1), prompts.get(2), prompts.get(3)), "English and Japanese alternate, each emoji once");
        for (Map<String, Object> r : rs) {
            if (r.get("task").equals("edit")) {
                assertTrue(r.containsKey("psnr"), r.toString());
            }
        }
    }

    @Test
    void nfeInTheRecordsIsStudentStepsPlusTheTeacherStepsOfTheRoutedShare() throws Exception {
        List<Map<String, Object>> rs = records();
        for (double k : List.of(25.0, 50.0, 75.0)) {
            List<Map<String, Object>> at = rs.stream().filter(r -> r.get("method").equals(Methods.ADAPTIVE)
                    && ((Number) r.get("param")).doubleValue() == k).toList();
            assertEquals(4, at.size());
            long sent = at.stream().filter(r -> r.get("route").equals("refined")).count();
            double avg = at.stream().mapToInt(r -> ((Number) r.get("nfe")).intValue()).average().orElseThrow();
            // student 2 steps; teacher asked for int(2/0.5 + 1) = 5 steps at strength 0.5, of which int(2.5) = 2 run
            assertEquals(2 + sent / 4.0 * 2, avg, 1e-12, "k = " + k);
        }
    }

    @Test
    void theReportTablesAreComputedFromTheRecords() throws Exception {
        List<Map<String, Object>> rs = records();
        String md = Files.readString(out.resolve("report.md"));
        for (double k : List.of(25.0, 50.0, 75.0)) {
            List<Map<String, Object>> at = rs.stream().filter(r -> r.get("method").equals(Methods.ADAPTIVE)
                    && ((Number) r.get("param")).doubleValue() == k).toList();
            double nfe = at.stream().mapToDouble(r -> ((Number) r.get("nfe")).doubleValue()).average().orElseThrow();
            double score = at.stream().mapToDouble(r -> ((Number) r.get("score")).doubleValue()).average().orElseThrow();
            double share = 100.0 * at.stream().filter(r -> !r.get("route").equals("kept")).count() / at.size();
            String row = String.format(java.util.Locale.ROOT, "| adaptive-refine | k = %s | %.2f | %.1f%% | %.3f |", Claims.fmt(k), nfe, share,
                    score);
            assertTrue(md.contains(row), row + " in\n" + md);
        }
    }

    @Test
    void kOutsideTheOpenIntervalIsRefused() {
        for (String k : List.of("0", "100", "50,120")) {
            Result r = cli("evaluate", "--models", family.toString(), "--k", k, "-o", dir.resolve("bad-k").toString());
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().contains("is outside (0, 100)"), r.err());
            assertFalse(Files.exists(dir.resolve("bad-k")), "nothing is written");
        }
    }

    @Test
    void anEmptyPromptFileIsRefused() throws Exception {
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "\n   \n\n");
        Result r = cli("evaluate", "--models", family.toString(), "--prompts", empty.toString(), "-o", dir.resolve("bad-p").toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains(empty.toString()) && r.err().contains("no usable prompt"), r.err());
        assertFalse(Files.exists(dir.resolve("bad-p")));
    }

    @Test
    void aMissingFamilyIsNamed() {
        Result r = cli("evaluate", "--models", dir.resolve("nowhere").toString(), "-o", dir.resolve("bad-m").toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("nowhere"), r.err());
    }
}
