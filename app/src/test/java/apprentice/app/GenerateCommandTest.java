package apprentice.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.image.Images;
import apprentice.core.image.Npy;
import apprentice.core.image.PngMetadata;
import apprentice.core.noise.TorchGenerator;
import apprentice.core.tensor.Tensor;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code apprentice generate} in-process on a tiny synthesised model (64×64 images, VAE factor 8). */
class GenerateCommandTest {
    @TempDir
    Path dir;
    AppEnvironment env;
    Path out;
    String model;

    @BeforeEach
    void setUp() {
        env = new AppEnvironment(false, dir.resolve("home"), dir.resolve("cache"));
        out = dir.resolve("out");
        model = TinyModel.folder().toString();
    }

    private CliRun generate(String... args) {
        List<String> all = new ArrayList<>(List.of("generate", "--model", model, "-o", out.toString(), "--steps", "2"));
        all.addAll(List.of(args));
        return CliRun.in(env, all.toArray(String[]::new));
    }

    private List<Path> written(String ext) throws Exception {
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> p.toString().endsWith(ext)).sorted().toList();
        }
    }

    private long filesInOutput() throws Exception {
        if (!Files.isDirectory(out)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(out)) {
            return s.count();
        }
    }

    /** Points the runs at a copy of the tiny model whose folder holds {@code json} as its generation_config.json. */
    private void useModelWithGenerationConfig(String json) throws Exception {
        Path folder = TinyModel.copy(dir.resolve("with-generation-config"));
        Files.writeString(folder.resolve("generation_config.json"), json);
        model = folder.toString();
    }

    @Test
    void theModelFoldersRecommendedGuidanceIsTheDefaultAndAnExplicitGuidanceWins() throws Exception {
        useModelWithGenerationConfig("{\"guidance_scale\": 2.5}");
        CliRun r = generate("a cat", "--seed", "1");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(2.5, ((Number) PngMetadata.read(written(".png").get(0)).json().get("guidance_scale")).doubleValue());

        out = dir.resolve("explicit");
        CliRun g = generate("a cat", "--seed", "1", "-g", "4");
        assertEquals(0, g.exitCode(), g.toString());
        assertEquals(4.0, ((Number) PngMetadata.read(written(".png").get(0)).json().get("guidance_scale")).doubleValue());
    }

    @Test
    void aMalformedGenerationConfigIsBadInputNamingTheFile() throws Exception {
        useModelWithGenerationConfig("{\"guidance_scale\": \"high\"}");
        CliRun r = generate("a cat", "--seed", "1");
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
        assertTrue(r.err().contains("generation_config.json: guidance_scale is \"high\", not a number"), r.err());
        assertEquals(0, written(".png").size(), "nothing written");
    }

    @Test
    void writesPngAndSidecarWhoseMetadataRoundTripsEveryParameter() throws Exception {
        CliRun r = generate("a cat", "-n", "blurry, dark", "--seed", "7", "-s", "euler", "-g", "3", "--size", "64x64");
        assertEquals(0, r.exitCode(), r.toString());
        List<Path> pngs = written(".png");
        assertEquals(1, pngs.size(), r.toString());
        assertEquals(pngs.get(0).toString(), r.out().strip(), "stdout lists the written file");
        assertTrue(pngs.get(0).getFileName().toString().matches("\\d{8}-\\d{6}-7-0\\.png"), pngs.toString());

        Map<String, Object> png = PngMetadata.read(pngs.get(0)).json();
        assertEquals("a cat", png.get("prompt"));
        assertEquals("blurry, dark", png.get("negative_prompt"));
        assertEquals(7, ((Number) png.get("seed")).intValue());
        assertEquals(TinyModel.folder().toAbsolutePath().normalize().toString(), png.get("model_path"));
        assertEquals("EulerDiscreteScheduler", png.get("scheduler"));
        assertEquals("euler", png.get("scheduler_requested"));
        assertEquals(2, ((Number) png.get("steps")).intValue());
        assertEquals(3.0, ((Number) png.get("guidance_scale")).doubleValue());
        assertEquals(true, png.get("guidance_applied"));
        assertEquals(64, ((Number) png.get("width")).intValue());
        assertEquals(64, ((Number) png.get("height")).intValue());
        assertEquals("text-to-image", png.get("mode"));
        assertEquals(2, ((Number) png.get("nfe")).intValue());
        assertTrue(png.get("timings") instanceof Map<?, ?> t && t.containsKey("outside_onnx_runtime_share"), png.toString());
        assertFalse(png.containsKey("strength"), "text-to-image records no strength");

        @SuppressWarnings("unchecked")
        Map<String, Object> sidecar = new ObjectMapper().readValue(
                Files.readString(out.resolve(pngs.get(0).getFileName().toString().replace(".png", ".json"))), Map.class);
        assertEquals(png, sidecar, "the sidecar holds the same record as the PNG");
        String summary = PngMetadata.read(pngs.get(0)).parameters().orElseThrow();
        assertTrue(summary.startsWith("a cat\nNegative prompt: blurry, dark\n"), summary);
        assertTrue(summary.contains("Seed: 7"), summary);
    }

    @Test
    void sameSeedGivesIdenticalImagesAndReproducibleFilesAreByteIdentical() throws Exception {
        assertEquals(0, generate("a dog", "--seed", "11", "--reproducible").exitCode());
        assertEquals(0, generate("a dog", "--seed", "11", "--reproducible").exitCode());
        assertEquals(0, generate("a dog", "--seed", "12", "--reproducible").exitCode());
        List<Path> pngs = written(".png");
        assertEquals(3, pngs.size(), "a second run with the same seed must not overwrite the first: " + pngs);
        List<Path> seed11 = pngs.stream().filter(p -> p.getFileName().toString().contains("-11-")).toList();
        Path seed12 = pngs.stream().filter(p -> p.getFileName().toString().contains("-12-")).findFirst().orElseThrow();
        assertEquals(2, seed11.size(), pngs.toString());
        assertArrayEquals(Files.readAllBytes(seed11.get(0)), Files.readAllBytes(seed11.get(1)));
        assertFalse(java.util.Arrays.equals(pixels(seed11.get(0)), pixels(seed12)), "another seed, another image");
        assertFalse(PngMetadata.read(seed11.get(0)).json().containsKey("timings"));
        assertTrue(Files.readString(JsonSidecarPath.of(seed11.get(0))).contains("timings"), "the sidecar keeps timings");
    }

    @Test
    void sameSeedWithoutReproducibleStillGivesIdenticalPixels() throws Exception {
        assertEquals(0, generate("a dog", "--seed", "11").exitCode());
        assertEquals(0, generate("a dog", "--seed", "11").exitCode());
        List<Path> pngs = written(".png");
        assertEquals(2, pngs.size());
        assertArrayEquals(pixels(pngs.get(0)), pixels(pngs.get(1)));
    }

    @Test
    void batchOfPromptsAndCountGivesConsecutiveSeeds() throws Exception {
        CliRun r = generate("a cat", "a dog", "--count", "2", "--seed", "100", "--progress", "plain");
        assertEquals(0, r.exitCode(), r.toString());
        List<Path> pngs = written(".png");
        assertEquals(4, pngs.size(), r.toString());
        List<Object> seeds = new ArrayList<>();
        List<Object> prompts = new ArrayList<>();
        for (Path p : pngs) {
            Map<String, Object> m = PngMetadata.read(p).json();
            seeds.add(((Number) m.get("seed")).longValue());
            prompts.add(m.get("prompt"));
        }
        assertEquals(List.of(100L, 101L, 102L, 103L), seeds.stream().sorted().toList());
        assertEquals(2, prompts.stream().filter("a cat"::equals).count());
        assertTrue(r.err().contains("image 4/4 2/2 steps"), "plain progress lines: " + r);
        assertEquals(4, r.out().strip().lines().count());
    }

    @Test
    void promptFileAddsToThePositionalPrompts() throws Exception {
        Path file = Files.writeString(dir.resolve("prompts.txt"), "# a batch\na dog\n\na fox\n");
        CliRun r = generate("a cat", "--prompt-file", file.toString(), "--seed", "1", "--steps", "1");
        assertEquals(0, r.exitCode(), r.toString());
        List<Object> prompts = new ArrayList<>();
        for (Path p : written(".png")) {
            Map<String, Object> m = PngMetadata.read(p).json();
            prompts.add(((Number) m.get("seed")).intValue() + ":" + m.get("prompt"));
        }
        assertEquals(List.of("1:a cat", "2:a dog", "3:a fox"), prompts.stream().sorted().toList());
    }

    @Test
    void randomSeedIsRecorded() throws Exception {
        CliRun r = generate("a cat");
        assertEquals(0, r.exitCode(), r.toString());
        Map<String, Object> m = PngMetadata.read(written(".png").get(0)).json();
        assertTrue(m.get("seed") instanceof Number, m.toString());
    }

    @Test
    void imageToImageRecordsStrengthAndItsConvention() throws Exception {
        Path init = dir.resolve("init.png");
        // 100x84 is rounded down to multiples of the VAE factor 8, as diffusers does: 96x80
        BufferedImage img = new BufferedImage(100, 84, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 84; y++) {
            for (int x = 0; x < 100; x++) {
                img.setRGB(x, y, (x * 3) << 16 | (y * 3) << 8 | 128);
            }
        }
        ImageIO.write(img, "png", init.toFile());
        CliRun r = generate("a cat", "--init-image", init.toString(), "--strength", "0.5", "--steps", "4", "--seed", "3");
        assertEquals(0, r.exitCode(), r.toString());
        Map<String, Object> m = PngMetadata.read(written(".png").get(0)).json();
        assertEquals("image-to-image", m.get("mode"));
        assertEquals(0.5, ((Number) m.get("strength")).doubleValue());
        assertTrue(m.get("strength_convention").toString().contains("fraction of the scheduler's timesteps"));
        assertEquals(2, ((Number) m.get("nfe")).intValue(), "int(4 * 0.5) steps run");
        assertEquals(96, ((Number) m.get("width")).intValue(), "the image's size rounded down to the VAE factor");
        assertEquals(80, ((Number) m.get("height")).intValue());
        assertTrue(r.err().contains("resizing --init-image from 100x84 to 96x80"), r.toString());
    }

    @Test
    void latentsFileReplacesTheSeedsNoiseExactly() throws Exception {
        // the noise seed 9 would draw, saved as .npy, then used with another seed: the image must be seed 9's
        Tensor noise = new TorchGenerator(9).randn(1, 4, 8, 8);
        Path npy = dir.resolve("latents.npy");
        Npy.write(npy, noise);
        assertEquals(0, generate("a cat", "--seed", "9", "-s", "ddim").exitCode());
        CliRun r = generate("a cat", "--seed", "500", "-s", "ddim", "--latents", npy.toString());
        assertEquals(0, r.exitCode(), r.toString());
        List<Path> pngs = written(".png");
        Path fromSeed = pngs.stream().filter(p -> p.getFileName().toString().contains("-9-")).findFirst().orElseThrow();
        Path fromFile = pngs.stream().filter(p -> p.getFileName().toString().contains("-500-")).findFirst().orElseThrow();
        assertArrayEquals(pixels(fromSeed), pixels(fromFile));
        assertEquals(npy.toAbsolutePath().normalize().toString(), PngMetadata.read(fromFile).json().get("latents_file"));
    }

    @Test
    void aFailedItemDoesNotStopTheOthers() throws Exception {
        // image 2's starting latents overflow to infinity inside the UNet: its decode is NaN, image 1 is fine
        float[] data = new float[2 * 4 * 8 * 8];
        Tensor good = new TorchGenerator(1).randn(1, 4, 8, 8);
        System.arraycopy(good.data(), 0, data, 0, good.size());
        java.util.Arrays.fill(data, good.size(), data.length, 3e38f);
        Path npy = dir.resolve("half-bad.npy");
        Npy.write(npy, new Tensor(new int[] {2, 4, 8, 8}, data));
        CliRun r = generate("a cat", "--count", "2", "--seed", "1", "--latents", npy.toString());
        assertEquals(ExitCodes.RUNTIME_FAILURE, r.exitCode(), r.toString());
        assertEquals(1, written(".png").size(), r.toString());
        assertTrue(r.err().contains("image 2/2 (seed 2) failed"), r.toString());
        assertTrue(r.err().contains("1 of 2 images failed"), r.toString());
        assertEquals(2, filesInOutput(), "one PNG and its sidecar, no temporary files left: " + r);
    }

    @Test
    void builtInModelIsTheDefaultWhenInstalled() throws Exception {
        Path student = env.home().resolve("models/emoji/student");
        Files.createDirectories(student.getParent());
        TinyModel.copy(student);
        CliRun r = CliRun.in(env, "generate", "a cat", "-o", out.toString(), "--steps", "1", "--seed", "1");
        assertEquals(0, r.exitCode(), r.toString());
        assertFalse(r.err().contains("synthetic"), r.toString());
        Map<String, Object> m = PngMetadata.read(written(".png").get(0)).json();
        assertEquals(student.toAbsolutePath().normalize().toString(), m.get("model_path"));
    }

    // ------------------------------------------------------------ bad input: exit 2, one line, nothing written

    private void assertBadInput(CliRun r, String expected) throws Exception {
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r);
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r);
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
        assertEquals(0, filesInOutput(), "nothing may be written: " + r);
        assertEquals("", r.out());
    }

    @Test
    void missingModelFolder() throws Exception {
        model = dir.resolve("no-such-model").toString();
        assertBadInput(generate("a cat"), "does not exist");
    }

    @Test
    void malformedModelFolder() throws Exception {
        Path broken = TinyModel.copy(dir.resolve("broken"));
        Files.delete(broken.resolve("unet/model.onnx"));
        model = broken.toString();
        assertBadInput(generate("a cat"), "unet/model.onnx");
    }

    @Test
    void folderWithoutModelIndex() throws Exception {
        model = Files.createDirectories(dir.resolve("empty")).toString();
        assertBadInput(generate("a cat"), "no model_index.json");
    }

    @Test
    void modelWhoseInputsDoNotFitItsRole() throws Exception {
        Path swapped = TinyModel.copy(dir.resolve("swapped"));
        Files.copy(swapped.resolve("vae_decoder/model.onnx"), swapped.resolve("unet/model.onnx"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        model = swapped.toString();
        assertBadInput(generate("a cat"), "cannot use model folder");
    }

    @Test
    void sizeNotDivisibleByTheVaeFactor() throws Exception {
        assertBadInput(generate("a cat", "--size", "60x64"), "not divisible by 8");
        assertBadInput(generate("a cat", "--width", "64", "--height", "70"), "not divisible by 8");
    }

    @Test
    void sizeGivenTwoWaysIsAUsageError() throws Exception {
        assertBadInput(generate("a cat", "--size", "64x64", "--width", "64", "--height", "64"), "mutually exclusive");
    }

    @Test
    void unknownScheduler() throws Exception {
        assertBadInput(generate("a cat", "-s", "bogus"), "unknown --scheduler 'bogus'");
    }

    @Test
    void strengthOutsideZeroOne() throws Exception {
        assertBadInput(generate("a cat", "--strength", "1.5"), "--strength 1.5 is outside [0, 1]");
        assertBadInput(generate("a cat", "--strength", "-0.1"), "outside [0, 1]");
    }

    @Test
    void missingInitImage() throws Exception {
        assertBadInput(generate("a cat", "--init-image", dir.resolve("nope.png").toString()), "not found");
    }

    @Test
    void unreadableInitImage() throws Exception {
        Path fake = Files.writeString(dir.resolve("fake.png"), "this is not a png");
        assertBadInput(generate("a cat", "--init-image", fake.toString()), "--init-image");
    }

    @Test
    void emptyPromptList() throws Exception {
        assertBadInput(generate(), "no prompt given");
        assertBadInput(generate(""), "is empty");
    }

    @Test
    void missingOrMalformedOrMisshapenNpy() throws Exception {
        assertBadInput(generate("a cat", "--latents", dir.resolve("none.npy").toString()), "does not exist");
        Path garbage = Files.writeString(dir.resolve("garbage.npy"), "not numpy at all");
        assertBadInput(generate("a cat", "--latents", garbage.toString()), "not a .npy file");
        Path wrong = dir.resolve("wrong.npy");
        Npy.write(wrong, Tensor.zeros(1, 4, 16, 16));
        assertBadInput(generate("a cat", "--latents", wrong.toString(), "--size", "64x64"), "has shape [1, 4, 16, 16]");
    }

    @Test
    void negativeCountAndZeroSteps() throws Exception {
        assertBadInput(generate("a cat", "--count", "0"), "--count 0");
        assertBadInput(generate("a cat", "--steps", "0"), "--steps 0");
    }

    @Test
    void unknownOrUnavailableProviderAndNegativeThreads() throws Exception {
        assertBadInput(generate("a cat", "--provider", "tpu"), "unknown --provider 'tpu'");
        assertBadInput(generate("a cat", "--threads", "-1"), "--threads -1");
        if (!apprentice.onnx.runtime.RuntimeOptions.cudaAvailable()) {
            assertBadInput(generate("a cat", "--provider", "cuda"), "CUDA");
        }
    }

    @Test
    void verboseShowsTheStackTrace() {
        model = dir.resolve("no-such-model").toString();
        CliRun r = generate("a cat", "--verbose");
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode());
        assertTrue(r.err().contains("\tat "), r.toString());
    }

    private static int[] pixels(Path png) {
        return Images.rgbPixels(Images.load(png), false);
    }

    /** Where the sidecar of an image is. */
    private static final class JsonSidecarPath {
        static Path of(Path png) {
            return png.resolveSibling(png.getFileName().toString().replace(".png", ".json"));
        }
    }
}
