package apprentice.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.image.PngMetadata;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main command on the model family shipped in {@code models/emoji}: it must load the real
 * folders (not a synthetic stand-in), route adaptively with the shipped calibration, record what it did,
 * and reproduce its image from the recorded seed.
 */
class ShippedFamilyTest {
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();

    @TempDir
    static Path dir;

    static AppEnvironment env;

    @BeforeAll
    static void installation() {
        assertTrue(Files.isRegularFile(REPO.resolve("models/emoji/calibration.json")), "shipped family missing under " + REPO);
        env = new AppEnvironment(false, REPO, dir.resolve("cache"));
    }

    private static Path generate(String name, String... args) throws Exception {
        Path out = dir.resolve(name);
        String[] all = Stream.concat(Stream.of("generate", "-o", out.toString()), Stream.of(args)).toArray(String[]::new);
        CliRun r = CliRun.in(env, all);
        assertEquals(0, r.exitCode(), r.toString());
        try (Stream<Path> s = Files.list(out)) {
            List<Path> pngs = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
            assertEquals(1, pngs.size(), r.toString());
            return pngs.get(0);
        }
    }

    private static int[] pixels(Path png) throws Exception {
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(64, img.getWidth());
        assertEquals(64, img.getHeight());
        return img.getRGB(0, 0, 64, 64, null, 0, 64);
    }

    @Test
    void defaultCommandIsAdaptiveOnTheShippedFamilyAndReproducible() throws Exception {
        Path first = generate("first", "smiling cat face", "--seed", "11");
        Map<String, Object> m = PngMetadata.read(first).json();
        assertEquals("adaptive text-to-image", m.get("mode"));
        assertEquals(REPO.resolve("models/emoji/student").normalize().toString(), m.get("student_model_path"));
        @SuppressWarnings("unchecked")
        Map<String, Object> a = (Map<String, Object>) m.get("adaptive");
        double score = ((Number) a.get("oracle_score")).doubleValue();
        double tau = ((Number) a.get("tau")).doubleValue();
        assertEquals(score >= tau ? "kept" : "refined", a.get("route"), a.toString());

        int[] px = pixels(first);
        double mean = 0;
        double sq = 0;
        for (int p : px) {
            double g = ((p >> 16 & 255) + (p >> 8 & 255) + (p & 255)) / 3.0;
            mean += g;
            sq += g * g;
        }
        mean /= px.length;
        double std = Math.sqrt(sq / px.length - mean * mean);
        assertTrue(std > 5, "a real model draws something, not a flat image: grey std " + std);

        Path again = generate("again", "smiling cat face", "--seed", String.valueOf(((Number) m.get("seed")).longValue()));
        assertArrayEquals(px, pixels(again), "same recorded seed, same image");
    }

    @Test
    void teacherAloneGeneratesFromTheShippedFolder() throws Exception {
        Path png = generate("teacher", "-m", REPO.resolve("models/emoji/teacher").toString(), "--steps", "10",
                "--seed", "5", "grinning face");
        Map<String, Object> m = PngMetadata.read(png).json();
        assertEquals("text-to-image", m.get("mode"));
        assertEquals(10, ((Number) m.get("steps")).intValue());
        assertEquals(5L, ((Number) m.get("seed")).longValue());
    }
}
