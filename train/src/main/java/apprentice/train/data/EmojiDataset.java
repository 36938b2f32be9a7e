package apprentice.train.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The built dataset in memory: RGB bytes of every image plus its record. */
public final class EmojiDataset {
    public static final String IMAGES = "images.u8";
    public static final String ENTRIES = "entries.jsonl";
    public static final String META = "meta.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] pixels;
    private final List<EmojiRecord> records;
    private final int size;

    private EmojiDataset(byte[] pixels, List<EmojiRecord> records, int size) {
        this.pixels = pixels;
        this.records = records;
        this.size = size;
    }

    public static EmojiDataset load(Path dir) throws IOException {
        Path images = dir.resolve(IMAGES);
        Path entries = dir.resolve(ENTRIES);
        if (!Files.exists(images) || !Files.exists(entries)) {
            throw new IOException("no dataset in " + dir + ": build it first with 'train/run.sh dataset'");
        }
        List<EmojiRecord> records = new ArrayList<>();
        for (String line : Files.readAllLines(entries)) {
            if (!line.isBlank()) {
                records.add(JSON.readValue(line, EmojiRecord.class));
            }
        }
        byte[] pixels = Files.readAllBytes(images);
        int size = DatasetBuilder.SIZE;
        if (pixels.length != (long) records.size() * size * size * 3) {
            throw new IOException(dir + " is inconsistent (" + records.size() + " entries, " + pixels.length
                    + " pixel bytes): rebuild it with 'train/run.sh dataset'");
        }
        return new EmojiDataset(pixels, records, size);
    }

    public int count() {
        return records.size();
    }

    public int size() {
        return size;
    }

    public EmojiRecord record(int i) {
        return records.get(i);
    }

    public List<EmojiRecord> records() {
        return records;
    }

    /** Indices of training (validation=false) or validation images. */
    public int[] indices(boolean validation) {
        return java.util.stream.IntStream.range(0, records.size())
                .filter(i -> records.get(i).validation() == validation).toArray();
    }

    /**
     * The given indices grouped by {@link EmojiRecord#base()} (an emoji with its skin-tone variants, both vendors), groups
     * in order of first appearance and indices in their given order, so the grouping is deterministic.
     */
    public int[][] groupByBase(int[] indices) {
        java.util.Map<String, java.util.List<Integer>> groups = new java.util.LinkedHashMap<>();
        for (int i : indices) {
            groups.computeIfAbsent(records.get(i).base(), k -> new java.util.ArrayList<>()).add(i);
        }
        return groups.values().stream().map(g -> g.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    }

    /** Writes image i as CHW floats in [-1, 1] into dst at offset. */
    public void imageChw(int i, float[] dst, int offset) {
        int hw = size * size;
        int base = i * hw * 3;
        for (int p = 0; p < hw; p++) {
            for (int c = 0; c < 3; c++) {
                dst[offset + c * hw + p] = (pixels[base + p * 3 + c] & 0xFF) / 127.5f - 1f;
            }
        }
    }
}
