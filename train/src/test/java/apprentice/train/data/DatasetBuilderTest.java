package apprentice.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetBuilderTest {
    @TempDir
    Path tmp;

    /** A 64×64 PNG: left half opaque red, right half fully transparent, one half-transparent blue pixel. */
    static byte[] png() throws IOException {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, x < 32 ? 0xFFFF0000 : 0x00000000);
            }
        }
        img.setRGB(40, 10, 0x800000FF);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void compositesOnWhite() throws IOException {
        byte[] rgb = WhiteCompositor.compositeOnWhite(png(), 64, "test");
        int red = (0 * 64 + 5) * 3;
        assertEquals(255, rgb[red] & 0xFF);
        assertEquals(0, rgb[red + 1] & 0xFF);
        int clear = (0 * 64 + 50) * 3;
        assertEquals(255, rgb[clear] & 0xFF);
        assertEquals(255, rgb[clear + 2] & 0xFF);
        int half = (10 * 64 + 40) * 3;
        assertEquals(127, rgb[half] & 0xFF, "alpha 128 blue over white keeps ~half of the red channel");
        assertEquals(255, rgb[half + 2] & 0xFF);
    }

    @Test
    void wrongSizeIsRejected() {
        assertThrows(IOException.class, () -> WhiteCompositor.compositeOnWhite(png(), 32, "x.png"));
    }

    @Test
    void buildsFromTarballsAndLoadsBack() throws IOException {
        byte[] png = png();
        Map<String, Path> vendors = new HashMap<>();
        for (String v : DatasetBuilder.VENDORS) {
            Map<String, byte[]> files = new HashMap<>();
            files.put("package/emoji.json", EmojiCatalogTest.bytes(EmojiCatalogTest.EMOJI_JSON));
            for (String f : List.of("1f431.png", "2764-fe0f.png", "1f44b.png", "1f44b-1f3fb.png", "1fae8.png")) {
                files.put("package/img/" + v + "/64/" + f, png);
            }
            files.put("package/img/" + v + "/32/1f431.png", new byte[] {1, 2, 3});
            vendors.put(v, tgz(tmp.resolve(v + ".tgz"), files));
        }
        Path base = tgz(tmp.resolve("base.tgz"), Map.of(
                "package/en/data.json", EmojiCatalogTest.bytes(EmojiCatalogTest.EN_JSON),
                "package/ja/data.json", EmojiCatalogTest.bytes(EmojiCatalogTest.JA_JSON)));
        Path out = tmp.resolve("ds");
        EmojiDataset ds = new DatasetBuilder(new HoldOutSplit(5), new PrintStream(OutputStream.nullOutputStream()))
                .buildFromTarballs(vendors, base, out);
        // google: 5 images; twitter lacks the heart: 4
        assertEquals(9, ds.count());
        assertEquals(9L * 64 * 64 * 3, Files.size(out.resolve(EmojiDataset.IMAGES)));
        float[] chw = new float[3 * 64 * 64];
        ds.imageChw(0, chw, 0);
        assertEquals(1f, chw[5], 1e-6f);
        assertEquals(-1f, chw[64 * 64 + 5], 1e-6f, "green of opaque red is -1");
        EmojiDataset again = EmojiDataset.load(out);
        assertEquals(ds.records(), again.records());
        assertEquals(ds.indices(true).length + ds.indices(false).length, 9);
    }

    @Test
    void missingDatasetNamesTheFix() {
        IOException e = assertThrows(IOException.class, () -> EmojiDataset.load(tmp.resolve("none")));
        assertTrue(e.getMessage().contains("train/run.sh dataset"));
    }

    static Path tgz(Path path, Map<String, byte[]> files) throws IOException {
        return TestTar.tgz(path, files);
    }

    @Test
    void tarReaderHandlesLongPaths() throws IOException {
        String longName = "package/" + "d".repeat(120) + "/file.txt";
        Path t = tgz(tmp.resolve("long.tgz"), Map.of(longName, "hi".getBytes(StandardCharsets.UTF_8)));
        Map<String, byte[]> read = TarGzReader.read(t, p -> true);
        assertEquals("hi", new String(read.get(longName), StandardCharsets.UTF_8));
    }
}
