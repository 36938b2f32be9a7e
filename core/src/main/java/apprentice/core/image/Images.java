package apprentice.core.image;

import apprentice.core.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Conversions between images and the {@code [B, 3, H, W]} float tensors in [-1, 1] that VAEs
 * take and give, following diffusers' {@code VaeImageProcessor} to the bit:
 *
 * <ul>
 *   <li>to a tensor: {@code v / 255} then {@code 2x - 1}, in float32 (as {@code pil_to_numpy} and
 *       {@code normalize} do);</li>
 *   <li>to an image: {@code clamp(x / 2 + 0.5, 0, 1)}, then {@code round(x * 255)} with NumPy's
 *       round-half-to-even (as {@code denormalize} and {@code numpy_to_pil} do), so a tensor
 *       decoded here and in diffusers gives byte-identical PNGs.</li>
 * </ul>
 *
 * Images with an alpha channel are either composited on white (the right thing for emoji and
 * other artwork with transparent backgrounds) or have their alpha dropped, which is what PIL's
 * {@code convert("RGB")} (and so diffusers' {@code load_image}) does; callers choose with the
 * {@code compositeOnWhite} flag.
 */
public final class Images {
    private Images() {
    }

    // ------------------------------------------------------------------ loading

    /**
     * Reads an image file (PNG, JPEG, BMP, GIF, WBMP, TIFF: whatever {@link ImageIO} knows).
     *
     * @throws IllegalArgumentException naming the file and the problem when it is missing, not a
     *     regular file, unreadable, or in a format ImageIO cannot decode
     */
    public static BufferedImage load(Path file) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("image file not found: " + file.toAbsolutePath()
                    + " (check the path)");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file.toAbsolutePath() + " is not a regular file; pass the path of an image file");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("cannot read image file " + file.toAbsolutePath()
                    + ": permission denied (check its permissions)");
        }
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot decode image file " + file.toAbsolutePath()
                    + ": " + e.getMessage() + " (is the file truncated or corrupt?)", e);
        }
        if (image == null) {
            throw new IllegalArgumentException(file.toAbsolutePath() + " is not in a supported image format (supported: "
                    + String.join(", ", supportedFormats()) + "); convert it to PNG");
        }
        return image;
    }

    private static List<String> supportedFormats() {
        return Arrays.stream(ImageIO.getReaderFileSuffixes()).map(String::toLowerCase).distinct().sorted().toList();
    }

    // ------------------------------------------------------------------ RGB(A) access

    /**
     * The image's pixels as packed 0xRRGGBB ints, row-major. Alpha is composited over white when
     * {@code compositeOnWhite} is set and otherwise ignored (colour kept as stored, like PIL's
     * {@code convert("RGB")}). Grey images are read from the raster, not through Java's colour
     * management, so grey level g becomes (g, g, g) as in PIL.
     */
    public static int[] rgbPixels(BufferedImage image, boolean compositeOnWhite) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] out = new int[w * h];
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        boolean grey = bands <= 2 && image.getColorModel().getColorSpace().getNumComponents() == 1
                && !(image.getColorModel() instanceof java.awt.image.IndexColorModel);
        if (grey) {
            int bits = image.getColorModel().getComponentSize(0);
            int max = (1 << bits) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int g = scaleTo8Bit(raster.getSample(x, y, 0), max);
                    int a = bands == 2 ? scaleTo8Bit(raster.getSample(x, y, 1), max) : 255;
                    int v = compositeOnWhite ? overWhite(g, a) : g;
                    out[y * w + x] = (v << 16) | (v << 8) | v;
                }
            }
            return out;
        }
        image.getRGB(0, 0, w, h, out, 0, w); // non-premultiplied ARGB for any colour model
        for (int i = 0; i < out.length; i++) {
            int argb = out[i];
            int a = argb >>> 24;
            if (compositeOnWhite && a != 255) {
                int r = overWhite((argb >> 16) & 255, a);
                int g = overWhite((argb >> 8) & 255, a);
                int b = overWhite(argb & 255, a);
                out[i] = (r << 16) | (g << 8) | b;
            } else {
                out[i] = argb & 0xFFFFFF;
            }
        }
        return out;
    }

    private static int scaleTo8Bit(int sample, int max) {
        return max == 255 ? sample : (int) Math.round(sample * 255.0 / max);
    }

    /** {@code c * a + 255 * (1 - a)} with alpha in 0..255, rounded to nearest. */
    static int overWhite(int c, int a) {
        return (c * a + 255 * (255 - a) + 127) / 255;
    }

    /** A copy as a plain {@code TYPE_INT_RGB} image (alpha composited on white or dropped). */
    public static BufferedImage toRgb(BufferedImage image, boolean compositeOnWhite) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, image.getWidth(), image.getHeight(), rgbPixels(image, compositeOnWhite), 0, image.getWidth());
        return out;
    }

    // ------------------------------------------------------------------ image -> tensor

    /** One image as a {@code [1, 3, H, W]} tensor in [-1, 1]. */
    public static Tensor toTensor(BufferedImage image, boolean compositeOnWhite) {
        return toTensor(List.of(image), compositeOnWhite);
    }

    /** Images of one size as a {@code [B, 3, H, W]} tensor in [-1, 1]. */
    public static Tensor toTensor(List<BufferedImage> images, boolean compositeOnWhite) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to convert; pass at least one");
        }
        int w = images.get(0).getWidth();
        int h = images.get(0).getHeight();
        int plane = w * h;
        float[] data = new float[images.size() * 3 * plane];
        for (int b = 0; b < images.size(); b++) {
            BufferedImage img = images.get(b);
            if (img.getWidth() != w || img.getHeight() != h) {
                throw new IllegalArgumentException("image " + b + " is " + img.getWidth() + "x" + img.getHeight()
                        + " but image 0 is " + w + "x" + h + "; resize the images to one size before batching them");
            }
            int[] rgb = rgbPixels(img, compositeOnWhite);
            int base = b * 3 * plane;
            for (int i = 0; i < plane; i++) {
                int p = rgb[i];
                data[base + i] = toUnit((p >> 16) & 255);
                data[base + plane + i] = toUnit((p >> 8) & 255);
                data[base + 2 * plane + i] = toUnit(p & 255);
            }
        }
        return new Tensor(new int[] {images.size(), 3, h, w}, data);
    }

    /**
     * One image as a {@code [1, 3, H, W]} tensor in [0, 1] ({@code v / 255} in float32), transparency dropped as PIL's
     * {@code convert("RGB")} does: the form diffusers' ControlNet pipelines give their conditioning image.
     */
    public static Tensor toUnitRangeTensor(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        float[] data = new float[3 * plane];
        int[] rgb = rgbPixels(image, false);
        for (int i = 0; i < plane; i++) {
            int p = rgb[i];
            data[i] = ((p >> 16) & 255) / 255f;
            data[plane + i] = ((p >> 8) & 255) / 255f;
            data[2 * plane + i] = (p & 255) / 255f;
        }
        return new Tensor(new int[] {1, 3, h, w}, data);
    }

    /** A byte value as diffusers normalises it: {@code (v / 255) * 2 - 1} in float32. */
    static float toUnit(int v) {
        float x = v / 255f;
        return 2f * x - 1f;
    }

    // ------------------------------------------------------------------ tensor -> image

    /**
     * A value in [-1, 1] as the byte diffusers writes: {@code round(clamp(x/2 + 0.5, 0, 1) * 255)}
     * in float32, rounding halves to even as NumPy does.
     *
     * @throws IllegalArgumentException for NaN, which means the model produced garbage
     */
    public static int toByte(float x) {
        if (Float.isNaN(x)) {
            throw new IllegalArgumentException("decoded image contains NaN; the model output is invalid "
                    + "(check the model files and that latents were scaled correctly)");
        }
        float y = x / 2f + 0.5f;
        y = Math.min(Math.max(y, 0f), 1f);
        return (int) Math.rint(y * 255f);
    }

    /** Image {@code index} of a {@code [B, 3, H, W]} tensor in [-1, 1]. */
    public static BufferedImage toImage(Tensor images, int index) {
        checkImageBatch(images);
        int batch = images.dim(0);
        if (index < 0 || index >= batch) {
            throw new IllegalArgumentException("image index " + index + " is out of range for a batch of " + batch
                    + " (valid: 0.." + (batch - 1) + ")");
        }
        int h = images.dim(2);
        int w = images.dim(3);
        int plane = w * h;
        float[] d = images.data();
        int base = index * 3 * plane;
        int[] rgb = new int[plane];
        for (int i = 0; i < plane; i++) {
            int r = toByte(d[base + i]);
            int g = toByte(d[base + plane + i]);
            int b = toByte(d[base + 2 * plane + i]);
            rgb[i] = (r << 16) | (g << 8) | b;
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, rgb, 0, w);
        return out;
    }

    /** Every image of a {@code [B, 3, H, W]} tensor in [-1, 1], in batch order. */
    public static List<BufferedImage> toImages(Tensor images) {
        checkImageBatch(images);
        List<BufferedImage> out = new ArrayList<>();
        for (int i = 0; i < images.dim(0); i++) {
            out.add(toImage(images, i));
        }
        return out;
    }

    private static void checkImageBatch(Tensor t) {
        if (t.rank() != 4 || t.dim(1) != 3) {
            throw new IllegalArgumentException("expected an image batch of shape [B, 3, H, W] but got "
                    + Arrays.toString(t.shape()) + "; decode latents with the VAE before converting to images");
        }
    }

    // ------------------------------------------------------------------ sizes

    /**
     * Checks that both sides are multiples of {@code factor} (8 for Stable Diffusion's VAE, 4 for
     * the built-in emoji VAE).
     *
     * @throws IllegalArgumentException naming the size and the nearest valid sizes
     */
    public static void requireDivisible(int width, int height, int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("size factor must be positive, got " + factor);
        }
        if (width < factor || height < factor || width % factor != 0 || height % factor != 0) {
            int wDown = Math.max(factor, width / factor * factor);
            int hDown = Math.max(factor, height / factor * factor);
            int wUp = Math.max(factor, (width + factor - 1) / factor * factor);
            int hUp = Math.max(factor, (height + factor - 1) / factor * factor);
            String fix = wDown == wUp && hDown == hUp
                    ? wDown + "x" + hDown
                    : wDown + "x" + hDown + " or " + wUp + "x" + hUp;
            throw new IllegalArgumentException("image size " + width + "x" + height + " is not a multiple of " + factor
                    + " in both sides, which this model needs; use " + fix + " (resize the image or change --width/--height)");
        }
    }

    /**
     * Resizes with {@link Resampler}: area averaging when the image shrinks on both axes, bicubic
     * (Keys, a = -0.5, antialiased on a shrinking axis) otherwise.
     */
    public static BufferedImage resize(BufferedImage image, int width, int height) {
        Resampler.Filter filter = width <= image.getWidth() && height <= image.getHeight()
                ? Resampler.Filter.AREA
                : Resampler.Filter.BICUBIC;
        return Resampler.resize(image, width, height, filter);
    }
}
