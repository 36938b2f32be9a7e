package apprentice.core.eval;

import apprentice.core.image.Images;
import apprentice.core.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A shipped set of held-out real images with their captions, read from a folder that holds:
 * <pre>
 * atlas.json       {"tile": 64, "columns": 20, "count": 376}: the layout of images.png
 * images.png       every image composited on white, tiles of tile×tile pixels in row-major order, `columns` per row
 *                  (unused cells of the last row are white)
 * captions.jsonl   one row per image, in atlas order: index, vendor, unified, label, labelJa, captions
 * </pre>
 * The folder is small enough to live in the repository, so metrics against real images run in any clone without the
 * training dataset. Images come back as {@code [N, 3, tile, tile]} tensors in [-1, 1], normalised as diffusers does
 * ({@link Images#toTensor}).
 */
public final class ValidationSet {
    public static final String ATLAS = "atlas.json";
    public static final String IMAGES = "images.png";
    public static final String CAPTIONS = "captions.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REGENERATE = "restore it from the repository (git checkout -- <folder>) or regenerate it "
            + "with 'train/run.sh validation-set'";

    /**
     * One held-out image's description.
     *
     * @param index position in the atlas (0-based, row-major)
     * @param vendor who drew the image ("google" = Noto Emoji, "twitter" = Twemoji)
     * @param unified the emoji's code points, upper-case hex joined by '-'
     * @param label the English CLDR label (the first caption)
     * @param labelJa the Japanese CLDR label, or null when the emoji has none
     * @param captions every caption the training data pairs with this image, English label first
     */
    public record Entry(int index, String vendor, String unified, String label, String labelJa, List<String> captions) {
        public Entry {
            captions = List.copyOf(captions);
        }
    }

    /** Atlas layout: square tiles of {@code tile} pixels, {@code columns} per row, {@code count} tiles in all. */
    public record Layout(int tile, int columns, int count) {
        public Layout {
            if (tile < 1 || columns < 1 || count < 1) {
                throw new IllegalArgumentException("atlas layout needs tile, columns and count >= 1, got tile=" + tile
                        + " columns=" + columns + " count=" + count);
            }
        }

        public int rows() {
            return (count + columns - 1) / columns;
        }

        public int width() {
            return columns * tile;
        }

        public int height() {
            return rows() * tile;
        }

        /** Left edge of tile i in the atlas. */
        public int x(int i) {
            return (i % columns) * tile;
        }

        /** Top edge of tile i in the atlas. */
        public int y(int i) {
            return (i / columns) * tile;
        }
    }

    private final Path dir;
    private final Layout layout;
    private final List<Entry> entries;
    private final BufferedImage atlas;

    private ValidationSet(Path dir, Layout layout, List<Entry> entries, BufferedImage atlas) {
        this.dir = dir;
        this.layout = layout;
        this.entries = List.copyOf(entries);
        this.atlas = atlas;
    }

    /**
     * Reads the folder.
     *
     * @throws IllegalArgumentException naming the folder or file and what is wrong with it (missing, unreadable,
     *     inconsistent layout, malformed caption row) and how to get a good copy back
     */
    public static ValidationSet load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("validation set folder not found: " + dir.toAbsolutePath()
                    + " (expected " + ATLAS + ", " + IMAGES + " and " + CAPTIONS + " there; " + REGENERATE + ")");
        }
        Layout layout = readLayout(dir.resolve(ATLAS));
        List<Entry> entries = readCaptions(dir.resolve(CAPTIONS));
        if (entries.size() != layout.count()) {
            throw corrupt(dir.resolve(CAPTIONS), "has " + entries.size() + " rows but " + ATLAS + " says the atlas holds "
                    + layout.count() + " images");
        }
        BufferedImage atlas = readAtlas(dir.resolve(IMAGES), layout);
        return new ValidationSet(dir, layout, entries, atlas);
    }

    private static Layout readLayout(Path file) {
        JsonNode n = readJson(file);
        for (String key : new String[] {"tile", "columns", "count"}) {
            if (!n.path(key).canConvertToInt() || !n.path(key).isIntegralNumber()) {
                throw corrupt(file, "lacks the integer field \"" + key + "\"");
            }
        }
        try {
            return new Layout(n.get("tile").asInt(), n.get("columns").asInt(), n.get("count").asInt());
        } catch (IllegalArgumentException e) {
            throw corrupt(file, e.getMessage());
        }
    }

    private static JsonNode readJson(Path file) {
        requireFile(file);
        try {
            return JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw corrupt(file, "is not valid JSON (" + firstLine(e) + ")");
        }
    }

    private static List<Entry> readCaptions(Path file) {
        requireFile(file);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw corrupt(file, "cannot be read as UTF-8 text (" + firstLine(e) + ")");
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String where = "line " + (i + 1);
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException e) {
                throw corrupt(file, where + " is not valid JSON (" + firstLine(e) + ")");
            }
            if (!n.path("index").isIntegralNumber() || n.path("index").asInt() != out.size()) {
                throw corrupt(file, where + " has index " + n.path("index") + ", expected " + out.size()
                        + " (rows must be in atlas order)");
            }
            String label = text(n, "label", file, where);
            JsonNode caps = n.path("captions");
            if (!caps.isArray() || caps.isEmpty()) {
                throw corrupt(file, where + " lacks a non-empty \"captions\" array");
            }
            List<String> captions = new ArrayList<>();
            caps.forEach(c -> captions.add(c.asText()));
            String ja = n.hasNonNull("labelJa") ? n.get("labelJa").asText() : null;
            out.add(new Entry(out.size(), text(n, "vendor", file, where), text(n, "unified", file, where), label, ja, captions));
        }
        if (out.isEmpty()) {
            throw corrupt(file, "has no rows");
        }
        return out;
    }

    private static String text(JsonNode n, String key, Path file, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw corrupt(file, where + " lacks the text field \"" + key + "\"");
        }
        return v.asText();
    }

    private static BufferedImage readAtlas(Path file, Layout layout) {
        requireFile(file);
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw corrupt(file, "cannot be decoded (" + firstLine(e) + ")");
        }
        if (img == null) {
            throw corrupt(file, "is not a PNG image");
        }
        if (img.getWidth() != layout.width() || img.getHeight() != layout.height()) {
            throw corrupt(file, "is " + img.getWidth() + "x" + img.getHeight() + " but " + ATLAS + " describes "
                    + layout.count() + " tiles of " + layout.tile() + " px in " + layout.columns() + " columns, i.e. "
                    + layout.width() + "x" + layout.height());
        }
        return img;
    }

    private static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("validation set file missing: " + file.toAbsolutePath() + " (" + REGENERATE + ")");
        }
    }

    private static IllegalArgumentException corrupt(Path file, String problem) {
        return new IllegalArgumentException("validation set file " + file.toAbsolutePath() + " " + problem + "; " + REGENERATE);
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    public Path folder() {
        return dir;
    }

    public Layout layout() {
        return layout;
    }

    /** Number of images. */
    public int size() {
        return entries.size();
    }

    /** Side of each (square) image in pixels. */
    public int imageSize() {
        return layout.tile();
    }

    public List<Entry> entries() {
        return entries;
    }

    public Entry entry(int i) {
        return entries.get(i);
    }

    /** English labels in atlas order (one per image; labels repeat across vendors). */
    public List<String> labels() {
        return entries.stream().map(Entry::label).toList();
    }

    /** The distinct English labels, in order of first appearance. */
    public List<String> distinctLabels() {
        return List.copyOf(new LinkedHashSet<>(labels()));
    }

    /** Image i as an RGB image (a copy of its tile). */
    public BufferedImage image(int i) {
        if (i < 0 || i >= size()) {
            throw new IllegalArgumentException("validation image index " + i + " is out of range (valid: 0.." + (size() - 1) + ")");
        }
        int t = layout.tile();
        BufferedImage out = new BufferedImage(t, t, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, t, t, atlas.getRGB(layout.x(i), layout.y(i), t, t, null, 0, t), 0, t);
        return out;
    }

    /** Images {@code [from, to)} as a {@code [to-from, 3, tile, tile]} tensor in [-1, 1]. */
    public Tensor images(int from, int to) {
        if (from < 0 || to > size() || from >= to) {
            throw new IllegalArgumentException("validation image range [" + from + ", " + to + ") is empty or outside 0.." + size());
        }
        List<BufferedImage> tiles = new ArrayList<>();
        for (int i = from; i < to; i++) {
            tiles.add(image(i));
        }
        return Images.toTensor(tiles, true);
    }

    /** Every image as a {@code [N, 3, tile, tile]} tensor in [-1, 1]. */
    public Tensor images() {
        return images(0, size());
    }
}
