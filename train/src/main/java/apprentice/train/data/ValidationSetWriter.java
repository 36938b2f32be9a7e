package apprentice.train.data;

import apprentice.core.eval.ValidationSet;
import apprentice.core.image.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Writes the dataset's held-out images as a small folder that can live in the repository and that
 * {@link ValidationSet} reads: {@code atlas.json}, {@code images.png} (one atlas, because a single PNG of
 * 376 tiles compresses far better than 376 files) and {@code captions.jsonl}, plus a {@code README.md} with the
 * provenance. The order is the dataset's own (vendor, then code points), so the folder is the same on every
 * rebuild from the same pinned packages.
 */
public final class ValidationSetWriter {
    /** Tiles per atlas row: 20 × 64 px = 1,280 px wide. */
    public static final int COLUMNS = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ValidationSetWriter() {
    }

    /** Writes the folder and returns the number of images written. */
    public static int write(EmojiDataset data, Path out) throws IOException {
        int[] val = data.indices(true);
        if (val.length == 0) {
            throw new IOException("the dataset has no validation images: rebuild it with 'train/run.sh dataset' "
                    + "and a --validation-percent above 0");
        }
        writeAtlas(data, val, out, ValidationSetReadme::text);
        return val.length;
    }

    /**
     * Writes images {@code indices} of the dataset, in that order, as a folder {@link ValidationSet} reads, with the
     * README {@code readme} gives for the layout. Shared by the validation set and the reference set.
     */
    static void writeAtlas(EmojiDataset data, int[] indices, Path out,
                           java.util.function.Function<ValidationSet.Layout, String> readme) throws IOException {
        int tile = data.size();
        ValidationSet.Layout layout = new ValidationSet.Layout(tile, Math.min(COLUMNS, indices.length), indices.length);
        Files.createDirectories(out);
        BufferedImage atlas = new BufferedImage(layout.width(), layout.height(), BufferedImage.TYPE_INT_RGB);
        int[] white = new int[layout.width() * layout.height()];
        java.util.Arrays.fill(white, 0xFFFFFF);
        atlas.setRGB(0, 0, layout.width(), layout.height(), white, 0, layout.width());
        float[] chw = new float[3 * tile * tile];
        StringBuilder captions = new StringBuilder();
        for (int i = 0; i < indices.length; i++) {
            EmojiRecord r = data.record(indices[i]);
            atlas.setRGB(layout.x(i), layout.y(i), tile, tile, rgb(data, indices[i], chw), 0, tile);
            captions.append(JSON.writeValueAsString(row(i, r))).append('\n');
        }
        ObjectNode meta = JSON.createObjectNode();
        meta.put("tile", layout.tile());
        meta.put("columns", layout.columns());
        meta.put("count", layout.count());
        AtomicFiles.write(out.resolve(ValidationSet.IMAGES), o -> {
            if (!ImageIO.write(atlas, "png", o)) {
                throw new IOException("this JVM has no PNG writer");
            }
        });
        AtomicFiles.write(out.resolve(ValidationSet.CAPTIONS), o -> o.write(captions.toString().getBytes(StandardCharsets.UTF_8)));
        AtomicFiles.write(out.resolve(ValidationSet.ATLAS),
                o -> o.write((JSON.writerWithDefaultPrettyPrinter().writeValueAsString(meta) + "\n").getBytes(StandardCharsets.UTF_8)));
        AtomicFiles.write(out.resolve("README.md"), o -> o.write(readme.apply(layout).getBytes(StandardCharsets.UTF_8)));
    }

    private static ObjectNode row(int index, EmojiRecord r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("index", index);
        n.put("vendor", r.vendor());
        n.put("unified", r.unified());
        n.put("label", r.label());
        // captions: label, label+tags, label+style, then (when emojibase has one) the Japanese label and label+tags
        if (r.captions().size() > 3) {
            n.put("labelJa", r.captions().get(3));
        } else {
            n.putNull("labelJa");
        }
        ArrayNode caps = n.putArray("captions");
        r.captions().forEach(caps::add);
        return n;
    }

    /** The dataset's bytes of image i as packed 0xRRGGBB (exactly: [-1, 1] floats back to the stored byte). */
    private static int[] rgb(EmojiDataset data, int i, float[] chw) {
        data.imageChw(i, chw, 0);
        int hw = data.size() * data.size();
        int[] out = new int[hw];
        for (int p = 0; p < hw; p++) {
            int r = Math.round((chw[p] + 1f) * 127.5f);
            int g = Math.round((chw[hw + p] + 1f) * 127.5f);
            int b = Math.round((chw[2 * hw + p] + 1f) * 127.5f);
            out[p] = (r << 16) | (g << 8) | b;
        }
        return out;
    }
}
