package apprentice.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.app.metrics.SampleGrid;
import apprentice.core.eval.ClipScore;
import apprentice.core.eval.NearestReal;
import apprentice.core.eval.Psnr;
import apprentice.core.eval.ValidationSet;
import apprentice.core.eval.ZeroShot;
import apprentice.core.pipeline.DiffusionPipeline;
import apprentice.core.pipeline.GenerationRequest;
import apprentice.core.adaptive.PixelImages;
import apprentice.core.pipeline.ModelComponents;
import apprentice.core.tensor.Tensor;
import apprentice.onnx.oracle.ClipScoreOracle;
import apprentice.onnx.runtime.OnnxModelFolder;
import apprentice.onnx.runtime.RuntimeOptions;
import apprentice.onnx.synth.SyntheticClipFolder;
import apprentice.onnx.synth.SyntheticModelFolder;
import apprentice.onnx.synth.SyntheticSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code apprentice metrics} end to end on a synthetic family (tiny teacher, LCM student, CLIP oracle, 6-image validation set). */
class MetricsCommandTest {
    @TempDir
    static Path dir;
    static Path family;
    static AppEnvironment env;
    static RuntimeOptions cpu;
    static final String[] LABELS = {"red apple", "blue heart", "red apple", "green tree", "blue heart", "fox"};
    /** Real images of trained labels: two of cat face and sun, none of ghost, one of a label not prompted. */
    static final String[] REFERENCE_LABELS = {"cat face", "sun", "cat face", "moon", "sun"};

    @BeforeAll
    static void familyFolder() throws Exception {
        family = dir.resolve("family");
        AdaptiveCommandsTest.copy(TinyModel.folder(), family.resolve("teacher"));
        SyntheticModelFolder.write(family.resolve("student"),
                SyntheticSpec.tiny().withSeed(11).withScheduler("LCMScheduler", "epsilon").withTimestepCond(32));
        SyntheticClipFolder.write(family.resolve("oracle"), 13);
        writeValidation(family.resolve("validation"));
        writeAtlas(family.resolve("reference"), REFERENCE_LABELS, 9);
        // the trained labels of the recognition rows (a repeated line counts once)
        Files.writeString(family.resolve("calibration-prompts.txt"), "# trained\ncat face\nsun\nghost\nsun\n");
        env = new AppEnvironment(false, dir.resolve("home"), dir.resolve("cache"));
        cpu = RuntimeOptions.defaults().withThreads(1, 1);
    }

    /** 6 smooth random 64×64 images in 4 columns, alternating vendors; image 5 has no Japanese label. */
    static void writeValidation(Path v) throws Exception {
        writeAtlas(v, LABELS, 4);
    }

    /** Smooth random 64×64 images, one per label, in 4 columns, alternating vendors; the last has no Japanese label. */
    static void writeAtlas(Path v, String[] labels, long seed) throws Exception {
        Files.createDirectories(v);
        int count = labels.length;
        int rowsOfTiles = (count + 3) / 4;
        BufferedImage atlas = new BufferedImage(4 * 64, rowsOfTiles * 64, BufferedImage.TYPE_INT_RGB);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 4 * rowsOfTiles; i++) {
            int base = i < count ? r.nextInt(0xFFFFFF) : 0xFFFFFF;
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    int shade = i < count ? ((x + y) * 2) & 0x3F : 0;
                    int rgb = (Math.min(255, ((base >> 16) & 255) + shade) << 16) | (((base >> 8) & 255) << 8) | (base & 255);
                    atlas.setRGB((i % 4) * 64 + x, (i / 4) * 64 + y, rgb);
                }
            }
        }
        ImageIO.write(atlas, "png", v.resolve(ValidationSet.IMAGES).toFile());
        Files.writeString(v.resolve(ValidationSet.ATLAS), "{\"tile\": 64, \"columns\": 4, \"count\": " + count + "}");
        StringBuilder rows = new StringBuilder();
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < count; i++) {
            var n = json.createObjectNode();
            n.put("index", i);
            n.put("vendor", i % 2 == 0 ? "google" : "twitter");
            n.put("unified", "1F60" + i);
            n.put("label", labels[i]);
            if (i == count - 1) {
                n.putNull("labelJa");
            } else {
                n.put("labelJa", "ラベル " + labels[i]);
            }
            n.putArray("captions").add(labels[i]).add(labels[i] + ", tag");
            rows.append(json.writeValueAsString(n)).append('\n');
        }
        Files.writeString(v.resolve(ValidationSet.CAPTIONS), rows, StandardCharsets.UTF_8);
    }

    @Test
    void writesTheReportWhoseNumbersMatchAnIndependentComputation() throws Exception {
        Path out = dir.resolve("metrics");
        CliRun r = CliRun.in(env, "metrics", "--models", family.toString(), "--out", out.toString(), "--limit", "5",
                "--teacher-steps", "3", "--student-steps", "1,2", "--batch", "2", "--seed", "7", "--threads", "1");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode j = new ObjectMapper().readTree(out.resolve("family.json").toFile());
        assertTrue(j.get("command").asText().startsWith("./apprentice metrics --models "), j.get("command").asText());
        assertEquals(5, j.get("images").asInt());
        assertEquals(6, j.get("validationImages").asInt());
        assertEquals(16, j.get("embeddingDim").asInt());

        ValidationSet validation = ValidationSet.load(family.resolve("validation"));
        Tensor real = validation.images(0, 5);
        try (ModelComponents teacher = OnnxModelFolder.load(family.resolve("teacher"), cpu);
             ClipScoreOracle oracle = ClipScoreOracle.open(family.resolve("oracle"), cpu)) {
            // autoencoder PSNR: the same encode-mean/decode round trip done here
            Tensor recon = teacher.vae().decode(teacher.vae().encode(real).mean());
            double mean = java.util.Arrays.stream(Psnr.perImage(real, recon)).average().orElseThrow();
            assertEquals(mean, j.at("/autoencoder/meanPsnrDb").asDouble(), 1e-6);
            assertTrue(j.at("/autoencoder/worstPsnrDb").asDouble() <= mean);
            // the real images' own CLIP score with their English labels
            float[] img = oracle.imageEmbeddings(PixelImages.quantise(real));
            float[] txt = oracle.textEmbeddings(List.of(LABELS).subList(0, 5));
            JsonNode realEn = j.at("/rows/0");
            assertEquals("real validation images", realEn.get("name").asText());
            assertEquals(ClipScore.mean(img, txt, 16), realEn.get("clipScore").asDouble(), 1e-4);
        }

        JsonNode zs = j.get("zeroShot");
        assertEquals(2, zs.size());
        assertEquals(4, zs.get(0).get("classes").asInt(), "4 distinct English labels in the whole set");
        assertEquals(5, zs.get(0).get("images").asInt());
        assertEquals(5, zs.get(1).get("images").asInt(), "the first 5 all have Japanese labels");
        for (JsonNode z : zs) {
            assertTrue(z.get("top1").asDouble() <= z.get("top5").asDouble());
            // top-5 of 4 classes always hits
            assertEquals(1.0, z.get("top5").asDouble(), 0.0);
        }
        assertTrue(j.get("vendorFrechetDistance").asDouble() >= 0, "3 google and 2 twitter images");

        JsonNode rows = j.get("rows");
        assertEquals(8, rows.size(), "per language: real, teacher, student 1, student 2");
        String[] names = {"real validation images", "teacher DDIM 3", "student LCM 1", "student LCM 2"};
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            assertEquals(names[i % 4], row.get("name").asText());
            assertEquals(i < 4 ? "en" : "ja", row.get("language").asText());
            double clip = row.get("clipScore").asDouble();
            assertTrue(clip >= 0 && clip <= 100, row.toString());
            if (i % 4 == 0) {
                assertTrue(row.get("frechetDistance").isNull());
                continue;
            }
            double fd = row.get("frechetDistance").asDouble();
            assertTrue(Double.isFinite(fd) && fd > 0, "generated images are not the real ones: " + row);
            assertTrue(row.get("medianSecondsPerImage").asDouble() > 0, row.toString());
            boolean teacherRow = i % 4 == 1;
            assertEquals(teacherRow ? 3 : i % 4 - 1, row.get("nfe").asInt(), row.toString());
            assertEquals(teacherRow, row.get("classifierFreeGuidance").asBoolean(), "the LCM student embeds guidance instead");
            assertEquals(teacherRow ? "ddim" : "lcm", row.get("scheduler").asText());
        }
        // the student's 1- and 2-step images differ, so their scores do
        assertFalse(rows.get(2).get("clipScore").asDouble() == rows.get(3).get("clipScore").asDouble());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            double top1 = row.get("recognitionTop1").asDouble();
            assertTrue(top1 >= 0 && top1 <= row.get("recognitionTop5").asDouble(), row.toString());
            assertEquals(1.0, row.get("recognitionTop5").asDouble(), 0.0, "4 English / 3 Japanese labels: top-5 always hits");
        }
        assertEquals(zs.get(0).get("top1").asDouble(), rows.get(0).get("recognitionTop1").asDouble(), 0.0,
                "the real images' recognition is the oracle's zero-shot accuracy");

        // recognition on trained labels, recomputed here for the 1-step student: its images for cat face, sun, ghost
        // with seeds 7, 8, 9, classified by the oracle among those three labels, and matched with the reference images
        JsonNode trained = j.get("trained");
        assertEquals(4, trained.size(), "the reference images, then one row per sampler");
        List<String> trainedLabels = List.of("cat face", "sun", "ghost");
        try (ModelComponents student = OnnxModelFolder.load(family.resolve("student"), cpu);
             ClipScoreOracle oracle = ClipScoreOracle.open(family.resolve("oracle"), cpu)) {
            Tensor images = new DiffusionPipeline(student).generate(GenerationRequest.builder().prompts(trainedLabels)
                    .seeds(List.of(7L, 8L, 9L)).steps(1).guidanceScale(7.5).scheduler("lcm")
                    .size(student.defaultImageSize(), student.defaultImageSize()).build()).images();
            float[] img = oracle.imageEmbeddings(PixelImages.quantise(images));
            float[] txt = oracle.textEmbeddings(trainedLabels);
            JsonNode lcm1 = trained.get(2);
            assertEquals("student LCM 1", lcm1.get("name").asText());
            assertEquals(3, lcm1.get("images").asInt());
            assertEquals(3, lcm1.get("classes").asInt());
            assertEquals(ZeroShot.topK(img, txt, 16, new int[] {0, 1, 2}, 1), lcm1.get("recognitionTop1").asDouble(), 1e-9);
            assertEquals(ClipScore.mean(img, txt, 16), lcm1.get("clipScore").asDouble(), 1e-4);

            // reference images 0, 2 (cat face) and 1, 4 (sun); "moon" is not a prompt and ghost has no real image, so
            // only the cat face and sun images are matched, against those four real images
            ValidationSet reference = ValidationSet.load(family.resolve("reference"));
            float[] realAll = oracle.imageEmbeddings(PixelImages.quantise(reference.images(0, 5)));
            float[] refs = new float[4 * 16];
            int[] realClass = {0, 1, 0, 1};
            int[] picked = {0, 1, 2, 4};
            for (int k = 0; k < 4; k++) {
                System.arraycopy(realAll, picked[k] * 16, refs, k * 16, 16);
            }
            float[] queries = java.util.Arrays.copyOf(img, 2 * 16);
            assertEquals(2, lcm1.get("nearestRealImages").asInt());
            assertEquals(NearestReal.topK(queries, refs, 16, realClass, 3, new int[] {0, 1}, 1, false),
                    lcm1.get("nearestRealTop1").asDouble(), 1e-9);
            JsonNode realRow = trained.get(0);
            assertEquals("real reference images", realRow.get("name").asText());
            assertTrue(realRow.get("model").isNull());
            assertEquals(4, realRow.get("images").asInt());
            assertEquals(ZeroShot.topK(refs, txt, 16, realClass, 1), realRow.get("recognitionTop1").asDouble(), 1e-9);
            assertEquals(NearestReal.topK(refs, refs, 16, realClass, 3, realClass, 1, true),
                    realRow.get("nearestRealTop1").asDouble(), 1e-9);
        }

        BufferedImage grid = ImageIO.read(out.resolve("grid.png").toFile());
        // rows: the 4 distinct English labels, then the Japanese labels of the 3 that have one (fox has none), then
        // the 8 trained labels (none is in this validation set) in English and Japanese;
        // columns: the label column, then real + 3 samplers
        assertEquals(220 + 4 * 128, grid.getWidth());
        assertEquals(24 + (7 + 2 * SampleGrid.TRAINED_LABELS.size()) * 128, grid.getHeight());
        // the real column of trained rows: cat face (trained row 4, English and Japanese) shows reference image 0, red
        // heart (row 1) has no reference image and stays white
        int catFace = 7 + 3;
        int catFaceJa = 7 + SampleGrid.TRAINED_LABELS.size() + 3;
        BufferedImage catReal = ValidationSet.load(family.resolve("reference")).image(0);
        assertEquals(catReal.getRGB(32, 32) & 0xFFFFFF, grid.getRGB(220 + 64, 24 + catFace * 128 + 64) & 0xFFFFFF);
        assertEquals(catReal.getRGB(32, 32) & 0xFFFFFF, grid.getRGB(220 + 64, 24 + catFaceJa * 128 + 64) & 0xFFFFFF);
        assertEquals(0xFFFFFF, grid.getRGB(220 + 64, 24 + 7 * 128 + 64) & 0xFFFFFF);
        String md = Files.readString(out.resolve("family.md"));
        assertTrue(md.contains("| student LCM 2 | Japanese labels | 5 |"), md);
        assertTrue(md.contains("## Samplers on trained emoji") && md.contains("| teacher DDIM 3 | 3 |"), md);
        assertTrue(md.contains("nearest real top-1") && md.contains("| real reference images | 4 |"), md);
        assertTrue(md.contains(j.get("command").asText()), "family.md names the command that made it");
        assertTrue(md.contains("[ja, held out] ラベル green tree"), "grid rows listed with their prompts: " + md);
        assertTrue(md.contains("[en, trained] red heart") && md.contains("[ja, trained] 赤いハート"), md);
    }

    @Test
    void trainedRowsCanBeLeftOutAndAMissingListIsBadInput() throws Exception {
        Path out = dir.resolve("m5");
        CliRun none = CliRun.in(env, "metrics", "--models", family.toString(), "--out", out.toString(), "--limit", "2",
                "--teacher-steps", "1", "--student-steps", "1", "--languages", "en", "--trained-prompts", "none",
                "--threads", "1");
        assertEquals(0, none.exitCode(), none.toString());
        JsonNode j = new ObjectMapper().readTree(out.resolve("family.json").toFile());
        assertEquals(0, j.get("trained").size());
        assertFalse(Files.readString(out.resolve("family.md")).contains("trained emoji"));
        CliRun missing = CliRun.in(env, "metrics", "--models", family.toString(), "--out", dir.resolve("m6").toString(),
                "--trained-prompts", dir.resolve("nope.txt").toString());
        assertEquals(ExitCodes.BAD_INPUT, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("--trained-prompts") && missing.err().contains("nope.txt"), missing.err());
        assertFalse(Files.exists(dir.resolve("m6").resolve("family.json")), "nothing written");
    }

    @Test
    void aMissingReferenceSetIsBadInputAndNoneLeavesItOut() throws Exception {
        CliRun missing = CliRun.in(env, "metrics", "--models", family.toString(), "--out", dir.resolve("m7").toString(),
                "--reference", dir.resolve("noref").toString());
        assertEquals(ExitCodes.BAD_INPUT, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("--reference") && missing.err().contains("noref"), missing.err());
        Path out = dir.resolve("m8");
        CliRun none = CliRun.in(env, "metrics", "--models", family.toString(), "--out", out.toString(), "--limit", "2",
                "--teacher-steps", "1", "--student-steps", "1", "--languages", "en", "--reference", "none", "--threads", "1");
        assertEquals(0, none.exitCode(), none.toString());
        JsonNode j = new ObjectMapper().readTree(out.resolve("family.json").toFile());
        assertEquals(2, j.get("trained").size(), "teacher and student rows, no real row");
        assertTrue(j.get("trained").get(0).get("nearestRealTop1").isNull());
        assertTrue(j.get("reference").isNull());
    }

    @Test
    void aMissingValidationSetIsBadInput() {
        CliRun r = CliRun.in(env, "metrics", "--models", family.toString(), "--validation", dir.resolve("nope").toString(),
                "--out", dir.resolve("m2").toString());
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
        assertTrue(r.err().contains("validation set folder not found"), r.err());
    }

    @Test
    void aLimitTooSmallForTheFrechetDistanceIsBadInput() {
        CliRun r = CliRun.in(env, "metrics", "--models", family.toString(), "--limit", "1", "--out", dir.resolve("m3").toString());
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--limit 1"), r.err());
    }

    @Test
    void aFamilyWithoutAStudentIsBadInput() throws Exception {
        Path half = dir.resolve("half");
        AdaptiveCommandsTest.copy(TinyModel.folder(), half.resolve("teacher"));
        CliRun r = CliRun.in(env, "metrics", "--models", half.toString(), "--out", dir.resolve("m4").toString());
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
        assertTrue(r.err().contains("no student model"), r.err());
    }
}
