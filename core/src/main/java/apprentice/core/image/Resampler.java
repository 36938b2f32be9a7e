package apprentice.core.image;

import java.awt.image.BufferedImage;

/**
 * Separable image resampling with two filters, computed in float on 8-bit values and rounded
 * once at the end (no intermediate rounding, so results do not depend on the pass order beyond
 * float rounding).
 *
 * <ul>
 *   <li>{@link Filter#AREA}: every output pixel is the average of the source pixels it covers,
 *       weighted by the covered area. Exact box averaging: shrinking 512 to 64 averages 8x8
 *       blocks. The right filter for downscaling.</li>
 *   <li>{@link Filter#BICUBIC}: Keys' cubic convolution with a = -0.5 (the kernel PIL calls
 *       BICUBIC). On an axis that shrinks, the kernel is widened by the shrink factor so it
 *       averages instead of aliasing, as PIL does.</li>
 * </ul>
 *
 * Images with alpha are resampled on premultiplied colour so transparent pixels do not bleed
 * their (invisible) colour into edges.
 */
public final class Resampler {
    private Resampler() {
    }

    /** The resampling kernel. */
    public enum Filter {
        AREA,
        BICUBIC
    }

    /** Weights of one output pixel along one axis: source indices {@code start..start+w.length-1}. */
    private record Taps(int start, float[] weights) {
    }

    public static BufferedImage resize(BufferedImage image, int width, int height, Filter filter) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("target size " + width + "x" + height + " must be at least 1x1");
        }
        int sw = image.getWidth();
        int sh = image.getHeight();
        boolean alpha = image.getColorModel().hasAlpha();
        int channels = alpha ? 4 : 3;

        int[] rgb = Images.rgbPixels(image, false);
        int[] argb = alpha ? image.getRGB(0, 0, sw, sh, null, 0, sw) : null;
        float[] src = new float[sw * sh * channels];
        for (int i = 0; i < sw * sh; i++) {
            float a = alpha ? (argb[i] >>> 24) / 255f : 1f;
            src[i * channels] = ((rgb[i] >> 16) & 255) * a;
            src[i * channels + 1] = ((rgb[i] >> 8) & 255) * a;
            src[i * channels + 2] = (rgb[i] & 255) * a;
            if (alpha) {
                src[i * channels + 3] = argb[i] >>> 24;
            }
        }

        Taps[] xTaps = taps(sw, width, filter);
        Taps[] yTaps = taps(sh, height, filter);

        float[] rows = new float[width * sh * channels]; // horizontal pass
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < width; x++) {
                Taps t = xTaps[x];
                for (int c = 0; c < channels; c++) {
                    float sum = 0f;
                    for (int k = 0; k < t.weights.length; k++) {
                        sum += t.weights[k] * src[((y * sw) + t.start + k) * channels + c];
                    }
                    rows[(y * width + x) * channels + c] = sum;
                }
            }
        }

        int[] out = new int[width * height];
        float[] px = new float[channels];
        for (int y = 0; y < height; y++) {
            Taps t = yTaps[y];
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < channels; c++) {
                    float sum = 0f;
                    for (int k = 0; k < t.weights.length; k++) {
                        sum += t.weights[k] * rows[((t.start + k) * width + x) * channels + c];
                    }
                    px[c] = sum;
                }
                out[y * width + x] = pack(px, alpha);
            }
        }
        BufferedImage result = new BufferedImage(width, height, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        result.setRGB(0, 0, width, height, out, 0, width);
        return result;
    }

    private static int pack(float[] px, boolean alpha) {
        int a = alpha ? clampByte(px[3]) : 255;
        float unpremultiply = alpha ? (a == 0 ? 0f : 255f / px[3]) : 1f;
        int r = clampByte(px[0] * unpremultiply);
        int g = clampByte(px[1] * unpremultiply);
        int b = clampByte(px[2] * unpremultiply);
        return (a << 24) | (r << 16) | (g << 8) | b;
    }

    private static int clampByte(float v) {
        return Math.min(255, Math.max(0, Math.round(v)));
    }

    private static Taps[] taps(int in, int out, Filter filter) {
        double scale = (double) in / out;
        Taps[] taps = new Taps[out];
        for (int i = 0; i < out; i++) {
            taps[i] = filter == Filter.AREA ? areaTaps(i, scale, in) : bicubicTaps(i, scale, in);
        }
        return taps;
    }

    /** Overlap of source pixel [j, j+1) with the output pixel's footprint [i*s, (i+1)*s). */
    private static Taps areaTaps(int i, double scale, int in) {
        double lo = i * scale;
        double hi = Math.min(in, (i + 1) * scale);
        int start = (int) Math.floor(lo);
        int end = Math.min(in, (int) Math.ceil(hi));
        float[] w = new float[end - start];
        for (int j = start; j < end; j++) {
            w[j - start] = (float) ((Math.min(j + 1, hi) - Math.max(j, lo)) / (hi - lo));
        }
        return new Taps(start, w);
    }

    private static Taps bicubicTaps(int i, double scale, int in) {
        double filterScale = Math.max(scale, 1.0);
        double support = 2.0 * filterScale;
        double center = (i + 0.5) * scale;
        int start = Math.max(0, (int) Math.floor(center - support));
        int end = Math.min(in, (int) Math.ceil(center + support));
        double[] raw = new double[end - start];
        double total = 0;
        for (int j = start; j < end; j++) {
            double v = keys((j + 0.5 - center) / filterScale);
            raw[j - start] = v;
            total += v;
        }
        float[] w = new float[raw.length];
        for (int k = 0; k < raw.length; k++) {
            w[k] = (float) (raw[k] / total); // normalised so flat areas stay flat at the borders
        }
        return new Taps(start, w);
    }

    /** Keys' cubic convolution kernel with a = -0.5. */
    private static double keys(double x) {
        final double a = -0.5;
        x = Math.abs(x);
        if (x < 1) {
            return ((a + 2) * x - (a + 3)) * x * x + 1;
        }
        if (x < 2) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0;
    }
}
