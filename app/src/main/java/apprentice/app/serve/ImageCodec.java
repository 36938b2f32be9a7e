package apprentice.app.serve;

import apprentice.core.image.Images;
import apprentice.core.image.PngWriter;
import apprentice.core.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** PNG out (with the job's metadata) and uploaded PNG/JPEG in, checked before it is decoded. */
final class ImageCodec {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

    private ImageCodec() {
    }

    /** Image {@code index} of {@code [B, 3, H, W]} as PNG bytes carrying {@code metadata} in iTXt chunks. */
    static byte[] png(Tensor images, int index, Map<String, ?> metadata) {
        try {
            return PngWriter.encode(Images.toImage(images, index), metadata);
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed", e);
        }
    }

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Base64 text (standard alphabet; a {@code data:image/...;base64,} prefix is accepted) to bytes. */
    static byte[] fromBase64(String text, String field) {
        String s = text;
        if (s.startsWith("data:")) {
            int comma = s.indexOf(',');
            if (comma < 0 || !s.substring(0, comma).endsWith(";base64")) {
                throw ApiException.badField(field, field + " is a data URL without ';base64,': send base64 PNG or JPEG bytes");
            }
            s = s.substring(comma + 1);
        }
        try {
            return Base64.getMimeDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw ApiException.badField(field, field + " is not valid base64 (" + e.getMessage() + "): send the PNG or JPEG file base64-encoded");
        }
    }

    /**
     * A ControlNet conditioning image: PNG or JPEG, RGB in [0, 1] (transparency dropped, as PIL's convert("RGB")),
     * resized to the job's {@code width} × {@code height}.
     */
    static Tensor decodeControl(byte[] bytes, String field, int maxSide, int width, int height) {
        BufferedImage image = decodeImage(bytes, field, maxSide);
        if (image.getWidth() != width || image.getHeight() != height) {
            image = Images.resize(Images.toRgb(image, false), width, height);
        }
        return Images.toUnitRangeTensor(image);
    }

    /**
     * Decodes an uploaded image into {@code [1, 3, H, W]}. The type comes from the file's own magic bytes
     * (PNG or JPEG), never from a client-supplied name or content type; the dimensions are read from the
     * header and checked before the pixels are decoded, so a small file cannot expand into a huge image.
     * When {@code width}/{@code height} are given (&gt; 0) the image is resized to them; otherwise its sides
     * must already be multiples of {@code multiple}.
     */
    static Tensor decodeUpload(byte[] bytes, String field, int maxSide, int multiple, int width, int height) {
        BufferedImage image = decodeImage(bytes, field, maxSide);
        int w = width > 0 ? width : image.getWidth();
        int h = height > 0 ? height : image.getHeight();
        if (w != image.getWidth() || h != image.getHeight()) {
            image = Images.resize(Images.toRgb(image, true), w, h);
        } else if (w % multiple != 0 || h % multiple != 0) {
            throw ApiException.badField(field, field + " is " + w + "×" + h + " but this model needs sides that are multiples of "
                    + multiple + ": resize it (e.g. to " + Math.max(multiple, w / multiple * multiple) + "×"
                    + Math.max(multiple, h / multiple * multiple) + "), or give width and height to have the server resize it");
        }
        return Images.toTensor(image, true);
    }

    /** Decodes a PNG or JPEG upload no larger than {@code maxSide} a side; anything else is a 400 naming {@code field}. */
    private static BufferedImage decodeImage(byte[] bytes, String field, int maxSide) {
        String type = startsWith(bytes, PNG_MAGIC) ? "png" : startsWith(bytes, JPEG_MAGIC) ? "jpeg" : null;
        if (type == null) {
            throw ApiException.badField(field, field + " is not a PNG or JPEG file (checked by its first bytes): upload a PNG or JPEG image");
        }
        BufferedImage image;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(type);
            if (!readers.hasNext()) {
                throw new IllegalStateException("no " + type + " reader in this JVM");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w > maxSide || h > maxSide) {
                    throw ApiException.badField(field, field + " is " + w + "×" + h + ", larger than this server's limit of "
                            + maxSide + " pixels a side: scale it down first");
                }
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException ae) {
                throw ae;
            }
            throw ApiException.badField(field, field + " could not be decoded as " + type + " (" + e.getMessage()
                    + "): upload an intact PNG or JPEG file");
        }
        return image;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
