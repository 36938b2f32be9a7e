package apprentice.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.image.Images;
import apprentice.core.image.PngMetadata;
import apprentice.onnx.synth.SyntheticControlNet;
import apprentice.onnx.synth.SyntheticModelFolder;
import apprentice.onnx.synth.SyntheticSpec;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code generate --controlnet} on a synthetic ControlNet-ready model (the tiny model's UNet plus residual inputs). */
class ControlNetCommandTest {
    @TempDir
    static Path dir;
    static AppEnvironment env;
    static Path model;
    static Path controlNet;
    static Path edges;
    static Path plainStudent;
    static Path student;
    static Path oracle;

    @BeforeAll
    static void models() throws Exception {
        env = new AppEnvironment(false, dir.resolve("home"), dir.resolve("cache"));
        model = dir.resolve("controlled");
        SyntheticModelFolder.write(model, SyntheticSpec.tiny());
        SyntheticControlNet.makeUnetControllable(model, SyntheticSpec.tiny(), 2);
        controlNet = dir.resolve("controlnet");
        SyntheticControlNet.writeControlNet(controlNet, SyntheticSpec.tiny(), 2);
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                img.setRGB(x, y, (x / 4 + y / 4) % 2 == 0 ? 0xFFFFFF : 0x000000);
            }
        }
        edges = dir.resolve("edges.png");
        ImageIO.write(img, "png", edges.toFile());
        SyntheticSpec lcm = SyntheticSpec.tiny().withSeed(11).withScheduler("LCMScheduler", "epsilon").withTimestepCond(32);
        plainStudent = dir.resolve("student-plain");
        SyntheticModelFolder.write(plainStudent, lcm);
        student = dir.resolve("student-controlled");
        SyntheticModelFolder.write(student, lcm);
        SyntheticControlNet.makeUnetControllable(student, lcm, 2);
        oracle = dir.resolve("oracle");
        apprentice.onnx.synth.SyntheticClipFolder.write(oracle, 13);
    }

    private static CliRun generate(Path modelFolder, Path out, String... extra) {
        String[] base = {"generate", "a fox", "--model", modelFolder.toString(), "--no-adaptive", "--steps", "2", "--seed", "3",
                "--size", "64x64", "-o", out.toString(), "--progress", "none"};
        return CliRun.in(env, concat(base, extra));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static Path png(Path out) throws Exception {
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> p.toString().endsWith(".png")).findFirst().orElseThrow();
        }
    }

    private static int[] pixels(Path png) {
        return Images.rgbPixels(Images.load(png), false);
    }

    @Test
    void scaleZeroReproducesTheUncontrolledModelAndScaleOneChangesTheImage() throws Exception {
        CliRun plain = generate(TinyModel.folder(), dir.resolve("plain"));
        assertEquals(0, plain.exitCode(), plain.toString());
        CliRun zero = generate(model, dir.resolve("zero"), "--controlnet", controlNet.toString(), "--control-image",
                edges.toString(), "--control-scale", "0");
        assertEquals(0, zero.exitCode(), zero.toString());
        assertArrayEquals(pixels(png(dir.resolve("plain"))), pixels(png(dir.resolve("zero"))),
                "zero-weighted residuals leave the base UNet's image");

        CliRun one = generate(model, dir.resolve("one"), "--controlnet", controlNet.toString(), "--control-image", edges.toString());
        assertEquals(0, one.exitCode(), one.toString());
        assertFalse(Arrays.equals(pixels(png(dir.resolve("plain"))), pixels(png(dir.resolve("one")))), "the control shows");
        assertTrue(one.err().contains("note: resizing --control-image from 32x32 to 64x64"), one.err());
        Map<String, Object> m = PngMetadata.read(png(dir.resolve("one"))).json();
        assertEquals(1.0, ((Number) m.get("controlnet_conditioning_scale")).doubleValue());
        assertEquals(edges.toAbsolutePath().normalize().toString(), m.get("control_image"));
        assertEquals(controlNet.toAbsolutePath().normalize().toString(), m.get("controlnet_path"));
        assertEquals(1.0, ((Number) m.get("control_guidance_end")).doubleValue());

        CliRun half = generate(model, dir.resolve("half"), "--controlnet", controlNet.toString(), "--control-image", edges.toString(),
                "--control-end", "0.5");
        assertEquals(0, half.exitCode(), half.toString());
        assertFalse(Arrays.equals(pixels(png(dir.resolve("one"))), pixels(png(dir.resolve("half")))), "control on the first step only");
        assertEquals(0.5, ((Number) PngMetadata.read(png(dir.resolve("half"))).json().get("control_guidance_end")).doubleValue());
    }

    @Test
    void adaptiveGenerationConditionsTheStudentsDraftAndTheTeachersRefinement() throws Exception {
        java.util.function.BiFunction<Path[], String[], CliRun> adaptive = (models, extra) -> {
            String[] base = {"generate", "--adaptive", "a fox", "--model", models[0].toString(), "--teacher", models[1].toString(),
                    "--oracle", oracle.toString(), "--steps", "2", "--guidance", "1", "--teacher-steps", "2", "--teacher-guidance", "3",
                    "--refine-strength", "0.5", "--tau", "100", "--seed", "5", "--size", "64x64", "-o", models[2].toString()};
            return CliRun.in(env, concat(base, extra));
        };
        Path outPlain = dir.resolve("adaptive-plain");
        CliRun plain = adaptive.apply(new Path[] {plainStudent, TinyModel.folder(), outPlain}, new String[0]);
        assertEquals(0, plain.exitCode(), plain.toString());
        String[] control = {"--controlnet", controlNet.toString(), "--control-image", edges.toString()};
        Path outZero = dir.resolve("adaptive-zero");
        String[] zeroArgs = concat(control, new String[] {"--control-scale", "0"});
        CliRun zero = adaptive.apply(new Path[] {student, model, outZero}, zeroArgs);
        assertEquals(0, zero.exitCode(), zero.toString());
        assertArrayEquals(pixels(png(outPlain)), pixels(png(outZero)), "scale 0: the uncontrolled adaptive image");
        Path outOne = dir.resolve("adaptive-one");
        CliRun one = adaptive.apply(new Path[] {student, model, outOne}, control);
        assertEquals(0, one.exitCode(), one.toString());
        assertFalse(Arrays.equals(pixels(png(outPlain)), pixels(png(outOne))), "the control shows");
        Map<String, Object> m = PngMetadata.read(png(outOne)).json();
        assertEquals(1.0, ((Number) m.get("controlnet_conditioning_scale")).doubleValue());
        @SuppressWarnings("unchecked")
        Map<String, Object> a = (Map<String, Object>) m.get("adaptive");
        assertEquals("refined", a.get("route"), "τ 100 sends the draft to the teacher, which is controlled too");
    }

    @Test
    void adaptiveEditingIsControlledToo() throws Exception {
        java.util.function.BiFunction<Path[], String[], CliRun> edit = (models, extra) -> {
            String[] base = {"edit", "-i", edges.toString(), "make it red", "--model", models[0].toString(), "--teacher",
                    models[1].toString(), "--oracle", oracle.toString(), "--steps", "2", "--guidance", "1", "--teacher-steps", "2",
                    "--teacher-guidance", "3", "--tau", "100", "--seed", "5", "--size", "64x64", "-o", models[2].toString()};
            return CliRun.in(env, concat(base, extra));
        };
        Path outPlain = dir.resolve("edit-plain");
        CliRun plain = edit.apply(new Path[] {plainStudent, TinyModel.folder(), outPlain}, new String[0]);
        assertEquals(0, plain.exitCode(), plain.toString());
        Path outZero = dir.resolve("edit-zero");
        CliRun zero = edit.apply(new Path[] {student, model, outZero},
                new String[] {"--controlnet", controlNet.toString(), "--control-image", edges.toString(), "--control-scale", "0"});
        assertEquals(0, zero.exitCode(), zero.toString());
        assertArrayEquals(pixels(png(outPlain)), pixels(png(outZero)), "scale 0: the uncontrolled edit");
        Path outOne = dir.resolve("edit-one");
        CliRun one = edit.apply(new Path[] {student, model, outOne},
                new String[] {"--controlnet", controlNet.toString(), "--control-image", edges.toString()});
        assertEquals(0, one.exitCode(), one.toString());
        assertFalse(Arrays.equals(pixels(png(outPlain)), pixels(png(outOne))), "the control shows in the edit");
        assertEquals(edges.toAbsolutePath().normalize().toString(), PngMetadata.read(png(outOne)).json().get("control_image"));
    }

    @Test
    void mismatchedOrIncompleteControlNetOptionsAreBadInput() {
        CliRun noImage = generate(model, dir.resolve("e1"), "--controlnet", controlNet.toString());
        assertEquals(ExitCodes.BAD_INPUT, noImage.exitCode());
        assertTrue(noImage.err().contains("--controlnet needs --control-image FILE"), noImage.err());
        CliRun plainUnet = generate(TinyModel.folder(), dir.resolve("e2"), "--controlnet", controlNet.toString(),
                "--control-image", edges.toString());
        assertEquals(ExitCodes.BAD_INPUT, plainUnet.exitCode());
        assertTrue(plainUnet.err().contains("takes no ControlNet residuals"), plainUnet.err());
        CliRun missing = generate(model, dir.resolve("e3"), "--controlnet", dir.resolve("nowhere").toString(),
                "--control-image", edges.toString());
        assertEquals(ExitCodes.BAD_INPUT, missing.exitCode());
        assertTrue(missing.err().contains("no ControlNet at"), missing.err());
        CliRun range = generate(model, dir.resolve("e5"), "--controlnet", controlNet.toString(), "--control-image", edges.toString(),
                "--control-start", "0.6", "--control-end", "0.4");
        assertEquals(ExitCodes.BAD_INPUT, range.exitCode());
        assertTrue(range.err().contains("must satisfy 0 <= start < end <= 1"), range.err());
        CliRun uncontrolled = generate(model, dir.resolve("e4"));
        assertEquals(ExitCodes.BAD_INPUT, uncontrolled.exitCode(), uncontrolled.toString());
        assertTrue(uncontrolled.err().contains("is a ControlNet-ready export") && uncontrolled.err().contains("runs only with a ControlNet"), uncontrolled.err());
        Path prompts = dir.resolve("prompts.txt");
        try {
            Files.writeString(prompts, "a fox\nblue heart\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        CliRun calibrate = CliRun.in(env, "calibrate", "--prompts", prompts.toString(), "--model", student.toString(), "--oracle",
                oracle.toString(), "--steps", "2", "--guidance", "1", "-o", dir.resolve("e6").resolve("cal.json").toString());
        assertEquals(ExitCodes.BAD_INPUT, calibrate.exitCode(), calibrate.toString());
        assertTrue(calibrate.err().contains("runs only with a ControlNet"), calibrate.err());
        for (String sub : new String[] {"e1", "e2", "e3", "e4", "e5", "e6"}) {
            assertFalse(Files.exists(dir.resolve(sub)) && dir.resolve(sub).toFile().list().length > 0, "nothing written for " + sub);
        }
    }
}
