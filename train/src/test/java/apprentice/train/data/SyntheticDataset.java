package apprentice.train.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** A synthetic 64×64 dataset on disk in the built layout: flat colour blocks on white, the last images held out. */
public final class SyntheticDataset {
    private SyntheticDataset() {
    }

    public static EmojiDataset write(Path dir, int count, int validation) throws IOException {
        return write(dir, count, validation, i -> "1F60" + i);
    }

    /** As {@link #write(Path, int, int)}, with image i's base emoji given by {@code base} (skin-tone siblings share one). */
    public static EmojiDataset write(Path dir, int count, int validation, java.util.function.IntFunction<String> base)
            throws IOException {
        Files.createDirectories(dir);
        int size = 64;
        byte[] pixels = new byte[count * size * size * 3];
        Random rng = new Random(5);
        StringBuilder entries = new StringBuilder();
        for (int i = 0; i < count; i++) {
            int x0 = rng.nextInt(32);
            int y0 = rng.nextInt(32);
            int[] colour = {rng.nextInt(256), rng.nextInt(256), rng.nextInt(256)};
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    boolean inside = x >= x0 && x < x0 + 24 && y >= y0 && y < y0 + 24;
                    for (int c = 0; c < 3; c++) {
                        pixels[((i * size + y) * size + x) * 3 + c] = (byte) (inside ? colour[c] : 255);
                    }
                }
            }
            boolean val = i >= count - validation;
            entries.append(String.format(
                    "{\"vendor\":\"google\",\"unified\":\"1F60%d\",\"base\":\"%s\",\"imageFile\":\"%d.png\",\"captions\":[\"block %d\"],\"validation\":%b}%n",
                    i, base.apply(i), i, i, val));
        }
        Files.write(dir.resolve(EmojiDataset.IMAGES), pixels);
        Files.writeString(dir.resolve(EmojiDataset.ENTRIES), entries);
        return EmojiDataset.load(dir);
    }
}
