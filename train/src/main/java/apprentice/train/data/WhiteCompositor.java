package apprentice.train.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/** Decodes an RGBA PNG and alpha-composites it on white into packed RGB bytes (HWC). */
public final class WhiteCompositor {
    private WhiteCompositor() {
    }

    /** Returns size·size·3 bytes; throws when the PNG is not size×size. */
    public static byte[] compositeOnWhite(byte[] png, int size, String what) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        if (img == null) {
            throw new IOException(what + " is not a readable PNG");
        }
        if (img.getWidth() != size || img.getHeight() != size) {
            throw new IOException(what + " is " + img.getWidth() + "x" + img.getHeight() + ", expected " + size + "x" + size);
        }
        byte[] out = new byte[size * size * 3];
        int o = 0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int argb = img.getRGB(x, y); // non-premultiplied sRGB
                int a = argb >>> 24;
                for (int shift = 16; shift >= 0; shift -= 8) {
                    int c = (argb >>> shift) & 0xFF;
                    out[o++] = (byte) Math.round((c * a + 255 * (255 - a)) / 255f);
                }
            }
        }
        return out;
    }
}
