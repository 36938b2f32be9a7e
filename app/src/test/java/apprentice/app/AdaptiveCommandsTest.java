package apprentice.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.adaptive.CalibrationFile;
import apprentice.core.image.PngMetadata;
import apprentice.onnx.synth.SyntheticClipFolder;
import apprentice.onnx.synth.SyntheticModelFolder;
import apprentice.onnx.synth.SyntheticSpec;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code calibrate}, {@code generate --adaptive} and {@code edit} in-process on synthetic student, teacher and oracle folders. */
class AdaptiveCommandsTest {
    @TempDir
    static Path dir;
    static AppEnvironment env;
    static Path student;
    static Path teacher;
    static Path oracle;
    static Path prompts;
    static Path calibration;

    @BeforeAll
    static void models() throws Exception {
        env = new AppEnvironment(false, dir.resolve("home"), dir.resolve("cache"));
        student = dir.resolve("student");
        SyntheticModelFolder.write(student, SyntheticSpec.tiny().withSeed(11).withScheduler("LCMScheduler", "epsilon").withTimestepCond(32));
        teacher = TinyModel.folder();
        oracle = dir.resolve("oracle");
        SyntheticClipFolder.write(oracle, 13);
        prompts = dir.resolve("prompts.csv");
        Files.writeString(prompts, "id,caption\n1,a red apple\n2,\"broken\n3,a smiling face\n4,a fox\n5,blue heart\n6,green tree\n");
        calibration = dir.resolve("cal.json");
        CliRun r = CliRun.in(env, "calibrate", "--prompts", prompts.toString(), "--model", student.toString(), "--oracle",
                oracle.toString(), "--steps", "2", "--guidance", "1", "-o", calibration.toString());
        assertEquals(0, r.exitCode(), r.toString());
    }

    static List<Path> pngs(Path out) throws Exception {
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
    }

    @Test
    void calibrateReportsSkippedLinesAndWritesTheSettings() {
        CalibrationFile c = CalibrationFile.read(calibration);
        assertEquals(5, c.n());
        assertEquals(2, c.student().steps());
        assertEquals(1.0, c.student().guidanceScale());
        assertEquals("student", c.student().model());
        assertEquals("clip-score:oracle", c.oracle());
        CliRun again = CliRun.in(env, "calibrate", "--prompts", prompts.toString(), "--model", student.toString(), "--oracle",
                oracle.toString(), "--steps", "2", "--guidance", "1", "-o", dir.resolve("cal2.json").toString());
        assertTrue(again.err().contains("skipped " + prompts + " line 3: unbalanced quote"), again.toString());
        assertTrue(again.err().contains("percentiles 10/25/50/75/90"), again.toString());
        assertEquals(c.scores().length, CalibrationFile.read(dir.resolve("cal2.json")).scores().length);
        assertEquals(java.util.Arrays.toString(c.scores()),
                java.util.Arrays.toString(CalibrationFile.read(dir.resolve("cal2.json")).scores()), "seeded: same scores");
    }

    private CliRun generate(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("generate", "--adaptive", "--model", student.toString(), "--teacher",
                teacher.toString(), "--oracle", oracle.toString(), "--steps", "2", "--guidance", "1", "--teacher-steps", "2",
                "--teacher-guidance", "3", "--refine-strength", "0.5", "--seed", "5", "-o", out.toString()));
        args.addAll(List.of(extra));
        return CliRun.in(env, args.toArray(String[]::new));
    }

    @Test
    void adaptiveGenerateWritesRoutesIntoPngsAndTheLog() throws Exception {
        Path out = dir.resolve("gen");
        CliRun r = generate(out, "--calibration", calibration.toString(), "--k", "50", "a red apple", "a smiling face", "a fox",
                "blue heart", "green tree", "yellow star");
        assertEquals(0, r.exitCode(), r.toString());
        List<Path> files = pngs(out);
        assertEquals(6, files.size());
        double tau = CalibrationFile.read(calibration).tau(50);
        int sent = 0;
        for (Path f : files) {
            Map<String, Object> m = PngMetadata.read(f).json();
            @SuppressWarnings("unchecked")
            Map<String, Object> a = (Map<String, Object>) m.get("adaptive");
            double score = ((Number) a.get("oracle_score")).doubleValue();
            assertEquals(tau, ((Number) a.get("tau")).doubleValue(), 1e-12);
            String route = (String) a.get("route");
            assertEquals(score >= tau ? "kept" : "refined", route, f.toString());
            if (route.equals("refined")) {
                sent++;
                assertEquals(5, a.get("teacher_steps_requested"), "int(2/0.5 + 1)");
                assertEquals(4, a.get("nfe"), "2 student + 2 teacher steps");
            }
            assertEquals("calibrated", a.get("gate"));
            assertTrue(String.valueOf(m.get("strength_convention")).contains("diffusers img2img strength"));
        }
        List<String> log = Files.readAllLines(out.resolve("adaptive-log.jsonl"));
        assertEquals(6, log.size());
        Map<?, ?> first = new ObjectMapper().readValue(log.get(0), Map.class);
        assertTrue(first.containsKey("file") && first.containsKey("route") && first.containsKey("wall_time"), log.get(0));
        assertTrue(r.err().contains("6 images: " + (6 - sent) + " kept, " + sent + " refined"), r.err());
    }

    @Test
    void aCalibrationWithOtherSettingsIsRefusedNamingTheSetting() throws Exception {
        CliRun r = CliRun.in(env, "generate", "--adaptive", "--model", student.toString(), "--teacher", teacher.toString(),
                "--oracle", oracle.toString(), "--steps", "2", "--guidance", "3", "--calibration", calibration.toString(),
                "-o", dir.resolve("refused").toString(), "a fox");
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
        assertTrue(r.err().contains("student guidance 1.0 but generation uses 3.0: recalibrate with `apprentice calibrate --guidance 3.0`"),
                r.err());
        CliRun k = generate(dir.resolve("k"), "--k", "100", "a fox");
        assertEquals(ExitCodes.BAD_INPUT, k.exitCode());
        assertTrue(k.err().contains("--k 100.0 is outside (0, 100)"), k.err());
        CliRun both = generate(dir.resolve("both"), "--refine-variance", "0.7", "a fox");
        assertEquals(ExitCodes.BAD_INPUT, both.exitCode());
        assertTrue(both.err().contains("give one of them"), both.err());
        CliRun nfe = generate(dir.resolve("nfe"), "--calibration", calibration.toString(), "--target-nfe", "9", "a fox");
        assertEquals(ExitCodes.BAD_INPUT, nfe.exitCode());
        assertTrue(nfe.err().contains("not reachable"), nfe.err());
    }

    @Test
    void targetNfeChoosesKAndOnlineGateRunsWithoutCalibration() throws Exception {
        Path out = dir.resolve("online");
        CliRun r = generate(out, "--target-nfe", "3", "--count", "4", "a fox", "blue heart");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().contains("k = 50.00%"), r.err());
        assertTrue(r.err().contains("online gate: target 50.0%"), r.err());
        assertEquals(8, pngs(out).size());
    }

    @Test
    void autoModeWithTheVarianceConvention() throws Exception {
        Path out = dir.resolve("auto");
        CliRun r = CliRun.in(env, "generate", "--adaptive", "--model", student.toString(), "--teacher", teacher.toString(),
                "--oracle", oracle.toString(), "--steps", "2", "--guidance", "1", "--teacher-steps", "2", "--refine-variance", "0.7",
                "--mode", "auto", "--k", "60", "--regenerate-below", "30", "--seed", "9", "-o", out.toString(), "--count", "2",
                "a fox", "blue heart");
        assertEquals(0, r.exitCode(), r.toString());
        double strength = apprentice.core.adaptive.StrengthConvention.strengthForVariance(0.7,
                apprentice.core.scheduler.TrainSchedule.from(apprentice.core.scheduler.SchedulerConfig.read(
                        teacher.resolve("scheduler/scheduler_config.json"))));
        assertTrue(r.err().contains(String.format(java.util.Locale.ROOT, "= diffusers strength %.3f", strength)), r.err());
        for (Path f : pngs(out)) {
            Map<String, Object> m = PngMetadata.read(f).json();
            assertEquals(strength, ((Number) m.get("refine_strength")).doubleValue(), 1e-12);
            @SuppressWarnings("unchecked")
            Map<String, Object> a = (Map<String, Object>) m.get("adaptive");
            String route = (String) a.get("route");
            assertTrue(List.of("kept", "refined", "regenerated").contains(route));
            if (route.equals("regenerated")) {
                assertEquals(2, a.get("teacher_steps_requested"), "regeneration asks for n steps");
            }
            if (route.equals("refined")) {
                assertEquals(TeacherStepsCheck.requested(2, strength), a.get("teacher_steps_requested"));
            }
        }
    }

    /** int(n/σ + 1), computed independently of the production code. */
    static final class TeacherStepsCheck {
        static int requested(int n, double sigma) {
            return (int) Math.floor(n / sigma + 1);
        }
    }

    @Test
    void editRecordsPsnrAndRefinesRejectedEdits() throws Exception {
        Path out = dir.resolve("edit");
        Path input = dir.resolve("in.png");
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, (x * 4) << 16 | (y * 4) << 8 | 128);
            }
        }
        javax.imageio.ImageIO.write(img, "png", input.toFile());
        CliRun r = CliRun.in(env, "edit", "--image", input.toString(), "--model", student.toString(), "--teacher", teacher.toString(),
                "--oracle", oracle.toString(), "--steps", "5", "--guidance", "1", "--teacher-steps", "2", "--tau", "20", "--seed", "1",
                "-o", out.toString(), "make it red", "make it blue");
        assertEquals(0, r.exitCode(), r.toString());
        for (Path f : pngs(out)) {
            Map<String, Object> m = PngMetadata.read(f).json();
            @SuppressWarnings("unchecked")
            Map<String, Object> a = (Map<String, Object>) m.get("adaptive");
            assertTrue(a.get("psnr_to_input_db") instanceof Number, a.toString());
            assertEquals("adaptive edit", m.get("mode"));
            assertEquals(0.6, m.get("edit_strength"));
            // an LCM student edits as diffusers' LatentConsistencyModelImg2ImgPipeline: all 5 steps, starting near 0.6·T
            assertEquals(5, a.get("student_nfe"));
            double score = ((Number) a.get("oracle_score")).doubleValue();
            assertEquals(score >= 20 ? "kept" : "refined", a.get("route"));
        }
    }

    @Test
    void generateBecomesAdaptiveOnACompleteBuiltInFamily() throws Exception {
        Path home = dir.resolve("family-home");
        Path family = home.resolve("models/emoji");
        copy(student, family.resolve("student"));
        copy(teacher, family.resolve("teacher"));
        copy(oracle, family.resolve("oracle"));
        Files.writeString(family.resolve("teacher/generation_config.json"), "{\"guidance_scale\": 2.0}");
        AppEnvironment fam = new AppEnvironment(false, home, dir.resolve("cache"));
        CliRun cal = CliRun.in(fam, "calibrate", "--prompts", prompts.toString(), "--guidance", "1",
                "-o", family.resolve("calibration.json").toString());
        assertEquals(0, cal.exitCode(), cal.toString());
        Path out = dir.resolve("default");
        CliRun r = CliRun.in(fam, "generate", "--guidance", "1", "--teacher-steps", "2", "--seed", "3", "-o", out.toString(), "a fox");
        assertEquals(0, r.exitCode(), r.toString());
        Map<String, Object> m = PngMetadata.read(pngs(out).get(0)).json();
        assertEquals("adaptive text-to-image", m.get("mode"));
        assertTrue(String.valueOf(m.get("calibration")).endsWith("calibration.json"));
        assertEquals(2.0, ((Number) m.get("teacher_guidance")).doubleValue(), "the teacher folder's recommended guidance");
        assertEquals(1.0, ((Number) m.get("student_guidance")).doubleValue(), "the student's, given on the command line");
        Path plain = dir.resolve("plain");
        CliRun p = CliRun.in(fam, "generate", "--no-adaptive", "--guidance", "1", "--seed", "3", "-o", plain.toString(), "a fox");
        assertEquals(0, p.exitCode(), p.toString());
        assertEquals("text-to-image", PngMetadata.read(pngs(plain).get(0)).json().get("mode"));
    }

    static void copy(Path src, Path target) throws Exception {
        try (var walk = Files.walk(src)) {
            for (Path p : walk.toList()) {
                Path t = target.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
