package apprentice.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagesTest {
    @TempDir
    Path dir;

    private static BufferedImage rgb(int w, int h, int... pixels) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, w, h, pixels, 0, w);
        return img;
    }

    @Test
    void controlImagesAreRgbInZeroToOneWithTransparencyDroppedAsPilConvertRgb() {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0xFF336699);
        img.setRGB(1, 0, 0x00FF0000); // fully transparent red: PIL's convert("RGB") keeps the red
        Tensor t = Images.toUnitRangeTensor(img);
        assertArrayEquals(new int[] {1, 3, 1, 2}, t.shape());
        // planes R, G, B; v / 255 in float32
        assertArrayEquals(new float[] {0x33 / 255f, 1f, 0x66 / 255f, 0f, 0x99 / 255f, 0f}, t.data());
    }

    @Test
    void tensorLayoutIsBatchChannelRowColumnInMinusOneToOne() {
        BufferedImage img = rgb(2, 1, 0xFF0080, 0x00FF00);
        Tensor t = Images.toTensor(img, false);
        assertArrayEquals(new int[] {1, 3, 1, 2}, t.shape());
        // R plane, G plane, B plane; 0 -> -1, 255 -> 1, 128 -> 2*(128/255)-1 in float32
        float v128 = 2f * (128 / 255f) - 1f;
        assertArrayEquals(new float[] {1f, -1f, -1f, 1f, v128, -1f}, t.data());
        assertEquals(0.003921628f, v128, 0f); // what numpy computes: 2*np.float32(128/255)-1
    }

    @Test
    void everyByteSurvivesTheRoundTrip() {
        int[] px = new int[256];
        for (int v = 0; v < 256; v++) {
            px[v] = (v << 16) | ((255 - v) << 8) | (v * 7 & 255);
        }
        BufferedImage img = rgb(16, 16, px);
        BufferedImage back = Images.toImage(Images.toTensor(img, false), 0);
        assertArrayEquals(px, Images.rgbPixels(back, false));
    }

    @Test
    void roundingMatchesNumpyToPilIncludingHalfToEven() {
        // inputs found with numpy float32 so that (x/2+0.5)*255 is exactly k + 0.5;
        // expected bytes are numpy's np.round(...).astype(uint8)
        assertEquals(126, Images.toByte(-0.007843107f)); // 126.5 -> 126
        assertEquals(128, Images.toByte(0f)); // 127.5 -> 128
        assertEquals(254, Images.toByte(0.9882352f)); // 253.5 -> 254
        assertEquals(254, Images.toByte(0.9960784f)); // 254.5 -> 254
        assertEquals(0, Images.toByte(-0.99607843f)); // 0.49999997 -> 0
        assertEquals(0, Images.toByte(-1f));
        assertEquals(255, Images.toByte(1f));
        assertEquals(255, Images.toByte(7f)); // clamped
        assertEquals(0, Images.toByte(-3f)); // clamped
        assertEquals(255, Images.toByte(Float.POSITIVE_INFINITY));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Images.toByte(Float.NaN));
        assertTrue(e.getMessage().contains("NaN"));
    }

    @Test
    void batchIndexSelectsTheRightImage() {
        Tensor batch = Images.toTensor(List.of(rgb(1, 1, 0x102030), rgb(1, 1, 0xA0B0C0)), false);
        assertArrayEquals(new int[] {2, 3, 1, 1}, batch.shape());
        assertEquals(0xA0B0C0, Images.toImage(batch, 1).getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x102030, Images.toImages(batch).get(0).getRGB(0, 0) & 0xFFFFFF);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Images.toImage(batch, 2));
        assertTrue(e.getMessage().contains("index 2") && e.getMessage().contains("0..1"), e.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> Images.toImage(Tensor.zeros(1, 4, 2, 2), 0));
        assertTrue(shape.getMessage().contains("[1, 4, 2, 2]"), shape.getMessage());
        IllegalArgumentException sizes = assertThrows(IllegalArgumentException.class,
                () -> Images.toTensor(List.of(rgb(1, 1, 0), rgb(2, 1, 0, 0)), false));
        assertTrue(sizes.getMessage().contains("2x1") && sizes.getMessage().contains("1x1"), sizes.getMessage());
    }

    @Test
    void transparentPixelsCompositeOnWhiteOrDropAlpha() {
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x00000000); // fully transparent black
        img.setRGB(1, 0, 0x80FF0000); // half-transparent red (alpha 128)
        img.setRGB(2, 0, 0xFF123456); // opaque
        int[] white = Images.rgbPixels(img, true);
        // 255*(255-a)/255 + c*a/255 rounded: red 255 -> 255, g/b 0 -> 127*255/255 = 127
        assertArrayEquals(new int[] {0xFFFFFF, 0xFF7F7F, 0x123456}, white);
        int[] dropped = Images.rgbPixels(img, false);
        assertArrayEquals(new int[] {0x000000, 0xFF0000, 0x123456}, dropped);
        assertEquals(255, Images.overWhite(0, 0));
        assertEquals(0, Images.overWhite(0, 255));
    }

    @Test
    void greyPngIsReadWithoutColourManagement() throws Exception {
        BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 100);
        grey.getRaster().setSample(1, 0, 0, 200);
        File f = dir.resolve("grey.png").toFile();
        ImageIO.write(grey, "png", f);
        int[] px = Images.rgbPixels(Images.load(f.toPath()), false);
        assertArrayEquals(new int[] {0x646464, 0xC8C8C8}, px); // PIL's convert("RGB") replicates the level
    }

    @Test
    void loadGivesClearErrors() throws Exception {
        Path missing = dir.resolve("nope.png");
        IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class, () -> Images.load(missing));
        assertTrue(e1.getMessage().contains("not found") && e1.getMessage().contains("nope.png"), e1.getMessage());

        Path text = Files.writeString(dir.resolve("notes.txt"), "hello");
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> Images.load(text));
        assertTrue(e2.getMessage().contains("not in a supported image format") && e2.getMessage().contains("png"), e2.getMessage());

        IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class, () -> Images.load(dir));
        assertTrue(e3.getMessage().contains("not a regular file"), e3.getMessage());

        Path ok = dir.resolve("ok.png");
        ImageIO.write(rgb(3, 2, 1, 2, 3, 4, 5, 6), "png", ok.toFile());
        assertEquals(3, Images.load(ok).getWidth());

        byte[] png = Files.readAllBytes(ok);
        Path cut = Files.write(dir.resolve("cut.png"), java.util.Arrays.copyOf(png, 40));
        IllegalArgumentException e4 = assertThrows(IllegalArgumentException.class, () -> Images.load(cut));
        assertTrue(e4.getMessage().contains("cannot decode") && e4.getMessage().contains("cut.png"), e4.getMessage());
    }

    @Test
    void divisibilityCheckNamesTheSizeAndTheFix() {
        Images.requireDivisible(512, 768, 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Images.requireDivisible(500, 768, 8));
        assertTrue(e.getMessage().contains("500x768") && e.getMessage().contains("496x768 or 504x768"), e.getMessage());
        IllegalArgumentException tiny = assertThrows(IllegalArgumentException.class, () -> Images.requireDivisible(3, 64, 4));
        assertTrue(tiny.getMessage().contains("4x64"), tiny.getMessage());
    }

    @Test
    void resizePicksAreaForShrinkingAndKeepsSize() {
        BufferedImage src = rgb(4, 2, 0, 255 << 16, 0, 0, 0, 0, 0, 0x0000FF);
        BufferedImage small = Images.resize(src, 2, 1);
        assertEquals(2, small.getWidth());
        assertEquals(1, small.getHeight());
        // left 2x2 block: one pure red pixel -> red 255/4 = 63.75 -> 64; right block: one blue
        assertEquals(0x400000, small.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x000040, small.getRGB(1, 0) & 0xFFFFFF);
        BufferedImage big = Images.resize(src, 8, 4);
        assertEquals(8, big.getWidth());
        assertEquals(4, big.getHeight());
    }
}
