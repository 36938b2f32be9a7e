package apprentice.core.adaptive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.pipeline.PipelineFakes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationTest {
    final StudentSettings settings = new StudentSettings("emoji-student", 4, 8.0, "lcm", 64, 64, "", 1, Double.NaN);

    CalibrationFile file(double... scores) {
        return new CalibrationFile(settings, "clip-score:emoji-oracle", scores.length, "abc", "prompts.txt", 0, scores, "now");
    }

    @Test
    void tauIsNumpysLinearPercentile() {
        CalibrationFile c = file(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertEquals(5.5, c.tau(50), 1e-12);       // np.percentile(range(1, 11), 50)
        assertEquals(1.09, c.tau(1), 1e-12);       // 1 + 0.09
        assertEquals(9.91, c.tau(99), 1e-12);
        assertEquals(3.25, c.tau(25), 1e-12);
        double[] p = c.percentiles();
        assertEquals(99, p.length);
        for (int i = 1; i < p.length; i++) {
            assertTrue(p[i] >= p[i - 1]);
        }
    }

    @Test
    void kOutsideTheOpenIntervalIsRefused() {
        CalibrationFile c = file(1, 2, 3);
        for (double k : new double[] {0, 100, -5, 150, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.tau(k));
            assertTrue(e.getMessage().contains("strictly between 0 and 100"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new OnlineGate(k));
        }
        assertEquals(2.0, c.tau(50));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.gate(20, 30)).getMessage().contains("below k"));
    }

    @Test
    void eachDifferingSettingIsNamedWithBothValuesAndTheFix() {
        CalibrationFile c = file(1, 2, 3);
        c.checkCompatible(settings, "clip-score:emoji-oracle");
        assertEquals("calibration was made with student guidance 8.0 but generation uses 1.0: recalibrate with "
                        + "`apprentice calibrate --guidance 1.0` or generate with --guidance 8.0",
                message(c, new StudentSettings("emoji-student", 4, 1.0, "lcm", 64, 64, "", 1, Double.NaN), "clip-score:emoji-oracle"));
        assertContains(message(c, new StudentSettings("other", 4, 8.0, "lcm", 64, 64, "", 1, Double.NaN), "clip-score:emoji-oracle"),
                "student model emoji-student but generation uses other");
        assertContains(message(c, new StudentSettings("emoji-student", 2, 8.0, "lcm", 64, 64, "", 1, Double.NaN), "clip-score:emoji-oracle"),
                "student steps 4 but generation uses 2", "--steps 2");
        assertContains(message(c, new StudentSettings("emoji-student", 4, 8.0, "ddim", 64, 64, "", 1, Double.NaN), "clip-score:emoji-oracle"),
                "student scheduler lcm but generation uses ddim");
        assertContains(message(c, new StudentSettings("emoji-student", 4, 8.0, null, 64, 64, "", 1, Double.NaN), "clip-score:emoji-oracle"),
                "student scheduler lcm but generation uses model default");
        assertContains(message(c, new StudentSettings("emoji-student", 4, 8.0, "lcm", 128, 64, "", 1, Double.NaN), "clip-score:emoji-oracle"),
                "image size 64x64 but generation uses 128x64", "--size 128x64");
        assertContains(message(c, new StudentSettings("emoji-student", 4, 8.0, "lcm", 64, 64, "blurry", 1, Double.NaN), "clip-score:emoji-oracle"),
                "negative prompt '' but generation uses 'blurry'");
        assertContains(message(c, new StudentSettings("emoji-student", 4, 8.0, "lcm", 64, 64, "", 3, Double.NaN), "clip-score:emoji-oracle"),
                "best-of 1 but generation uses 3", "--best-of 3");
        assertContains(message(c, new StudentSettings("emoji-student", 4, 8.0, "lcm", 64, 64, "", 1, 0.6), "clip-score:emoji-oracle"),
                "made for text-to-image but generation uses edit strength 0.6");
        assertContains(message(c, settings, "image-reward:ir"), "oracle clip-score:emoji-oracle but generation uses image-reward:ir");
    }

    private static String message(CalibrationFile c, StudentSettings s, String oracle) {
        return assertThrows(IllegalArgumentException.class, () -> c.checkCompatible(s, oracle)).getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + message + "' should contain '" + p + "'");
        }
    }

    @Test
    void writeAndReadBack(@TempDir Path dir) throws Exception {
        CalibrationFile c = new CalibrationFile(settings.withBestOf(2).withNegativePrompt("x"), "o", 3, "hash", "p.txt", 42,
                new double[] {0.3, 0.1, 0.2}, "2026-01-01T00:00:00Z");
        Path f = dir.resolve("cal.json");
        c.write(f);
        CalibrationFile back = CalibrationFile.read(f);
        assertEquals(c, back);
        assertEquals(settings.withBestOf(2).withNegativePrompt("x"), back.student());
        String json = Files.readString(f);
        assertTrue(json.contains("\"50\" : 0.2"), json);
        Files.writeString(dir.resolve("bad.json"), "{\"format\":\"other\"}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CalibrationFile.read(dir.resolve("bad.json")))
                .getMessage().contains("not an apprentice calibration file"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CalibrationFile.read(dir.resolve("none.json")))
                .getMessage().contains("apprentice calibrate"));
    }

    @Test
    void calibrationScoresAreExactlyTheScoresTheGateSeesAtGeneration() {
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            prompts.add("p" + i + "@" + (i % 4) / 4.0);
        }
        StudentSettings s = StudentSettings.textToImage("fake", 3, 1.0, null, 8, 8).withBestOf(2);
        ScriptedOracle oracle = new ScriptedOracle();
        CalibrationFile c = new Calibrator(new StudentStage(new PipelineFakes(true).pipeline(), s), oracle, 4)
                .calibrate(prompts, "mem", 500);
        assertEquals(9, c.n());
        assertEquals(PromptFile.sha256(prompts), c.promptSha256());
        assertEquals(List.of(4, 4, 1).stream().map(x -> 2 * x).toList(), oracle.batchSizes, "best-of 2 candidates per prompt");
        AdaptivePipeline p = new AdaptivePipeline(new StudentStage(new PipelineFakes(true).pipeline(), s),
                new TeacherStage(new PipelineFakes(true).pipeline(), new TeacherSettings("t", 2, 1, null, 0.5, "")),
                new ScriptedOracle(), AdaptivePipeline.Options.defaults().withBatches(3, 3));
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            seeds.add(500L + i);
        }
        AdaptiveResult r = p.generate(prompts, seeds, c.gate(50, Double.NaN));
        double[] seen = r.images().stream().mapToDouble(i -> i.record().score()).toArray();
        assertArrayEquals(c.scores(), seen, 0.0);
        c.checkCompatible(p.studentSettings(), "scripted");
    }
}
