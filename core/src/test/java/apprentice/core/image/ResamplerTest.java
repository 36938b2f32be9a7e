package apprentice.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ResamplerTest {

    private static BufferedImage filled(int w, int h, int rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    @Test
    void flatColourStaysFlatWithBothFilters() {
        BufferedImage src = filled(37, 23, 0x3C7AB1);
        for (Resampler.Filter f : Resampler.Filter.values()) {
            for (int[] size : new int[][] {{64, 64}, {10, 7}, {37, 23}, {100, 5}}) {
                BufferedImage out = Resampler.resize(src, size[0], size[1], f);
                for (int y = 0; y < size[1]; y++) {
                    for (int x = 0; x < size[0]; x++) {
                        assertEquals(0x3C7AB1, out.getRGB(x, y) & 0xFFFFFF, f + " " + size[0] + "x" + size[1]);
                    }
                }
            }
        }
    }

    @Test
    void areaDownscaleAveragesBlocksExactly() {
        BufferedImage src = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                src.setRGB(x, y, (x + 8 * y) << 8); // green ramp 0..63
            }
        }
        BufferedImage out = Resampler.resize(src, 2, 2, Resampler.Filter.AREA);
        // top-left 4x4 block: mean of x + 8y for x,y in 0..3 = 1.5 + 12 = 13.5 -> 14 (round half up)
        assertEquals(14, (out.getRGB(0, 0) >> 8) & 255);
        assertEquals(14 + 4, (out.getRGB(1, 0) >> 8) & 255);
        assertEquals(14 + 32, (out.getRGB(0, 1) >> 8) & 255);
    }

    @Test
    void bicubicInterpolatesMidpointsOfALinearRamp() {
        BufferedImage src = new BufferedImage(4, 1, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 4; x++) {
            src.setRGB(x, 0, (x * 60) << 16);
        }
        BufferedImage out = Resampler.resize(src, 8, 1, Resampler.Filter.BICUBIC);
        // interior output pixel 3 sits at source x = 1.25 on the ramp 60x (+30 offset of centres): 75
        assertEquals(75, (out.getRGB(3, 0) >> 16) & 255);
        assertEquals(105, (out.getRGB(4, 0) >> 16) & 255);
    }

    @Test
    void alphaIsResampledPremultiplied() {
        BufferedImage src = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        src.setRGB(0, 0, 0xFFFF0000); // opaque red
        src.setRGB(1, 0, 0x0000FF00); // invisible green
        BufferedImage out = Resampler.resize(src, 1, 1, Resampler.Filter.AREA);
        int p = out.getRGB(0, 0);
        assertEquals(128, p >>> 24); // alpha 127.5 -> 128
        assertEquals(0xFF0000, p & 0xFFFFFF); // no green bleeds in
    }

    @Test
    void rejectsEmptyTargets() {
        assertThrows(IllegalArgumentException.class, () -> Resampler.resize(filled(2, 2, 0), 0, 2, Resampler.Filter.AREA));
    }
}
