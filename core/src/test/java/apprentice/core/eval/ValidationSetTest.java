package apprentice.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidationSetTest {
    @TempDir
    Path tmp;

    /** 5 tiles of 4×4 px in 2 columns (3 rows, one white cell); tile i is filled with colour (10i, 20i, 30i). */
    static Path writeTiny(Path dir, int count, int atlasHeight) throws IOException {
        Files.createDirectories(dir);
        int tile = 4;
        BufferedImage atlas = new BufferedImage(2 * tile, atlasHeight, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < atlas.getHeight(); y++) {
            for (int x = 0; x < atlas.getWidth(); x++) {
                int i = (y / tile) * 2 + x / tile;
                atlas.setRGB(x, y, i < 5 ? (10 * i << 16) | (20 * i << 8) | 30 * i : 0xFFFFFF);
            }
        }
        ImageIO.write(atlas, "png", dir.resolve(ValidationSet.IMAGES).toFile());
        Files.writeString(dir.resolve(ValidationSet.ATLAS), "{\"tile\": 4, \"columns\": 2, \"count\": " + count + "}");
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            String ja = i == 4 ? "null" : "\"ラベル" + i + "\"";
            rows.append("{\"index\":").append(i).append(",\"vendor\":\"google\",\"unified\":\"1F60").append(i)
                    .append("\",\"label\":\"label ").append(i % 3).append("\",\"labelJa\":").append(ja)
                    .append(",\"captions\":[\"label ").append(i % 3).append("\",\"label ").append(i % 3).append(", tag\"]}\n");
        }
        Files.writeString(dir.resolve(ValidationSet.CAPTIONS), rows, StandardCharsets.UTF_8);
        return dir;
    }

    @Test
    void readsTilesAndCaptionsInAtlasOrder() throws IOException {
        ValidationSet v = ValidationSet.load(writeTiny(tmp.resolve("v"), 5, 12));
        assertEquals(5, v.size());
        assertEquals(4, v.imageSize());
        Tensor all = v.images();
        assertEquals(List.of(5, 3, 4, 4), List.of(all.dim(0), all.dim(1), all.dim(2), all.dim(3)));
        float[] d = all.data();
        for (int i = 0; i < 5; i++) {
            int base = i * 48;
            // every pixel of tile i: channel c holds (10·(c+1)·i)/255·2 − 1
            for (int c = 0; c < 3; c++) {
                float expected = 10f * (c + 1) * i / 255f * 2f - 1f;
                for (int p = 0; p < 16; p++) {
                    assertEquals(expected, d[base + c * 16 + p], 1e-6f, "tile " + i + " channel " + c);
                }
            }
        }
        Tensor last = v.images(3, 5);
        assertEquals(2, last.dim(0));
        assertEquals(d[4 * 48], last.data()[48], 0f);
        assertEquals("ラベル2", v.entry(2).labelJa());
        assertNull(v.entry(4).labelJa());
        assertEquals(List.of("label 0", "label 1", "label 2"), v.distinctLabels());
        assertEquals("label 1, tag", v.entry(4).captions().get(1));
    }

    @Test
    void missingFolderNamesTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ValidationSet.load(tmp.resolve("nope")));
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains("validation-set"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() throws IOException {
        Path dir = writeTiny(tmp.resolve("v"), 5, 12);
        Files.delete(dir.resolve(ValidationSet.IMAGES));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ValidationSet.load(dir));
        assertTrue(e.getMessage().contains(ValidationSet.IMAGES), e.getMessage());
    }

    @Test
    void countDisagreeingWithCaptionsIsRejected() throws IOException {
        Path dir = writeTiny(tmp.resolve("v"), 6, 12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ValidationSet.load(dir));
        assertTrue(e.getMessage().contains("5 rows") && e.getMessage().contains("6 images"), e.getMessage());
    }

    @Test
    void atlasOfTheWrongSizeIsRejected() throws IOException {
        Path dir = writeTiny(tmp.resolve("v"), 5, 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ValidationSet.load(dir));
        assertTrue(e.getMessage().contains("8x8") && e.getMessage().contains("8x12"), e.getMessage());
    }

    @Test
    void truncatedPngIsRejected() throws IOException {
        Path dir = writeTiny(tmp.resolve("v"), 5, 12);
        byte[] png = Files.readAllBytes(dir.resolve(ValidationSet.IMAGES));
        Files.write(dir.resolve(ValidationSet.IMAGES), java.util.Arrays.copyOf(png, 20));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ValidationSet.load(dir));
        assertTrue(e.getMessage().contains(ValidationSet.IMAGES), e.getMessage());
    }

    @Test
    void rowsOutOfOrderAreRejected() throws IOException {
        Path dir = writeTiny(tmp.resolve("v"), 5, 12);
        Path caps = dir.resolve(ValidationSet.CAPTIONS);
        Files.writeString(caps, Files.readString(caps).replace("\"index\":2", "\"index\":7"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ValidationSet.load(dir));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("expected 2"), e.getMessage());
    }

    @Test
    void malformedRowIsRejected() throws IOException {
        Path dir = writeTiny(tmp.resolve("v"), 5, 12);
        Path caps = dir.resolve(ValidationSet.CAPTIONS);
        Files.writeString(caps, Files.readString(caps).replace("\"label\":\"label 1\"", "\"labl\":\"x\""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ValidationSet.load(dir));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("\"label\""), e.getMessage());
    }

    /** The folder shipped in the repository (models/emoji/validation) is complete and consistent. */
    @Test
    void shippedEmojiValidationSetLoads() {
        Path shipped = Path.of("..", "models", "emoji", "validation");
        ValidationSet v = ValidationSet.load(shipped);
        assertEquals(376, v.size());
        assertEquals(64, v.imageSize());
        assertEquals(188, v.distinctLabels().size(), "two vendors' renderings of each of 188 held-out emoji");
        assertEquals(376 * 3 * 64 * 64, v.images(0, v.size()).size());
        long withJapanese = v.entries().stream().filter(e -> e.labelJa() != null).count();
        assertTrue(withJapanese > 300, "most emoji have a Japanese CLDR label, got " + withJapanese);
        // composited on white: the corner pixel of every image is (nearly) white background for most emoji
        Tensor t = v.images();
        int whiteCorners = 0;
        for (int i = 0; i < v.size(); i++) {
            if (t.data()[i * 3 * 64 * 64] > 0.99f) {
                whiteCorners++;
            }
        }
        assertTrue(whiteCorners > v.size() / 2, "expected mostly white backgrounds, got " + whiteCorners);
    }
}
