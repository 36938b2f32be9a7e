package apprentice.core.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.imageio.ImageIO;

/**
 * Writes PNG files that carry their generation metadata as UTF-8 {@code iTXt} chunks:
 * <ol>
 *   <li>{@code parameters}: the readable summary of {@link ParametersSummary} (what A1111-aware
 *       tools display);</li>
 *   <li>one chunk per top-level metadata key, holding the value as text (strings verbatim,
 *       everything else as JSON);</li>
 *   <li>{@code apprentice}: the whole metadata map as one JSON object, the machine-readable
 *       record ({@link PngMetadata#json()} reads it back).</li>
 * </ol>
 * The chunks go right after {@code IHDR}, ahead of the pixel data. Files are written atomically
 * ({@link AtomicFiles}): a crash or error never leaves a partial PNG at the target path.
 */
public final class PngWriter {
    public static final String SUMMARY_KEYWORD = "parameters";
    public static final String JSON_KEYWORD = "apprentice";

    private final UnaryOperator<OutputStream> streamDecorator;

    public PngWriter() {
        this(UnaryOperator.identity());
    }

    /** For tests: wraps the file stream, e.g. to fail part-way through. */
    PngWriter(UnaryOperator<OutputStream> streamDecorator) {
        this.streamDecorator = streamDecorator;
    }

    /**
     * Writes {@code image} to {@code file} with the metadata (ordered as the map iterates; use a
     * LinkedHashMap). Replaces an existing file atomically.
     */
    public void write(BufferedImage image, Path file, Map<String, ?> metadata) throws IOException {
        byte[] png = encode(image, metadata);
        AtomicFiles.write(file, out -> out.write(png), streamDecorator);
    }

    /** The complete PNG file as bytes. */
    public static byte[] encode(BufferedImage image, Map<String, ?> metadata) throws IOException {
        for (String key : metadata.keySet()) {
            checkKeyword(key);
            if (key.equals(SUMMARY_KEYWORD) || key.equals(JSON_KEYWORD)) {
                throw new IllegalArgumentException("metadata key '" + key + "' is reserved for the PNG's own "
                        + SUMMARY_KEYWORD + "/" + JSON_KEYWORD + " chunks; rename it");
            }
        }
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", plain)) {
            throw new IOException("no PNG encoder for image type " + image.getType() + "; convert with Images.toRgb first");
        }
        List<PngChunks.Chunk> chunks = PngChunks.parse(plain.toByteArray(), "encoded PNG");

        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.size() + 4096);
        out.writeBytes(PngChunks.SIGNATURE);
        for (PngChunks.Chunk chunk : chunks) {
            PngChunks.write(out, chunk);
            if (chunk.type().equals("IHDR")) {
                PngChunks.write(out, iTxt(SUMMARY_KEYWORD, ParametersSummary.format(metadata)));
                for (Map.Entry<String, ?> e : metadata.entrySet()) {
                    Object v = e.getValue();
                    PngChunks.write(out, iTxt(e.getKey(), v instanceof String s ? s : MetadataJson.compact(v)));
                }
                PngChunks.write(out, iTxt(JSON_KEYWORD, MetadataJson.compact(metadata)));
            }
        }
        return out.toByteArray();
    }

    /** An uncompressed iTXt chunk without language tag or translated keyword. */
    static PngChunks.Chunk iTxt(String keyword, String text) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(keyword.getBytes(StandardCharsets.ISO_8859_1));
        data.write(0); // keyword terminator
        data.write(0); // compression flag: uncompressed
        data.write(0); // compression method
        data.write(0); // empty language tag, terminated
        data.write(0); // empty translated keyword, terminated
        data.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        return new PngChunks.Chunk("iTXt", data.toByteArray());
    }

    /** PNG keywords: 1-79 printable Latin-1 characters, no leading, trailing or double spaces. */
    static void checkKeyword(String key) {
        boolean ok = !key.isEmpty() && key.length() <= 79 && !key.startsWith(" ") && !key.endsWith(" ")
                && !key.contains("  ");
        for (int i = 0; ok && i < key.length(); i++) {
            char c = key.charAt(i);
            ok = (c >= 32 && c <= 126) || (c >= 161 && c <= 255);
        }
        if (!ok) {
            throw new IllegalArgumentException("metadata key '" + key + "' cannot be a PNG text keyword: use 1-79 "
                    + "printable Latin-1 characters without leading, trailing or double spaces");
        }
    }
}
