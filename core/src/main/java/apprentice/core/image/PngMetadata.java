package apprentice.core.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The text chunks of a PNG file ({@code tEXt}, {@code zTXt} and {@code iTXt}, compressed or not),
 * by keyword in file order. When a keyword repeats the last one wins, as in PIL.
 */
public final class PngMetadata {
    private final Map<String, String> texts;

    private PngMetadata(Map<String, String> texts) {
        this.texts = Collections.unmodifiableMap(texts);
    }

    public static PngMetadata read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toAbsolutePath().toString(), null, "PNG file not found");
        }
        return parse(bytes, file.toString());
    }

    static PngMetadata parse(byte[] png, String source) throws IOException {
        Map<String, String> texts = new LinkedHashMap<>();
        for (PngChunks.Chunk chunk : PngChunks.parse(png, source)) {
            byte[] d = chunk.data();
            switch (chunk.type()) {
                case "tEXt" -> {
                    int k = terminator(d, 0, chunk, source);
                    texts.put(latin1(d, 0, k), latin1(d, k + 1, d.length));
                }
                case "zTXt" -> {
                    int k = terminator(d, 0, chunk, source);
                    byte[] text = inflate(Arrays.copyOfRange(d, k + 2, d.length), source);
                    texts.put(latin1(d, 0, k), new String(text, StandardCharsets.ISO_8859_1));
                }
                case "iTXt" -> {
                    int k = terminator(d, 0, chunk, source);
                    if (k + 3 > d.length) {
                        throw new IOException(source + " has a malformed iTXt chunk (too short)");
                    }
                    boolean compressed = d[k + 1] != 0;
                    int lang = terminator(d, k + 3, chunk, source);
                    int translated = terminator(d, lang + 1, chunk, source);
                    byte[] text = Arrays.copyOfRange(d, translated + 1, d.length);
                    if (compressed) {
                        text = inflate(text, source);
                    }
                    texts.put(latin1(d, 0, k), new String(text, StandardCharsets.UTF_8));
                }
                default -> {
                }
            }
        }
        return new PngMetadata(texts);
    }

    /** All text entries, keyword to text, in file order. */
    public Map<String, String> texts() {
        return texts;
    }

    public Optional<String> text(String keyword) {
        return Optional.ofNullable(texts.get(keyword));
    }

    /** The A1111-style summary ({@code parameters} chunk), if present. */
    public Optional<String> parameters() {
        return text(PngWriter.SUMMARY_KEYWORD);
    }

    /**
     * The full metadata written by {@link PngWriter} ({@code apprentice} chunk).
     *
     * @throws IllegalArgumentException when the file has no such chunk or it is not a JSON object
     */
    public Map<String, Object> json() {
        String json = texts.get(PngWriter.JSON_KEYWORD);
        if (json == null) {
            throw new IllegalArgumentException("this PNG has no '" + PngWriter.JSON_KEYWORD
                    + "' metadata chunk; it was not written by apprentice (or its metadata was stripped)");
        }
        return MetadataJson.parseObject(json, "the '" + PngWriter.JSON_KEYWORD + "' chunk");
    }

    private static int terminator(byte[] d, int from, PngChunks.Chunk chunk, String source) throws IOException {
        for (int i = from; i < d.length; i++) {
            if (d[i] == 0) {
                return i;
            }
        }
        throw new IOException(source + " has a malformed " + chunk.type() + " chunk (missing NUL separator)");
    }

    private static String latin1(byte[] d, int from, int to) {
        return new String(d, from, to - from, Charset.forName("ISO-8859-1"));
    }

    private static byte[] inflate(byte[] data, String source) throws IOException {
        Inflater inflater = new Inflater();
        inflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IOException(source + " has a truncated compressed text chunk");
                }
                out.write(buf, 0, n);
            }
        } catch (DataFormatException e) {
            throw new IOException(source + " has a corrupt compressed text chunk: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
        return out.toByteArray();
    }
}
